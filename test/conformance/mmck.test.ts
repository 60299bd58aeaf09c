/**
 * The real simulate path against the M/M/c/K closed form (reference/queueing.md): scenarios/mmck.yaml
 * (lambda = 90/s, mu = 10/s, c = 10, K = 30) in independent replications with seeds 1..N; the
 * closed form must lie inside the 99% confidence interval and within 3% of the mean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/model/simulate.js';
import { ci99, mmck } from '../helpers/stats.js';

const SCENARIO = fileURLToPath(new URL('../../../scenarios/mmck.yaml', import.meta.url));
const REPLICATIONS = 20;
const DURATION_US = 3600e6;

test('M/M/10/30: the closed form itself matches the reference figures', () => {
  const f = mmck(90, 10, 10, 30);
  assert.ok(Math.abs(f.dropRatio - 0.008772) < 1e-6);
  assert.ok(Math.abs(f.meanWait - 0.04624) < 1e-5);
  assert.ok(Math.abs(f.utilization - 0.8921) < 1e-4);
});

test(`M/M/10/30: drop ratio and mean wait agree with the closed form (${REPLICATIONS} replications)`, () => {
  const scenario = loadScenario(SCENARIO);
  const drops: number[] = [];
  const waits: number[] = [];
  for (let seed = 1; seed <= REPLICATIONS; seed++) {
    const r = simulate(scenario, { seed, durationUs: DURATION_US }).services[0];
    drops.push(r.dropRatio);
    waits.push(r.meanQueueWaitSeconds!);
  }
  const exact = mmck(90, 10, 10, 30);
  for (const [name, xs, truth] of [
    ['drop ratio', drops, exact.dropRatio],
    ['mean wait', waits, exact.meanWait],
  ] as const) {
    const ci = ci99([...xs]);
    const rel = Math.abs(ci.mean - truth) / truth;
    const msg = `${name}: simulated ${ci.mean.toPrecision(5)} (99% CI ${ci.lo.toPrecision(5)}..${ci.hi.toPrecision(5)}), closed form ${truth.toPrecision(5)}, relative error ${(rel * 100).toFixed(2)}%`;
    process.stderr.write(`${msg}\n`);
    assert.ok(ci.lo <= truth && truth <= ci.hi, msg);
    assert.ok(rel < 0.03, msg);
  }
});
