/**
 * The planner end to end on built scenarios: bin-packing, the D/D/c and M/M/c/K acceptance cases,
 * minimality on fresh seeds, infeasible answers, and the chosen plan's manifests loading back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstFitDecreasing, podsOf } from '../../src/plan/binpack.js';
import { confirm, confirmScenario } from '../../src/plan/confirm.js';
import { plannedScenarioYaml } from '../../src/plan/manifests.js';
import type { PoolPlan } from '../../src/plan/plan.js';
import { planScenario, type PlanOptions } from '../../src/plan/plan.js';
import { mmck } from '../../src/plan/queueing.js';
import { serviceLoads, countRange } from '../../src/plan/workload.js';
import { baseSpec, merge, scenarioFrom } from '../helpers/scenario.js';

const OPTIONS: PlanOptions = {
  seeds: [1, 2, 3],
  confirmDurationUs: 300e6,
  confirm: true,
  workers: 1,
  precisions: ['fp32'],
};

test('first-fit decreasing: largest pods first, ties in given order, each to the first node with room', () => {
  const p = firstFitDecreasing(
    [
      { owner: 'a', cpu: 2 },
      { owner: 'b', cpu: 5 },
      { owner: 'c', cpu: 4 },
      { owner: 'd', cpu: 3 },
      { owner: 'e', cpu: 2 },
    ],
    8,
  );
  // 5 -> n0; 4 -> n1; 3 -> n0 (8); 2 (a) -> n1 (6); 2 (e) -> n1 (8)
  assert.equal(p.nodes, 2);
  assert.deepEqual(p.usedCpu, [8, 8]);
  assert.deepEqual(p.perNode, [
    [
      { owner: 'b', pods: 1 },
      { owner: 'd', pods: 1 },
    ],
    [
      { owner: 'c', pods: 1 },
      { owner: 'a', pods: 1 },
      { owner: 'e', pods: 1 },
    ],
  ]);
  assert.equal(firstFitDecreasing(podsOf([{ service: 's', replicas: 31, cpu: 1 }]), 15.5).nodes, 3);
  assert.throws(() => firstFitDecreasing([{ owner: 'x', cpu: 9 }], 8), /requests 9 cores; a node has 8/);
});

test('the workload: peak and quietest stream counts of steps and sines', () => {
  assert.deepEqual(
    countRange({
      kind: 'points',
      changes: [
        { atUs: 0, count: 4 },
        { atUs: 10, count: 12 },
      ],
      ramps: [],
    }),
    {
      min: 4,
      max: 12,
    },
  );
  assert.deepEqual(countRange({ kind: 'points', changes: [{ atUs: 60e6, count: 3 }], ramps: [] }), {
    min: 0,
    max: 3,
  });
  assert.deepEqual(
    countRange({ kind: 'sine', mean: 10, amplitude: 4, periodUs: 1, peakAtUs: 0, resolutionUs: 1 }),
    { min: 6, max: 14 },
  );
  const s = scenarioFrom(
    merge(baseSpec(), {
      streams: [
        { type: 'svc', fps: 10, count: 2, schedule: [{ at: '30s', count: 5 }] },
        { type: 'svc', arrivals: 'poisson', rate: 4, count: 1 },
      ],
    }),
  );
  assert.deepEqual(serviceLoads(s)[0], {
    service: 'svc',
    peakFps: 54,
    minFps: 24,
    peakStreams: 6,
    arrivals: 'mixed',
  });
});

test('D/D/c: one periodic stream and a fixed service time plan ceil(lambda / replica FPS), confirmed by simulation', async () => {
  // 95 FPS evenly spaced; a frame takes 1 GFLOP / 10 GFLOP/s = 100 ms: lambda S = 9.5 -> 10 replicas.
  const s = scenarioFrom(
    merge(baseSpec(), {
      duration: '5m',
      nodePools: { pool: { count: 2, cores: 8 } },
      services: { svc: { wakeup: 'notify' } },
      streams: [{ type: 'svc', fps: 95, phase: 0 }],
      slo: { maxDropPercent: 0.5, maxP95LatencySeconds: 0.15 },
    }),
  );
  const plan = await planScenario(s, OPTIONS);
  const p = plan.candidates[0].services[0];
  assert.equal(p.analytic.formula, 'D/D/c');
  assert.equal(p.analytic.replicas, Math.ceil(95 * 0.1));
  assert.equal(p.simulated!.replicas, 10);
  assert.ok(p.simulated!.fewer!.dropPercent > 0.5, 'nine replicas drop about 5%');
  assert.equal(plan.best, 0);
  assert.equal(plan.candidates[0].nodes, 2, '10 pods of 1 CPU on 8-core nodes');
});

test('D/D/c with jitter: the latency objective takes one more replica than the throughput bound', async () => {
  // 95 FPS with +-4 ms jitter: 10 replicas keep up but a frame can wait up to S + 2J - c/lambda.
  const s = scenarioFrom(
    merge(baseSpec(), {
      duration: '5m',
      nodePools: { pool: { count: 2, cores: 8 } },
      services: { svc: { wakeup: 'notify' } },
      streams: [{ type: 'svc', fps: 95, phase: 0, jitter: '4ms' }],
      slo: { maxDropPercent: 0.5, maxP95LatencySeconds: 0.1015 },
    }),
  );
  const plan = await planScenario(s, OPTIONS);
  const p = plan.candidates[0].services[0];
  assert.equal(p.analytic.formula, 'D/D/c');
  assert.equal(p.analytic.replicas, Math.ceil(95 * 0.1) + 1);
  assert.ok(
    p.simulated!.replicas === 10 || p.simulated!.replicas === 11,
    `simulated ${p.simulated!.replicas}`,
  );
});

/** Poisson frames at 90/s, exponential 100 ms service, 12 waiting places, drop-newest: M/M/c/K. */
function mmckScenario() {
  return scenarioFrom(
    merge(baseSpec(), {
      duration: '10m',
      nodePools: { pool: { count: 4, cores: 8 } },
      models: { m: { serviceTime: { type: 'exponential', mean: '100ms' } } },
      services: { svc: { wakeup: 'notify', queue: { capacity: 12, dropPolicy: 'drop-newest' } } },
      streams: [{ type: 'svc', arrivals: 'poisson', rate: 90, count: 1 }],
      slo: { maxDropPercent: 1 },
    }),
  );
}

