/**
 * Timeline tests of the KPIs of issue 4: recovery after load steps, replica-seconds held by
 * scale-down stabilization, per-step latency percentiles and node CPU per pool. The base scenario
 * (test/helpers/scenario.ts) has one service whose frames take exactly 100 ms (10 FPS per replica).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../helpers/scenario.js';
import type { NodeRow, RunResult } from '../../src/model/simulate.js';
import { simulate } from '../../src/model/simulate.js';
import { baseSpec, merge, scenarioFrom } from '../helpers/scenario.js';

const near = (actual: number | null, expected: number, rel = 1e-9) =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)),
    `${actual} is not within ${rel} of ${expected}`,
  );

const cpuHpa = (spec: Record<string, unknown>) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  spec: {
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
      },
    ],
    ...spec,
  },
});

const steps = (r: RunResult) => r.services[0].loadSteps.map((s) => [s.atSeconds, s.recoverySeconds]);

// ------------------------------------------------------------------------------- recovery

test('recovery: a manual scale at the load step recovers when its pods are Ready', () => {
  // 0 s: one 5 FPS stream; the one replica is Ready at 10 s and finds 50 frames: the pop leaves
  //   49 and trims 17, so the step ending at 10 s violates and the start recovers in 10 s.
  // 120 s: five streams (25 FPS, spread: a frame every 40 ms) and a scale to 3; one replica
  //   serves 10 FPS, the queue passes 32 and drops until the two new pods are Ready at 130 s;
  //   30 FPS then keep up: 10 s.
  const { result } = run({
    services: { svc: { startupDelay: '10s', scaleEvents: [{ at: '120s', replicas: 3 }] } },
    streams: [{ type: 'svc', fps: 5, phase: 'spread', schedule: [{ at: '120s', count: 5 }] }],
    duration: '3m',
  });
  assert.deepEqual(steps(result), [
    [0, 10],
    [120, 10],
  ]);
  assert.equal(result.services[0].maxRecoverySeconds, 10);
  assert.equal(result.services[0].unrecoveredLoadSteps, 0);
  assert.equal(result.recoveryMaxDropPercent, 1);
});

const hpaStep = (maxReplicas: number, patch: Record<string, unknown> = {}) =>
  run({
    duration: '5m',
    nodePools: { pool: { cores: 16 } },
    services: {
      svc: {
        wakeup: 'notify',
        startupDelay: '5s',
        resources: { requests: { cpu: 1 } },
        hpa: cpuHpa({ maxReplicas }),
      },
    },
    streams: [{ type: 'svc', fps: 5, phase: 0, schedule: [{ at: '120s', count: 5 }] }],
    ...patch,
  });

test('recovery: a step at 120 s that the HPA needs two scale-ups for', () => {
  // 25 FPS needs 3 replicas. The HPA syncs at 15 s, 30 s, ...; the first sync that sees the new
  // CPU (135 s) doubles to 2 (one pod at 100% of its request, target 50%), which still drops
  // 5 FPS (20%); a second scale-up at a later sync brings 4, Ready 5 s after it. So recovery is
  // (a sync at or after 150 s) + 5 s - 120 s: 35, 50 or 65 s, and it ends when a third pod is Ready.
  const { result, rows, events } = hpaStep(10);
  const [start, step] = result.services[0].loadSteps;
  assert.deepEqual([start.atSeconds, start.recoverySeconds], [0, 0]);
  assert.equal(step.atSeconds, 120);
  const recovery = step.recoverySeconds!;
  assert.ok([35, 50, 65].includes(recovery), `recovery ${recovery}`);
  const rescales = events.filter((e) => e.event === 'hpa-rescale').map((e) => e.timeUs / 1e6);
  assert.equal(rescales[0], 135);
  assert.equal(recovery, rescales[1] + 5 - 120);
  const threeReady = rows.find((r) => r.timeS > 120 && r.readyReplicas >= 3)!;
  assert.equal(recovery, threeReady.timeS - 120);
  assert.equal(result.services[0].maxRecoverySeconds, recovery);
});

test('recovery: an HPA capped at 2 replicas never recovers from 25 FPS; a 25% SLO counts 2 as recovered', () => {
  const capped = hpaStep(2).result.services[0];
  assert.deepEqual(
    capped.loadSteps.map((s) => s.recoverySeconds),
    [0, null],
  );
  assert.equal(capped.maxRecoverySeconds, null);
  assert.equal(capped.unrecoveredLoadSteps, 1);
  // Two replicas drop 5 of 25 FPS (20%): within slo.maxDropPercent 25 once the second pod is
  // Ready 5 s after the 135 s sync.
  const lenient = hpaStep(2, { slo: { maxDropPercent: 25 } }).result;
  assert.equal(lenient.recoveryMaxDropPercent, 25);
  assert.deepEqual(steps(lenient), [
    [0, 0],
    [120, 20],
  ]);
});

// ------------------------------------------------------------------- held by stabilization

/**
 * 2 streams x 25 FPS of 100 ms frames keep 5 cores busy: at 50% of 1-core requests, 10 replicas.
 * At 300 s the load halves: 5 replicas. The first sync that sees it is 315 s (the metrics-server
 * window 300-315 s); from then on the stabilization window alone holds 5 extra replicas.
 */
