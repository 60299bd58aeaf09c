/**
 * The fluid engine (src/model/fluid.ts) against the exact one: the same KPIs within the error the
 * README states ("The fluid engine"), on every shipped scenario and on a tenth of the bench's city;
 * frames conserved; deterministic; far fewer events; the exact engine untouched as the default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate, type RunResult, type ServiceSummary } from '../../src/model/simulate.js';
import type { Scenario } from '../../src/scenario/types.js';
import { CHURN, run } from '../helpers/scenario.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function fluid(s: Scenario, tickUs = 100_000): Scenario {
  return { ...s, engine: { kind: 'fluid', tickUs } };
}

/**
 * The stated error, per service (README, "The fluid engine"). Latency is looser where pods poll an
 * often-empty queue: the exact engine's frames then wait for polls and bunch up, which a count does
 * not see.
 */
interface Tolerance {
  /** Relative: offered, inferred, CPU core-seconds, replica-seconds. */
  frames: number;
  cpu: number;
  replicas: number;
  /** Absolute, percentage points. */
  dropPoints: number;
  /** Relative, p95 latency. */
  p95: number;
}

const STATED: Tolerance = { frames: 0.02, cpu: 0.02, replicas: 0.07, dropPoints: 1, p95: 0.15 };

const CASES: { file: string; tolerance: Tolerance }[] = [
  ...[
    'seed-demo-hpa',
    'seed-demo',
    'seed-hpa-cpu',
    'seed-hpa-scale-ratio',
    'seed-keda',
    'seed-manual-scale',
    'seed-people-bursty',
    'mmck',
  ].map((n) => ({ file: `scenarios/${n}.yaml`, tolerance: STATED })),
  { file: 'test/fixtures/fluid/city-small.yaml', tolerance: { ...STATED, p95: 0.3 } },
];

function relative(exact: number, approx: number): number {
  return exact === 0 ? Math.abs(approx) : Math.abs(approx - exact) / Math.abs(exact);
}

function compare(e: ServiceSummary, f: ServiceSummary, t: Tolerance): string[] {
  const out: string[] = [];
  const rel = (what: string, a: number, b: number, tol: number) => {
    if (relative(a, b) > tol) out.push(`${e.service} ${what}: exact ${a}, fluid ${b} (> ${tol * 100}%)`);
  };
  rel('offered frames', e.offeredFrames, f.offeredFrames, t.frames);
  rel('inferred frames', e.inferredFrames, f.inferredFrames, t.frames);
  rel('CPU core-seconds', e.cpuCoreSeconds, f.cpuCoreSeconds, t.cpu);
  rel('replica-seconds', e.replicaSeconds, f.replicaSeconds, t.replicas);
  const points = 100 * Math.abs(e.dropRatio - f.dropRatio);
  if (points > t.dropPoints)
    out.push(`${e.service} drop: exact ${e.dropRatio}, fluid ${f.dropRatio} (> ${t.dropPoints} points)`);
  if (e.latencyP95Seconds !== null) {
    if (f.latencyP95Seconds === null) out.push(`${e.service} p95: the fluid run has none`);
    else rel('p95 latency', e.latencyP95Seconds, f.latencyP95Seconds, t.p95);
  }
  return out;
}

for (const { file, tolerance } of CASES) {
  test(`fluid engine within the stated error of the exact one: ${file}`, () => {
    const scenario = loadScenario(join(ROOT, file));
    const exact = simulate(scenario);
    const approx = simulate(fluid(scenario));
    assert.equal(exact.engine, undefined);
    assert.deepEqual(approx.engine, { kind: 'fluid', tickSeconds: 0.1 });
    const problems = exact.services.flatMap((s, i) => compare(s, approx.services[i], tolerance));
    assert.deepEqual(problems, []);
    // The point of it: far fewer events than one or two per frame.
    assert.ok(approx.events < exact.events / 2, `${approx.events} events vs ${exact.events}`);
  });
}

test('the fluid engine conserves frames (checked at every step by the run) and never serves before Ready', () => {
  for (const seed of [1, 2, 3]) {
    const { result, rows, events } = run({ ...CHURN, engine: { kind: 'fluid', tick: '50ms' } }, { seed });
    for (const s of [...result.services, result.total]) {
      assert.equal(s.offeredFrames, s.inferredFrames + s.droppedFrames + s.queuedAtEnd);
      assert.equal(s.inServiceAtEnd, 0);
    }
    assert.ok(result.total.droppedFrames > 0 && result.total.inferredFrames > 0);
    for (const svc of ['svc', 'newest', 'oldest']) {
      const firstReady = events.find((e) => e.service === svc && e.event === 'pod-ready')!.timeUs / 1e6;
      const early = rows.filter((r) => r.service === svc && r.timeS < firstReady);
      assert.ok(early.length > 0);
      assert.ok(early.every((r) => r.inferFps === 0));
    }
  }
});