test('M/M/c/K: the analytic stage is the closed form, and the simulated minimum agrees within one replica', async () => {
  const s = mmckScenario();
  const plan = await planScenario(s, OPTIONS);
  const p = plan.candidates[0].services[0];
  assert.equal(p.analytic.formula, 'M/M/c/K');
  assert.equal(p.analytic.exact, true);
  const c = p.analytic.replicas!;
  // Exactly the closed form at c (K = c + 12) and failing it at c - 1.
  assert.equal(p.analytic.dropPercent, 100 * mmck(90, 10, c, c + 12).blockingProbability);
  assert.ok(100 * mmck(90, 10, c, c + 12).blockingProbability <= 1);
  assert.ok(100 * mmck(90, 10, c - 1, c - 1 + 12).blockingProbability > 1);
  assert.ok(Math.abs(p.simulated!.replicas! - c) <= 1, `analytic ${c}, simulated ${p.simulated!.replicas}`);
  assert.equal(p.analyticError, p.simulated!.replicas! - c);
});

test('the plan meets its SLO on fresh seeds, and one replica fewer does not (it is minimal)', async () => {
  const s = mmckScenario();
  const plan = await planScenario(s, OPTIONS);
  const p = plan.candidates[0].services[0];
  const fresh = [101, 102, 103];
  const job = {
    scenario: s,
    service: 'svc',
    pool: 'pool',
    precision: 'fp32' as const,
    cpuPerPod: p.cpuPerPod,
    seeds: fresh,
    durationUs: 600e6,
  };
  const at = confirm({ ...job, replicas: p.replicas! }, s.slo);
  assert.ok(at.meets, `at ${p.replicas}: drop ${at.dropPercent}%`);
  // Minimal: with one fewer, the fresh seeds' mean drop is over the SLO (one seed may be lucky).
  let sum = 0;
  for (const seed of fresh)
    sum += confirm({ ...job, seeds: [seed], replicas: p.replicas! - 1 }, s.slo).dropPercent;
  assert.ok(sum / fresh.length > 1, `one fewer drops ${sum / fresh.length}% on average`);
});

