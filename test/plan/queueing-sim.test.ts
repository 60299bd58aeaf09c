/**
 * The queueing module's claims about the simulator, checked by running it: how `queue.capacity`
 * and the drop policies map onto K, the error band of the G/G/c/K approximation stated in
 * src/plan/queueing.ts, and D/D/c plans (ceil(λS), one more for jitter) confirmed at c and c - 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluateReplicas,
  minReplicas,
  mmck,
  mmckSojournQuantile,
  type QueueingInput,
} from '../../src/plan/queueing.js';
import type { DropPolicyName } from '../../src/scenario/schema.js';
import type { ServiceSummary } from '../../src/model/simulate.js';
import { run } from '../helpers/scenario.js';
import { ci99 } from '../helpers/stats.js';

type Service =
  | { type: 'exponential'; mean: number }
  | { type: 'constant'; value: number }
  | { type: 'lognormal'; mean: number; cv: number };

/** One service, fixed replicas woken at once (notify), on a node with spare cores (no processor sharing). */
function simulate(opts: {
  replicas: number;
  capacity: number;
  policy: DropPolicyName;
  service: Service;
  streams: Record<string, unknown>[];
  seed: number;
  duration?: string;
}): ServiceSummary {
  return run(
    {
      duration: opts.duration ?? '1h',
      nodePools: { pool: { count: 1, cores: opts.replicas + 4, cpuType: 'cpu10' } },
      models: { m: { serviceTime: opts.service } },
      services: {
        svc: {
          model: 'm',
          replicas: opts.replicas,
          queue: { capacity: opts.capacity, dropPolicy: opts.policy },
          wakeup: 'notify',
          startupDelay: 0,
        },
      },
      streams: opts.streams,
    },
    { seed: opts.seed },
  ).result.services[0];
}

const poisson = (rate: number) => [{ type: 'svc', arrivals: 'poisson', rate }];

function replicate(n: number, f: (seed: number) => ServiceSummary) {
  const drop: number[] = [];
  const p95: number[] = [];
  const wait: number[] = [];
  for (let seed = 1; seed <= n; seed++) {
    const r = f(seed);
    drop.push(r.dropRatio);
    p95.push(r.latencyP95Seconds!);
    wait.push(r.meanQueueWaitSeconds!);
  }
  return { drop: ci99(drop), p95: ci99(p95), wait: ci99(wait) };
}

test('queue semantics: capacity counts waiting frames; trim-on-pop holds one more (K = c + capacity + 1)', () => {
  // lambda 30, mu 10, c 4, capacity 5: K = 9 gives 3.32% drops, K = 10 gives 2.43%.
  const K9 = mmck(30, 10, 4, 9);
  const K10 = mmck(30, 10, 4, 10);
  for (const [policy, model, other] of [
    ['drop-newest', K9, K10],
    ['drop-oldest', K9, K10],
    ['trim-on-pop', K10, K9],
  ] as const) {
    const s = replicate(10, (seed) =>
      simulate({
        replicas: 4,
        capacity: 5,
        policy,
        service: { type: 'exponential', mean: 0.1 },
        streams: poisson(30),
        seed,
      }),
    );
    const msg = `${policy}: simulated drop ${s.drop.mean.toPrecision(4)} +- ${s.drop.halfWidth.toPrecision(2)}, K=${model.capacity} ${model.blockingProbability.toPrecision(4)}, K=${other.capacity} ${other.blockingProbability.toPrecision(4)}`;
    process.stderr.write(`${msg}\n`);
    assert.ok(Math.abs(s.drop.mean - model.blockingProbability) <= s.drop.halfWidth, msg);
    assert.ok(Math.abs(s.drop.mean - other.blockingProbability) > 3 * s.drop.halfWidth, msg);
    // Latency: exact for drop-newest; the other policies serve fresher frames, so the FIFO figure
    // is an upper estimate (histogram buckets: 0.5%).
    const p95 = mmckSojournQuantile(model);
    const lmsg = `${policy}: simulated p95 ${s.p95.mean.toPrecision(4)} +- ${s.p95.halfWidth.toPrecision(2)}, model ${p95.toPrecision(4)}`;
    process.stderr.write(`${lmsg}\n`);
    if (policy === 'drop-newest')
      assert.ok(Math.abs(s.p95.mean - p95) <= s.p95.halfWidth + 0.005 * p95, lmsg);
    else assert.ok(s.p95.mean <= p95 * 1.005 + s.p95.halfWidth, lmsg);
  }
});

/**
 * The G/G/c/K approximation's stated error band (src/plan/queueing.ts header): drop within
 * -15%..+60%, mean wait and p95 within -5%..+20% of the simulated figures, Poisson arrivals.
 */