test('the fluid engine is deterministic, and another seed changes what is random (pod start-ups)', () => {
  const a = run({ ...CHURN, engine: { kind: 'fluid' } }, { seed: 4 });
  const b = run({ ...CHURN, engine: { kind: 'fluid' } }, { seed: 4 });
  const c = run({ ...CHURN, engine: { kind: 'fluid' } }, { seed: 5 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.events, c.events);
});

test('a full queue: the fluid engine drops what the replicas cannot serve, as the exact one does', () => {
  // 10 FPS into one replica of 100 ms per frame at half speed (CPU limit 0.5): 5 frames/s served.
  const patch = {
    duration: '10m',
    services: {
      svc: { resources: { limits: { cpu: 0.5 } }, queue: { capacity: 8, dropPolicy: 'drop-newest' } },
    },
  };
  const exact = run(patch).result.total;
  const approx = run({ ...patch, engine: { kind: 'fluid' } }).result.total;
  assert.equal(approx.offeredFrames, 6000);
  assert.ok(Math.abs(approx.dropRatio - 0.5) < 0.01, `fluid drop ${approx.dropRatio}`);
  assert.ok(Math.abs(approx.dropRatio - exact.dropRatio) < 0.01);
  // drop-newest: a served frame waited behind the full queue, 8 frames at 5 frames/s.
  assert.ok(Math.abs(approx.meanQueueWaitSeconds! - exact.meanQueueWaitSeconds!) < 0.1);
  assert.ok(Math.abs(approx.meanQueueWaitSeconds! - 1.6) < 0.1, `wait ${approx.meanQueueWaitSeconds}`);
});

/** 2 replicas of a 2 s frame (constant), a whole core each, on a 2-core node, for 10 minutes. */
const SLOW_FRAMES = {
  duration: '10m',
  nodePools: { pool: { cores: 2 } },
  models: { slow: { serviceTime: { type: 'constant', value: '2s' } } },
  services: {
    svc: { model: 'slow', replicas: 2, resources: { requests: { cpu: 1 }, limits: { cpu: 1 } } },
  },
};

test('frames longer than the tick: the pods stay busy through the ticks between whole frames', () => {
  // 2 replicas of a 2 s frame (constant) on a 2-core node, 10 FPS offered: saturated, 1 frame/s
  // served. A tick serves a whole frame only every 10th tick; the pods are busy in between, so the
  // node's sharing factor must not see them idle (nor more than busy) there.
  const patch = SLOW_FRAMES;
  const exact = run(patch).result.services[0];
  const approx = run({ ...patch, engine: { kind: 'fluid' } }).result.services[0];
  assert.ok(exact.inferredFrames > 590, `exact ${exact.inferredFrames}`);
  assert.ok(relative(exact.inferredFrames, approx.inferredFrames) < 0.02, `${approx.inferredFrames}`);
  assert.ok(relative(exact.cpuCoreSeconds, approx.cpuCoreSeconds) < 0.02, `${approx.cpuCoreSeconds}`);
});

test('frames longer than the tick, lightly loaded or idle: the pods are busy only for the work there is', () => {
  // A count below one frame per tick must not read as saturated when nothing waits: with no frames
  // the pods used no CPU, and at low load only the frames' work.
  const base = SLOW_FRAMES;
  const cases = [
    { ...base, streams: [] },
    { ...base, streams: [{ type: 'svc', fps: 0.2, phase: 0 }] },
    {
      ...base,
      models: { quick: { serviceTime: { type: 'constant', value: '150ms' } } },
      services: { svc: { model: 'quick', replicas: 1 } },
      streams: [{ type: 'svc', fps: 0.5, phase: 0 }],
    },
  ];
  for (const patch of cases) {
    const exact = run(patch).result.services[0];
    const approx = run({ ...patch, engine: { kind: 'fluid' } }).result.services[0];
    const what = `${JSON.stringify(patch.streams)}: exact ${exact.cpuCoreSeconds}, fluid ${approx.cpuCoreSeconds}`;
    if (exact.cpuCoreSeconds === 0) assert.equal(approx.cpuCoreSeconds, 0, what);
    else assert.ok(relative(exact.cpuCoreSeconds, approx.cpuCoreSeconds) < 0.03, what);
    assert.ok(Math.abs(exact.inferredFrames - approx.inferredFrames) <= 1, what);
  }
});

test("the fluid engine's per-step percentiles agree with the exact engine's, step by step on average", () => {
  // A steady service below saturation: 6 replicas, exponential 80 ms frames, 50 FPS, 10 s steps (500
  // frames a step: a step's p99 is then the distribution's, not the largest of a handful of frames).
  const patch = {
    duration: '10m',
    step: '10s',
    models: { exp: { serviceTime: { type: 'exponential', mean: '80ms' } } },
    services: { svc: { model: 'exp', replicas: 6, wakeup: 'notify' } },
    streams: [{ type: 'svc', fps: 50, phase: 0 }],
  };
  const mean = (
    rows: { latencyP95S: number | null; latencyP99S: number | null }[],
    k: 'latencyP95S' | 'latencyP99S',
  ) => rows.reduce((a, r) => a + (r[k] ?? 0), 0) / rows.length;
  const exact = run(patch).rows;
  const approx = run({ ...patch, engine: { kind: 'fluid' } }).rows;
  assert.equal(approx.length, exact.length);
  assert.ok(approx.every((r) => r.latencyP95S !== null && r.latencyP95S < 1));
  for (const k of ['latencyP95S', 'latencyP99S'] as const) {
    assert.ok(
      relative(mean(exact, k), mean(approx, k)) < 0.2,
      `${k}: exact ${mean(exact, k)}, fluid ${mean(approx, k)}`,
    );
  }
});

test('the tick: steps end on a tick, a tick longer than the step is refused', () => {
  // A 70 ms tick does not divide the 1 s step: the rows still count each step's frames alone.
  const { rows } = run({ engine: { kind: 'fluid', tick: '70ms' } });
  assert.equal(rows.length, 60);
  assert.ok(
    rows.every((r) => r.offeredFps === 10),
    JSON.stringify(rows.map((r) => r.offeredFps)),
  );
  assert.throws(
    () => run({ step: '1s', engine: { kind: 'fluid', tick: '2s' } }),
    /engine\.tick.*must not exceed step/s,
  );
  assert.throws(() => run({ engine: { kind: 'exact', tick: '1s' } }), /engine\.tick.*fluid engine only/s);
});

test('the exact engine stays the default: a scenario without `engine` gives a result without it', () => {
  const r: RunResult = run().result;
  assert.equal(r.engine, undefined);
  assert.equal('engine' in r, false);
});
