/**
 * The autoscalers that look ahead, as timelines: the predictive HPA against the plain one on a
 * ramp, and the oracle's replicas ready when the load arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimeseriesRow } from '../../src/model/simulate.js';
import { run } from '../helpers/scenario.js';

const ramp = (predictive: boolean) => ({
  duration: '12m',
  nodePools: { pool: { cores: 64 } },
  services: {
    svc: {
      wakeup: 'notify',
      startupDelay: '30s',
      resources: { requests: { cpu: 1 }, limits: { cpu: 1 } },
      autoscale: { cpuPercent: 70, min: 1, max: 30 },
      ...(predictive ? { predictive: {} } : {}),
    },
  },
  streams: [
    { type: 'svc', fps: 10, count: 1, phase: 'spread', schedule: [{ at: '1m', count: 16, rampOver: '8m' }] },
  ],
});

/** When the desired count first reached each value. */
function firstReached(rows: TimeseriesRow[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of rows) for (let n = 1; n <= r.desiredReplicas; n++) if (!out.has(n)) out.set(n, r.timeS);
  return out;
}

test('predictive: on a ramp the forecast scales to every count no later than the plain HPA, and drops less', () => {
  const plain = run(ramp(false));
  const ahead = run(ramp(true));
  const p = firstReached(plain.rows);
  const a = firstReached(ahead.rows);
  let earlier = 0;
  for (const [n, t] of p) {
    assert.ok(a.has(n) && a.get(n)! <= t, `${n} replicas: predictive ${a.get(n)}s, plain ${t}s`);
    if (a.get(n)! < t) earlier++;
  }
  assert.ok(earlier >= 5, `earlier for only ${earlier} counts`);
  assert.ok(ahead.result.services[0].droppedFrames < plain.result.services[0].droppedFrames);
  // The same HPA decides: its events, and a forecast beside each rescale.
  const rescales = ahead.events.filter((e) => e.event === 'hpa-rescale');
  const forecasts = ahead.events.filter((e) => e.event === 'predictive-forecast');
  assert.equal(forecasts.length, rescales.length);
  assert.match(forecasts[0].detail, /^resource:cpu [\d.]+ now, [\d.]+ in 30s$/);
});

test('predictive: under a steady load it settles inside the HPA tolerance and stays there', () => {
  // 60 FPS of 100 ms frames keep 6 cores busy: at a 70% target, n replicas are within the 10%
  // tolerance for 6 / n in [63%, 77%]: 8 or 9.
  const { rows, events } = run({
    ...ramp(true),
    duration: '15m',
    streams: [{ type: 'svc', fps: 10, count: 6, phase: 'spread' }],
  });
  assert.ok([8, 9].includes(rows.at(-1)!.desiredReplicas), `ended at ${rows.at(-1)!.desiredReplicas}`);
  const late = events.filter((e) => e.event === 'hpa-rescale' && e.timeUs > 600e6);
  assert.deepEqual(late, []);
});

test('oracle: replicas are Ready when the load arrives, none dropped, and fewer replica-seconds than the HPA', () => {
  // Evenly spaced frames of 100 ms: 10 FPS need 1 replica, 40 FPS 4. The streams start at 30 s, so
  // the oracle starts at 0 replicas, starts one 10 s (the start delay) before the frames come, and
  // four before the step.
  const scenario = (autoscaler: Record<string, unknown>) => ({
    duration: '8m',
    slo: { maxDropPercent: 1 },
    nodePools: { pool: { cores: 64 } },
    services: {
      svc: {
        wakeup: 'notify',
        startupDelay: '10s',
        resources: { requests: { cpu: 1 }, limits: { cpu: 1 } },
        ...autoscaler,
      },
    },
    streams: [
      {
        type: 'svc',
        fps: 10,
        count: 0,
        phase: 'spread',
        schedule: [
          { at: '30s', count: 1 },
          { at: '2m', count: 4 },
          { at: '5m', count: 1 },
        ],
      },
    ],
  });
  const oracle = run(scenario({ oracle: {} }));
  const planned = oracle.events
    .filter((e) => e.event === 'oracle-scale')
    .map((e) => [e.timeUs / 1e6, e.detail.split(':')[0]]);
  assert.deepEqual(planned, [
    [0, '1 -> 0 replicas'],
    [20, '0 -> 1 replicas'],
    [110, '1 -> 4 replicas'],
    [300, '4 -> 1 replicas'],
  ]);
  assert.equal(oracle.rows.find((r) => r.timeS === 30)!.readyReplicas, 1);
  assert.equal(oracle.rows.find((r) => r.timeS === 120)!.readyReplicas, 4);
  assert.equal(oracle.result.services[0].droppedFrames, 0);
  assert.equal(oracle.result.services[0].latencyP99Seconds! < 0.11, true);
  const hpa = run(scenario({ autoscale: { cpuPercent: 70, min: 1, max: 10 } }));
  const o = oracle.result.services[0];
  const h = hpa.result.services[0];
  assert.ok(o.replicaSeconds < h.replicaSeconds, `oracle ${o.replicaSeconds} vs HPA ${h.replicaSeconds}`);
  assert.ok(h.droppedFrames > 0);
});
