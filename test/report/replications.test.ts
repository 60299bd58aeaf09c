/** Several seeds summarised: quantiles, KPI bands, chart bands. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../src/model/simulate.js';
import { band, bandPoints, quantile, summarizeSeeds } from '../../src/report/replications.js';
import type { SeriesPoint } from '../../src/report/series.js';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('quantile interpolates between order statistics like numpy and R (type 7)', () => {
  // numpy.quantile(range(1, 21), [0.05, 0.5, 0.95]) = [1.95, 10.5, 19.05]
  const xs = oneTo(20);
  assert.ok(Math.abs(quantile(xs, 0.05) - 1.95) < 1e-12);
  assert.equal(quantile(xs, 0.5), 10.5);
  assert.ok(Math.abs(quantile(xs, 0.95) - 19.05) < 1e-12);
  assert.equal(quantile([7], 0.95), 7);
  assert.equal(quantile([1, 3], 0), 1);
  assert.equal(quantile([1, 3], 1), 3);
  assert.throws(() => quantile([], 0.5));
});

test('band leaves nulls out, and is null only when no seed has a value', () => {
  assert.deepEqual(band([3, null, 1, 2]), { p5: 1.1, median: 2, p95: 2.9 });
  assert.equal(band([null, null]), null);
  assert.deepEqual(band([5, 5, 5]), { p5: 5, median: 5, p95: 5 });
});

function fakeResult(seed: number, drop: number, latency: number | null): RunResult {
  const kpis = {
    offeredFrames: 100,
    inferredFrames: 100 - drop,
    droppedFrames: drop,
    queuedAtEnd: 0,
    inServiceAtEnd: 0,
    dropRatio: drop / 100,
    offeredFps: 10,
    inferFps: 10 - drop / 10,
    dropFps: drop / 10,
    meanQueueWaitSeconds: latency,
    latencyP50Seconds: latency,
    latencyP95Seconds: latency,
    latencyP99Seconds: latency,
    replicaSeconds: 10,
    maxReplicas: 1,
    cpuCoreSeconds: 5,
    replicaSecondsHeldByStabilization: 0,
  };
  return {
    scenario: 'x',
    seed,
    durationSeconds: 10,
    stepSeconds: 1,
    services: [
      {
        ...kpis,
        service: 'a',
        meanReplicas: 1,
        podsCreated: 1,
        podsPendingAtEnd: 0,
        scaleEvents: seed,
        scaleEventsPerHour: seed * 360,
        sloViolationSeconds: 0,
        framesDroppedWhileScalingUp: 0,
        loadSteps: [{ atSeconds: 0, recoverySeconds: seed }],
        maxRecoverySeconds: seed,
        unrecoveredLoadSteps: 0,
      },
    ],
    total: kpis,
    events: 1000 + seed,
    nodeHours: 1,
    cost: 2,
    recoveryMaxDropPercent: 1,
  };
}

test('summarizeSeeds bands every numeric KPI of every service, the total and the run', () => {
  const results = oneTo(20).map((s) => fakeResult(s, s, s === 3 ? null : s / 10));
  const r = summarizeSeeds(results);
  assert.deepEqual(r.seeds, oneTo(20));
  const a = r.services[0];
  assert.equal(a.service, 'a');
  assert.deepEqual(a.droppedFrames, { p5: 1.95, median: 10.5, p95: 19.05 });
  assert.deepEqual(a.scaleEvents, { p5: 1.95, median: 10.5, p95: 19.05 });
  assert.deepEqual(a.maxRecoverySeconds, { p5: 1.95, median: 10.5, p95: 19.05 });
  assert.equal(a.loadSteps, undefined, 'arrays are not banded');
  assert.deepEqual(a.offeredFps, { p5: 10, median: 10, p95: 10 });
  // Seed 3 has no latency: the band is over the 19 others.
  const lat = oneTo(20)
    .filter((s) => s !== 3)
    .map((s) => s / 10);
  assert.equal((a.latencyP95Seconds as { median: number }).median, quantile(lat, 0.5));
  assert.deepEqual(r.run.events, { p5: 1001.95, median: 1010.5, p95: 1019.05 });
  assert.deepEqual(r.total.dropRatio, { p5: 0.0195, median: 0.105, p95: 0.1905 });
  // Order of the inputs is the order of the seeds: shuffling changes nothing but `seeds`.
  const shuffled = summarizeSeeds([...results].reverse());
  assert.deepEqual(shuffled.services, r.services);
});

test('summarizeSeeds refuses seeds whose services differ', () => {
  const other = fakeResult(2, 1, 1);
  other.services[0].service = 'b';
  assert.throws(() => summarizeSeeds([fakeResult(1, 1, 1), other]), /services differ/);
});

function point(time: number, service: string, v: number | null): SeriesPoint {
  return {
    time,
    service,
    offered_fps: 10,
    infer_fps: v ?? 0,
    drop_fps: 0,
    replicas: 1,
    ready_replicas: 1,
    desired_replicas: 1,
    queue_length: 0,
    latency_p50_s: v,
    latency_p95_s: v,
    latency_p99_s: v,
    hpa_metric: null,
    hpa_target: null,
  };
}

test('bandPoints gives each point the median over seeds and its p5-p95 band', () => {
  const perSeed = oneTo(20).map((s) => [point(1, 'a', s), point(1, 'b', s === 1 ? null : 2 * s)]);
  const { points, bands } = bandPoints(perSeed);
  assert.equal(points.length, 2);
  assert.equal(points[0].infer_fps, 10.5);
  assert.equal(bands[0].infer_fps_p5, 1.95);
  assert.equal(bands[0].infer_fps_p95, 19.05);
  assert.equal(bands[0].offered_fps_p5, 10);
  assert.equal(points[0].hpa_metric, null);
  assert.equal(bands[0].hpa_metric_p95, null);
  // Service b: seed 1 has no latency, the band is over the other 19.
  assert.equal(
    points[1].latency_p95_s,
    quantile(
      oneTo(19).map((s) => 2 * (s + 1)),
      0.5,
    ),
  );
  assert.throws(() => bandPoints([[point(1, 'a', 1)], [point(2, 'a', 1)]]), /different steps/);
});
