/**
 * Timeline tests: tiny scenarios whose whole course can be worked out by hand. The base scenario
 * (test/helpers/scenario.ts) has one service whose frames take exactly 100 ms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, meanOver, merge, baseSpec, scenarioFrom } from '../helpers/scenario.js';
import { simulate, type TimeseriesRow } from '../../src/model/simulate.js';

const near = (actual: number | null, expected: number, rel = 0.006) =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${actual} is not within ${rel * 100}% of ${expected}`,
  );

test('notify: an isolated frame waits for nothing and takes exactly its service time', () => {
  const { result } = run({
    services: { svc: { wakeup: 'notify' } },
    streams: [{ type: 'svc', fps: 5, phase: 0 }],
  });
  const s = result.services[0];
  assert.equal(s.meanQueueWaitSeconds, 0);
  near(s.latencyP50Seconds, 0.1);
  near(s.latencyP99Seconds, 0.1);
  assert.equal(s.droppedFrames, 0);
});

test('poll: an idle replica looks every 50 ms, so a frame 30 ms into the cycle waits 20 ms', () => {
  // Frames at 30, 230, 430 ms...; polls at 50, 100, ... ms; each frame is picked up 20 ms late.
  const { result } = run({ streams: [{ type: 'svc', fps: 5, phase: '30ms' }] });
  const s = result.services[0];
  near(s.meanQueueWaitSeconds, 0.02, 1e-9);
  near(s.latencyP50Seconds, 0.12);
});

test('trim-on-pop: the first pop after a 10 s start trims the backlog to 32 and counts the rest as drops', () => {
  // 100 frames arrive before the pod is Ready at 10 s; it pops the oldest, 99 remain, 67 are trimmed.
  const { rows, result } = run({ services: { svc: { startupDelay: '10s' } } });
  const at10 = rows.find((r) => r.timeS === 10)!;
  assert.equal(at10.dropFps, 67);
  assert.equal(
    rows.filter((r) => r.timeS < 10).reduce((a, r) => a + r.inferFps, 0),
    0,
  );
  const s = result.services[0];
  assert.equal(s.offeredFrames, s.inferredFrames + s.droppedFrames + s.queuedAtEnd + s.inServiceAtEnd);
  assert.ok(s.queuedAtEnd <= 33);
});

test('drop-newest refuses pushes to a full queue; drop-oldest evicts the oldest', () => {
  const common = { replicas: 0, wakeup: 'notify', scaleEvents: [{ at: '30s', replicas: 1 }] };
  const newest = run({ services: { svc: { ...common, queue: { capacity: 5, dropPolicy: 'drop-newest' } } } })
    .result.services[0];
  const oldest = run({ services: { svc: { ...common, queue: { capacity: 5, dropPolicy: 'drop-oldest' } } } })
    .result.services[0];
  // 300 frames offered before the pod starts at 30 s; 5 are kept either way.
  assert.equal(newest.droppedFrames, oldest.droppedFrames);
  assert.ok(newest.droppedFrames >= 295);
  // drop-newest kept the first five frames (waited ~30 s); drop-oldest kept the last five (<1 s).
  assert.ok(newest.latencyP99Seconds! > 29, `drop-newest p99 ${newest.latencyP99Seconds}`);
  assert.ok(oldest.latencyP99Seconds! < 1, `drop-oldest p99 ${oldest.latencyP99Seconds}`);
});

test('a CPU limit of 0.5 core (CFS quota) halves the speed of a one-thread replica', () => {
  const { result } = run({
    services: { svc: { wakeup: 'notify', resources: { requests: { cpu: 0.5 }, limits: { cpu: 0.5 } } } },
    streams: [{ type: 'svc', fps: 2, phase: 0 }],
  });
  near(result.services[0].latencyP50Seconds, 0.2);
  near(result.services[0].cpuCoreSeconds, 120 * 0.2 * 0.5, 1e-6);
});

test('processor sharing: two saturated replicas on one core each run at half speed', () => {
  const { result, rows } = run({
    nodePools: { pool: { cores: 1 } },
    services: { svc: { replicas: 2 } },
    streams: [{ type: 'svc', fps: 25, phase: 0 }],
  });
  near(meanOver(rows, 'svc', 'inferFps', 10, 60), 10, 0.02); // 2 replicas x 5 FPS instead of 2 x 10
  assert.ok(result.services[0].dropFps > 14);
});

test('background load takes part in processor sharing', () => {
  const { rows } = run({
    nodePools: { pool: { cores: 1, backgroundCores: 1 } },
    streams: [{ type: 'svc', fps: 25, phase: 0 }],
  });
  near(meanOver(rows, 'svc', 'inferFps', 10, 60), 5, 0.03);
});

test('manual scale: new pods count as replicas at once and as ready only after their start delay', () => {
  const { rows, events } = run({
    services: { svc: { startupDelay: '5s', scaleEvents: [{ at: '20s', replicas: 3 }] } },
  });
  const at = (t: number) => rows.find((r) => r.timeS === t)!;
  assert.deepEqual([at(20).replicas, at(20).readyReplicas], [3, 1]);
  assert.deepEqual([at(24).replicas, at(24).readyReplicas], [3, 1]);
  assert.deepEqual([at(25).replicas, at(25).readyReplicas], [3, 3]);
  assert.equal(events.filter((e) => e.event === 'pod-ready').length, 3);
});

test('scale down removes the newest pods first (ReplicaSet order)', () => {
  const { events, rows } = run({
    services: { svc: { replicas: 3, scaleEvents: [{ at: '10s', replicas: 1 }] } },
  });
  const gone = events.filter((e) => e.event === 'pod-terminating').map((e) => e.detail.split(' ')[1]);
  assert.deepEqual(gone, ['svc-2', 'svc-1']);
  assert.equal(rows.find((r) => r.timeS === 11)!.replicas, 1);
});

test('a pod that fits on no node stays Pending and the report says so', () => {
  const { result, events } = run({
    nodePools: { pool: { cores: 2 } },
    services: { svc: { replicas: 3, resources: { requests: { cpu: 1 } } } },
  });
  assert.equal(result.services[0].podsPendingAtEnd, 1);
  assert.ok(events.some((e) => e.event === 'pod-pending' && e.detail.includes('no node has 1 CPU free')));
});

test('a Pending pod is scheduled as soon as a deleted pod frees the CPU it needs', () => {
  const { events } = run({
    nodePools: { pool: { cores: 1 } },
    services: {
      svc: { resources: { requests: { cpu: 1 } }, scaleEvents: [{ at: '10s', replicas: 0 }] },
      other: { model: 'm', resources: { requests: { cpu: 1 } } },
    },
    streams: [
      { type: 'svc', fps: 5 },
      { type: 'other', fps: 5 },
    ],
  });
  const log = events.map((e) => `${e.timeUs / 1e6} ${e.event} ${e.detail.split(' ')[1].replace(':', '')}`);
  assert.ok(log.includes('0 pod-pending other-0'), log.join('\n'));
  assert.ok(log.includes('10 pod-deleted svc-0'), log.join('\n'));
  assert.ok(log.includes('10 pod-scheduled other-0'), log.join('\n'));
});

test("the seed's ei_scale_ratio: (infer + drop) / infer when dropping", () => {
  // 25 FPS offered, 10 FPS served: ratio 2.5 once the queue is full.
  const { rows } = run({ streams: [{ type: 'svc', fps: 25, phase: 0 }] });
  near(meanOver(rows, 'svc', 'scaleRatio', 30, 60), 2.5, 0.02);
});

test("the seed's idle report: (0, 0, 0.5) after 600 empty polls", () => {
  const { rows } = run({ streams: [{ type: 'svc', count: 0 }] });
  assert.equal(rows.find((r) => r.timeS === 29)!.scaleRatio, null);
  assert.equal(rows.find((r) => r.timeS === 31)!.scaleRatio, 0.5);
});

test('an unloaded replica reports infer / max infer, below 1 when it slows', () => {
  const { rows } = run({ streams: [{ type: 'svc', fps: 5, phase: 0 }] });
  near(meanOver(rows, 'svc', 'scaleRatio', 30, 60), 1, 0.02);
});

test('a ramp raises the stream count one stream at a time', () => {
  const { rows, events } = run({
    services: { svc: { replicas: 10 } },
    streams: [{ type: 'svc', fps: 5, count: 1, schedule: [{ at: '10s', count: 5, rampOver: '20s' }] }],
  });
  assert.equal(events.filter((e) => e.event === 'streams').length, 4);
  near(meanOver(rows, 'svc', 'offeredFps', 0, 10), 5, 0.01);
  near(meanOver(rows, 'svc', 'offeredFps', 30, 60), 25, 0.01);
});

test('poisson arrivals at a rate', () => {
  const { result } = run(
    {
      services: { svc: { replicas: 2, wakeup: 'notify' } },
      streams: [{ type: 'svc', arrivals: 'poisson', rate: 5, count: 2 }],
    },
    { durationUs: 2000e6 },
  );
  near(result.services[0].offeredFps, 10, 0.02);
});

test('a daily sine schedules the stream count', () => {
  const { rows } = run({
    duration: '24h',
    step: '1m',
    services: { svc: { replicas: 20, wakeup: 'notify' } },
    streams: [{ type: 'svc', fps: 1, sine: { mean: 10, amplitude: 5, peakAt: '12h', resolution: '10m' } }],
  });
  near(meanOver(rows, 'svc', 'offeredFps', 11.5 * 3600, 12.5 * 3600), 15, 0.02);
  near(meanOver(rows, 'svc', 'offeredFps', 0, 1800), 5, 0.05);
});

test('batches: a replica takes up to batchSize frames and serves them together', () => {
  const { result } = run({
    services: { svc: { batchSize: 4, wakeup: 'notify', startupDelay: '1s' } },
    streams: [{ type: 'svc', fps: 5, phase: 0 }],
  });
  // At 1 s five frames wait (0, .2, .4, .6, .8 s): the first batch takes four and ends at 1.4 s
  // (latencies 1.4, 1.2, 1.0, 0.8); the second takes .8, 1.0, 1.2 and ends at 1.7 (0.9, 0.7, 0.5).
  // Of 300 frames the 297th-smallest latency (p99) is then 0.9 s.
  assert.equal(result.services[0].droppedFrames, 0);
  near(result.services[0].latencyP99Seconds, 0.9);
});

test('a CSV trace sets the stream count over time (header optional, held between rows)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-trace-'));
  try {
    writeFileSync(join(dir, 'counts.csv'), 'time_s,count\n0,1\n20,3\n40,0\n');
    const spec = merge(baseSpec(), {
      services: { svc: { replicas: 5, wakeup: 'notify' } },
      streams: [{ type: 'svc', fps: 5, trace: join(dir, 'counts.csv') }],
    });
    const rows: TimeseriesRow[] = [];
    simulate(scenarioFrom(spec), { sink: { row: (r) => rows.push(r) } });
    near(meanOver(rows, 'svc', 'offeredFps', 0, 20), 5, 0.01);
    near(meanOver(rows, 'svc', 'offeredFps', 20, 40), 15, 0.01);
    assert.equal(meanOver(rows, 'svc', 'offeredFps', 40, 60), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empirical service time draws only the values it is given', () => {
  const { result } = run({
    models: { m: { serviceTime: { type: 'empirical', values: ['50ms', '150ms'] } } },
    services: { svc: { wakeup: 'notify' } },
    streams: [{ type: 'svc', fps: 2, phase: 0 }],
  });
  const s = result.services[0];
  near(s.cpuCoreSeconds / s.inferredFrames, 0.1, 0.15); // mean of the two values
  assert.ok([0.05, 0.15].some((v) => Math.abs(s.latencyP99Seconds! - v) / v < 0.006));
});

test('KPIs: scale events per hour, node-hours and cost at the pools’ prices', () => {
  const { result } = run({
    duration: '30m',
    nodePools: { pool: { count: 3, cores: 8, pricePerHour: 2.5 } },
    services: {
      svc: {
        scaleEvents: [
          { at: '10m', replicas: 3 },
          { at: '20m', replicas: 3 },
          { at: '25m', replicas: 1 },
        ],
      },
    },
  });
  assert.equal(result.services[0].scaleEvents, 2); // the second event changes nothing
  assert.equal(result.services[0].scaleEventsPerHour, 4);
  assert.equal(result.nodeHours, 1.5);
  assert.equal(result.cost, 3.75);
});

test('KPIs: SLO-violation seconds and frames dropped while a scale-up is under way', () => {
  // 25 FPS offered, 10 FPS per replica: one replica drops 15 FPS (60%) until three serve from 20 s + 5 s.
  const { result, rows } = run({
    slo: { maxDropPercent: 1 },
    services: { svc: { startupDelay: '5s', scaleEvents: [{ at: '20s', replicas: 3 }] } },
    streams: [{ type: 'svc', fps: 25, phase: 0 }],
  });
  const s = result.services[0];
  const violating = rows.filter((r) => r.offeredFps > 0 && (100 * r.dropFps) / r.offeredFps > 1).length;
  assert.equal(s.sloViolationSeconds, violating);
  assert.ok(violating >= 20 && violating <= 27, `violating steps: ${violating}`);
  // A step counts when it ends with fewer Ready pods than desired: 20 s to 24 s here.
  const scalingUp = rows
    .filter((r) => r.readyReplicas < r.desiredReplicas)
    .reduce((a, r) => a + r.dropFps, 0);
  assert.equal(s.framesDroppedWhileScalingUp, scalingUp);
  assert.equal(s.framesDroppedWhileScalingUp, 5 * 15);
  assert.ok(s.framesDroppedWhileScalingUp > 0);
});