const loadDrop = (behavior: Record<string, unknown> | null, durationUs?: number) =>
  run(
    {
      duration: '15m',
      nodePools: { pool: { cores: 32 } },
      services: {
        svc: {
          wakeup: 'notify',
          startupDelay: '5s',
          resources: { requests: { cpu: 1 } },
          hpa: cpuHpa(behavior ? { maxReplicas: 20, behavior } : { maxReplicas: 20 }),
        },
      },
      streams: [{ type: 'svc', fps: 25, count: 2, phase: 'spread', schedule: [{ at: '5m', count: 1 }] }],
    },
    { durationUs },
  );

const downTo5 = (events: { timeUs: number; event: string; detail: string }[]) =>
  events.find((e) => e.event === 'hpa-rescale' && e.detail.startsWith('New size: 5;'))!.timeUs / 1e6;

test('held by stabilization: a load drop held for the 300 s window is 5 replicas x (600 - 315) s', () => {
  // With behavior the window keeps recommendations strictly younger than 300 s: the last 10
  // (the 300 s sync) lets go at 600 s.
  const { result, events } = loadDrop({});
  assert.equal(downTo5(events), 600);
  const s = result.services[0];
  near(s.replicaSecondsHeldByStabilization, 5 * (600 - 315));
  assert.ok(s.replicaSecondsHeldByStabilization <= s.replicaSeconds);
  near(result.total.replicaSecondsHeldByStabilization, s.replicaSecondsHeldByStabilization);
  // A run that ends while the window holds counts up to its end.
  near(loadDrop({}, 450e6).result.services[0].replicaSecondsHeldByStabilization, 5 * (450 - 315));
});

test('held by stabilization: the legacy window (inclusive) holds 15 s longer', () => {
  const { result, events } = loadDrop(null);
  assert.equal(downTo5(events), 615);
  near(result.services[0].replicaSecondsHeldByStabilization, 5 * 300);
});

test('held by stabilization: none with stabilizationWindowSeconds 0, which scales down at once', () => {
  const { result, events } = loadDrop({ scaleDown: { stabilizationWindowSeconds: 0 } });
  assert.equal(downTo5(events), 315);
  assert.equal(result.services[0].replicaSecondsHeldByStabilization, 0);
});

test('held by stabilization: none without an HPA', () => {
  const { result } = run({ services: { svc: { replicas: 3, scaleEvents: [{ at: '30s', replicas: 1 }] } } });
  assert.equal(result.total.replicaSecondsHeldByStabilization, 0);
});

// ----------------------------------------------------------------- latency percentiles per step

test('latency per step: a constant 100 ms service time gives p50 = p95 = p99 = 100 ms (within 0.5%)', () => {
  const { rows } = run({
    services: { svc: { wakeup: 'notify' } },
    streams: [{ type: 'svc', fps: 5, phase: 0 }],
  });
  const served = rows.filter((r) => r.inferFps > 0);
  assert.equal(served.length, 60);
  for (const r of served) {
    for (const q of [r.latencyP50S, r.latencyP95S, r.latencyP99S]) near(q, 0.1, 0.005);
    assert.equal(r.latencyP50S, r.latencyP99S);
  }
});

