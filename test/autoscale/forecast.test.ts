/**
 * The pure parts of the autoscalers that look ahead: Holt-Winters smoothing (predictive) and the
 * oracle's offline plan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forecast, holtWinters, observe } from '../../src/autoscale/predictive/holt-winters.js';
import { offeredFps, oraclePlan } from '../../src/autoscale/oracle/plan.js';
import { baseSpec, merge, scenarioFrom } from '../helpers/scenario.js';

test('Holt: a straight line is extrapolated exactly once the trend is learnt', () => {
  const s = { alpha: 0.5, beta: 0.3, gamma: 0, seasonLength: 0 };
  let st = holtWinters(s);
  for (let k = 0; k < 200; k++) st = observe(s, st, 3 + 2 * k);
  // The last value was 3 + 2 x 199; h steps on it is 3 + 2 x (199 + h).
  for (const h of [1, 2, 10]) assert.ok(Math.abs(forecast(st, h) - (3 + 2 * (199 + h))) < 1e-6, `h=${h}`);
});

test('Holt: a step is followed with lag, not overshoot, from a flat history', () => {
  const s = { alpha: 0.5, beta: 0.3, gamma: 0, seasonLength: 0 };
  let st = holtWinters(s);
  for (let k = 0; k < 50; k++) st = observe(s, st, 1);
  st = observe(s, st, 3);
  // level 0.5 x 3 + 0.5 x 1 = 2, trend 0.3 x (2 - 1) = 0.3: one step ahead 2.3.
  assert.ok(Math.abs(forecast(st, 1) - 2.3) < 1e-12);
});

test('Holt-Winters: a repeating season is forecast at its own phase', () => {
  const pattern = [10, 20, 40, 20];
  const s = { alpha: 0.3, beta: 0.05, gamma: 0.5, seasonLength: pattern.length };
  let st = holtWinters(s);
  for (let k = 0; k < 400; k++) st = observe(s, st, pattern[k % 4]);
  // The next observation is k = 400: pattern[0]; two ahead pattern[1], ...
  for (let h = 1; h <= 4; h++)
    assert.ok(Math.abs(forecast(st, h) - pattern[(399 + h) % 4]) < 0.5, `h=${h}: ${forecast(st, h)}`);
});

const stepScenario = (
  oracle: Record<string, unknown>,
  slo: Record<string, unknown> = { maxDropPercent: 1 },
) =>
  scenarioFrom(
    merge(baseSpec(), {
      duration: '10m',
      slo,
      services: { svc: { startupDelay: '10s', oracle } },
      streams: [
        {
          type: 'svc',
          fps: 10,
          count: 1,
          phase: 'spread',
          schedule: [
            { at: '2m', count: 4 },
            { at: '5m', count: 1 },
          ],
        },
        {
          type: 'svc',
          fps: 5,
          count: 0,
          phase: 'spread',
          schedule: [
            { at: '4m', count: 2 },
            { at: '6m', count: 0 },
          ],
        },
      ],
    }),
  );

test('oracle: the offered FPS of all of a service’s groups, as change points', () => {
  const sc = stepScenario({});
  assert.deepEqual(
    offeredFps(sc, 'svc', sc.durationUs).map((p) => [p.atUs / 1e6, p.fps]),
    [
      [0, 10],
      [120, 40],
      [240, 50],
      [300, 20],
      [360, 10],
    ],
  );
});

test('oracle: the fewest replicas for each load, started one lead ahead of a rise, dropped when it falls', () => {
  // One group of evenly spaced 100 ms frames (D/D/c): ceil(FPS x 0.1) replicas meet the objective.
  // A 5 s spike inside the lead keeps its replicas from the lead before it to its end.
  const sc = scenarioFrom(
    merge(baseSpec(), {
      duration: '10m',
      slo: { maxDropPercent: 1 },
      services: { svc: { startupDelay: '10s', oracle: {} } },
      streams: [
        {
          type: 'svc',
          fps: 10,
          count: 1,
          phase: 'spread',
          schedule: [
            { at: '2m', count: 4 },
            { at: '125s', count: 2 },
            { at: '5m', count: 1 },
          ],
        },
      ],
    }),
  );
  const spec = { leadSeconds: 10, minReplicas: 0, maxReplicas: 100 };
  const plan = oraclePlan(sc, sc.services[0], spec, sc.durationUs);
  assert.deepEqual(
    plan.map((p) => [p.atS, p.replicas, p.fps]),
    [
      [0, 1, 10],
      [110, 4, 40],
      [125, 2, 20],
      [300, 1, 10],
    ],
  );
  const clamped = oraclePlan(sc, sc.services[0], { ...spec, minReplicas: 2, maxReplicas: 3 }, sc.durationUs);
  assert.deepEqual(
    clamped.map((p) => [p.atS, p.replicas]),
    [
      [0, 2],
      [110, 3],
      [125, 2],
    ],
  );
  // The lead defaults to the mean start: 10 s here.
  const a = sc.services[0].autoscaler;
  assert.ok(a?.policy === 'oracle' && a.oracle.leadSeconds === 10);
});