test('infeasible answers say which constraint fails and by how much', async () => {
  // A latency objective below the service time itself.
  const tight = scenarioFrom(merge(baseSpec(), { slo: { maxP95LatencySeconds: 0.05 } }));
  const p1 = await planScenario(tight, { ...OPTIONS, confirm: false });
  assert.equal(p1.best, null);
  assert.match(p1.candidates[0].problems[0], /svc: .*latency/i);
  // A pod that fits on no node.
  const big = scenarioFrom(
    merge(baseSpec(), {
      services: { svc: { resources: { requests: { cpu: 12 }, limits: { cpu: 12 } }, threads: 12 } },
      slo: { maxDropPercent: 1 },
    }),
  );
  const p2 = await planScenario(big, { ...OPTIONS, confirm: false });
  assert.equal(p2.best, null);
  assert.match(p2.candidates[0].problems[0], /requests 12 CPU; a pool node has 8 allocatable/);
  // Too few nodes in the pool for the replicas needed.
  const small = scenarioFrom(
    merge(baseSpec(), {
      nodePools: { pool: { count: 1, cores: 4 } },
      streams: [{ type: 'svc', fps: 95, phase: 0 }],
      slo: { maxDropPercent: 1 },
    }),
  );
  const p3 = await planScenario(small, { ...OPTIONS, confirm: false });
  assert.equal(p3.best, null);
  assert.match(p3.candidates[0].problems.join(' '), /svc: at the cap of 4 replicas drop [0-9.]+% exceeds 1%/);
});

test('a plan replaces any autoscaler: its checks run at a fixed count, its scenario reads the planned manifests', () => {
  const keda = { triggers: [{ type: 'redis', metadata: { listLength: '5' } }] };
  const scenario = scenarioFrom(merge(baseSpec(), { services: { svc: { keda } } }));
  assert.equal(scenario.services[0].autoscaler?.policy, 'keda');
  const check = confirmScenario({
    scenario,
    service: 'svc',
    pool: 'pool',
    precision: 'fp32',
    replicas: 3,
    cpuPerPod: 1,
    durationUs: 10e6,
    seeds: [1],
  });
  assert.equal(check.services[0].autoscaler, undefined);
  assert.equal(check.services[0].hpa, null);
  // A scenario on the fluid engine is still checked on the exact one.
  const fluid = confirmScenario({
    scenario: { ...scenario, engine: { kind: 'fluid', tickUs: 100_000 } },
    service: 'svc',
    pool: 'pool',
    precision: 'fp32',
    replicas: 3,
    cpuPerPod: 1,
    durationUs: 10e6,
    seeds: [1],
  });
  assert.equal('engine' in fluid, false);
  const yaml = plannedScenarioYaml(
    { services: { svc: { model: 'm', keda, kpa: {}, replicas: 2 } }, nodePools: { pool: { cores: 8 } } },
    {
      pool: 'pool',
      precision: 'fp32',
      nodes: 1,
      services: [{ service: 'svc', precision: 'fp32' }],
    } as unknown as PoolPlan,
    'planned',
  );
  assert.doesNotMatch(yaml, /keda|kpa|replicas/);
  assert.match(yaml, /manifests: manifests\/svc.yaml/);
});