test('latency per step: p50 <= p95 <= p99 in every step; none when no frame finished', () => {
  // 120 FPS of uniform 20-380 ms frames on 30 replicas (80% busy): about 120 latencies per step,
  // so the three percentiles are different frames; the streams stop at 30 s.
  const { rows } = run({
    nodePools: { pool: { cores: 64 } },
    models: { m: { serviceTime: { type: 'uniform', min: '20ms', max: '380ms' } } },
    services: { svc: { replicas: 30, wakeup: 'notify', startupDelay: '1s' } },
    streams: [{ type: 'svc', fps: 12, count: 10, schedule: [{ at: '30s', count: 0 }] }],
  });
  let below95 = 0;
  let below99 = 0;
  for (const r of rows) {
    if (r.inferFps === 0) {
      assert.deepEqual([r.latencyP50S, r.latencyP95S, r.latencyP99S], [null, null, null], `at ${r.timeS}s`);
      continue;
    }
    assert.ok(r.latencyP50S! <= r.latencyP95S! && r.latencyP95S! <= r.latencyP99S!, `at ${r.timeS}s`);
    if (r.latencyP50S! < r.latencyP95S!) below95++;
    if (r.latencyP95S! < r.latencyP99S!) below99++;
  }
  assert.ok(below95 >= 25 && below99 >= 20, `p50 < p95 in ${below95} steps, p95 < p99 in ${below99}`);
  assert.ok(rows.some((r) => r.timeS > 40 && r.latencyP50S === null));
});

// --------------------------------------------------------------------------- node CPU per pool

/** Runs `patch` recording the node rows as well. */
function runWithNodes(patch: Record<string, unknown>) {
  const nodes: NodeRow[] = [];
  const rows: { timeS: number; service: string; replicas: number; cpuUtilization: number | null }[] = [];
  const result = simulate(scenarioFrom(merge(baseSpec(), patch)), {
    sink: { node: (r) => nodes.push(r), row: (r) => rows.push(r) },
  });
  return { result, nodes, rows };
}

test("node CPU: each pool's used cores are its pods' busy CPU, step by step and over the run", () => {
  // Two pools, each service pinned to one; `busy` saturates its 2 replicas (25 FPS, 20 FPS served).
  const { result, nodes, rows } = runWithNodes({
    nodePools: {
      pool: { count: 2, cores: 4, labels: { tier: 'a' } },
      spare: { count: 1, cores: 8, cpuType: 'cpu10', labels: { tier: 'b' } },
    },
    services: {
      svc: { model: 'm', replicas: 2, nodePool: 'pool', resources: { requests: { cpu: 1 } } },
      busy: { model: 'm', replicas: 1, nodePool: 'spare', resources: { requests: { cpu: 0.5 } } },
    },
    streams: [
      { type: 'svc', fps: 25, phase: 0 },
      { type: 'busy', fps: 5, phase: 0 },
    ],
  });
  const byService = new Map(result.services.map((s) => [s.service, s]));
  for (const [pool, service, request] of [
    ['pool', 'svc', 1],
    ['spare', 'busy', 0.5],
  ] as const) {
    const poolRows = nodes.filter((n) => n.pool === pool);
    assert.equal(poolRows.length, 60);
    // Over the run: the pool's core-seconds are its pods' core-seconds.
    near(
      poolRows.reduce((a, n) => a + n.cpuUsedCores, 0),
      byService.get(service)!.cpuCoreSeconds,
      1e-9,
    );
    // Step by step: used cores = the service's CPU utilization x its requested cores.
    for (const n of poolRows) {
      const r = rows.find((x) => x.service === service && x.timeS === n.timeS)!;
      near(n.cpuUsedCores, r.cpuUtilization! * r.replicas * request, 1e-9);
      assert.equal(n.cpuRequestedCores, r.replicas * request);
    }
  }
  // A saturated replica keeps one core busy: two of them, 2 cores of the pool's 8.
  const saturated = nodes.filter((n) => n.pool === 'pool' && n.timeS > 1);
  for (const n of saturated) {
    near(n.cpuUsedCores, 2, 1e-9);
    near(n.cpuUtilization, 2 / 8, 1e-9);
  }
  assert.deepEqual(
    [...new Set(nodes.map((n) => `${n.pool} ${n.nodes} ${n.cpuCores}`))],
    ['pool 2 8', 'spare 1 8'],
  );
});

test('node CPU: a pool without nodes reports no utilization', () => {
  const { nodes } = runWithNodes({
    nodePools: { pool: { count: 1 }, empty: { count: 0, cores: 4, cpuType: 'cpu10' } },
  });
  const empty = nodes.filter((n) => n.pool === 'empty');
  assert.equal(empty.length, 60);
  assert.ok(empty.every((n) => n.cpuUsedCores === 0 && n.cpuUtilization === null));
});