const APPROX_ROWS: {
  name: string;
  lambda: number;
  c: number;
  capacity: number;
  service: Service;
  cs2: number;
}[] = [
  {
    name: 'M/D/10/30 at rho 0.9',
    lambda: 90,
    c: 10,
    capacity: 20,
    service: { type: 'constant', value: 0.1 },
    cs2: 0,
  },
  {
    name: 'M/D/2/5 at rho 0.7',
    lambda: 14,
    c: 2,
    capacity: 3,
    service: { type: 'constant', value: 0.1 },
    cs2: 0,
  },
  {
    name: 'M/lognormal(cv 1.5)/10/30 at rho 0.9',
    lambda: 90,
    c: 10,
    capacity: 20,
    service: { type: 'lognormal', mean: 0.1, cv: 1.5 },
    cs2: 2.25,
  },
];

for (const row of APPROX_ROWS) {
  test(`G/G/c/K approximation within its stated band against the simulator: ${row.name}`, () => {
    const input: QueueingInput = {
      arrivals: { kind: 'poisson' },
      arrivalRatePerSecond: row.lambda,
      service: { meanSeconds: 0.1, scv: row.cs2 },
      queue: { capacity: row.capacity, dropPolicy: 'drop-newest' },
      maxReplicas: 100,
    };
    const e = evaluateReplicas(input, row.c);
    assert.equal(e.exact, false);
    const s = replicate(10, (seed) =>
      simulate({
        replicas: row.c,
        capacity: row.capacity,
        policy: 'drop-newest',
        service: row.service,
        streams: poisson(row.lambda),
        seed,
      }),
    );
    const ratios = {
      drop: e.dropPercent / 100 / s.drop.mean,
      wait: e.meanWaitSeconds / s.wait.mean,
      p95: e.p95LatencySeconds / s.p95.mean,
    };
    const msg = `${row.name}: approx / simulated: drop ${ratios.drop.toFixed(3)}, mean wait ${ratios.wait.toFixed(3)}, p95 ${ratios.p95.toFixed(3)}`;
    process.stderr.write(`${msg}\n`);
    assert.ok(ratios.drop >= 0.85 && ratios.drop <= 1.6, msg);
    assert.ok(ratios.wait >= 0.95 && ratios.wait <= 1.2, msg);
    assert.ok(ratios.p95 >= 0.95 && ratios.p95 <= 1.2, msg);
  });
}

test('D/D/c plans, simulated: ceil(lambda S) replicas serve evenly spaced frames in S; with jitter the latency objective takes one more', () => {
  // Two 10 FPS streams spread in phase (20 FPS evenly spaced), 100 ms per frame: lambda S = 2.
  const S = 0.1;
  const streams = (jitter: string) => [{ type: 'svc', count: 2, fps: 10, phase: 'spread', jitter }];
  const input = (jitterSeconds: number): QueueingInput => ({
    arrivals: { kind: 'periodic', jitterSeconds },
    arrivalRatePerSecond: 20,
    service: { meanSeconds: S, scv: 0 },
    queue: { capacity: 32, dropPolicy: 'trim-on-pop' },
    maxReplicas: 10,
  });
  const sim = (replicas: number, jitter: string) =>
    simulate({
      replicas,
      capacity: 32,
      policy: 'trim-on-pop',
      service: { type: 'constant', value: S },
      streams: streams(jitter),
      seed: 1,
      duration: '10m',
    });

  // No jitter: ceil(2) = 2 replicas, latency S, nothing dropped; one fewer drops half the frames.
  const plain = minReplicas(input(0), { maxDropPercent: 1, maxP95LatencySeconds: 0.2 });
  assert.ok(plain.feasible && plain.replicas === 2, JSON.stringify(plain));
  const at2 = sim(2, '0s');
  assert.equal(at2.droppedFrames, 0);
  assert.ok(Math.abs(at2.latencyP95Seconds! - S) <= 0.005 * S, `p95 ${at2.latencyP95Seconds}`);
  const at1 = sim(1, '0s');
  assert.ok(Math.abs(at1.dropRatio - plain.fewer!.dropPercent / 100) < 0.01, `drop ${at1.dropRatio}`);

  // 5 ms jitter: at 2 replicas a frame can wait up to S + 2J - c/lambda = 10 ms; a 105 ms objective
  // takes 3 replicas (lambda (S + 2J) = 2.2), where nobody waits.
  const jittered = minReplicas(input(0.005), { maxDropPercent: 1, maxP95LatencySeconds: 0.105 });
  assert.ok(jittered.feasible && jittered.replicas === 3, JSON.stringify(jittered));
  const j3 = sim(3, '5ms');
  const j2 = sim(2, '5ms');
  process.stderr.write(
    `D/D/c with 5 ms jitter: p95 at 3 replicas ${j3.latencyP95Seconds}, at 2 ${j2.latencyP95Seconds} (bound ${jittered.fewer!.p95LatencySeconds})\n`,
  );
  assert.ok(j3.latencyP95Seconds! <= 0.105 && j3.meanQueueWaitSeconds === 0);
  assert.ok(j2.latencyP95Seconds! > 0.105, 'the simulated p95 at c - 1 misses the objective too');
  assert.ok(j2.latencyP95Seconds! <= jittered.fewer!.p95LatencySeconds * 1.005, 'the jitter bound holds');
});
