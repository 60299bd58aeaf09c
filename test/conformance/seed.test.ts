/**
 * The seed's published figures (reference/seed/original-system.md, "Published results"), reproduced
 * by scenarios/seed-*.yaml through the real loader and simulate path. Ranges are the published ones
 * widened by 15% (lower bound x 0.85, upper bound x 1.15), as the foundation issue states.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate, type TimeseriesRow } from '../../src/model/simulate.js';
import { meanOver } from '../helpers/scenario.js';

const scenarioPath = (name: string) => fileURLToPath(new URL(`../../../scenarios/${name}`, import.meta.url));

function runRows(name: string): { rows: TimeseriesRow[]; readyAt: Map<string, number[]> } {
  const rows: TimeseriesRow[] = [];
  const readyAt = new Map<string, number[]>();
  simulate(loadScenario(scenarioPath(name)), {
    sink: {
      row: (r) => rows.push(r),
      event: (e) => {
        if (e.event === 'pod-ready')
          readyAt.set(e.service, [...(readyAt.get(e.service) ?? []), e.timeUs / 1e6]);
      },
    },
  });
  return { rows, readyAt };
}

const widened = (lo: number, hi: number) => [lo * 0.85, hi * 1.15] as const;

function assertIn(what: string, value: number, [lo, hi]: readonly [number, number]) {
  assert.ok(
    value >= lo && value <= hi,
    `${what} = ${value.toFixed(2)}, outside [${lo.toFixed(2)}, ${hi.toFixed(2)}]`,
  );
}

// Published one-replica figures (infer FPS range, drop FPS range) per inference type. car-int8 is
// "about the same as car-fp32": the car-fp32 ranges.
const SEED_DEMO: [string, [number, number], [number, number]][] = [
  ['face-fp32', [19, 22], [3, 6]],
  ['face-int8', [15, 18], [7, 10]],
  ['people', [14, 17], [9, 10]],
  ['car-fp32', [4, 4.5], [20, 22]],
  ['car-int8', [4, 4.5], [20, 22]],
];

const demo = runRows('seed-demo.yaml');
for (const [service, infer, drop] of SEED_DEMO) {
  test(`seed-demo ${service}: infer and drop FPS inside the published ranges widened by 15%`, () => {
    // Steady state: from 60 s (pods Ready, queues full) to the end.
    const end = demo.rows[demo.rows.length - 1].timeS;
    assertIn(`${service} infer FPS`, meanOver(demo.rows, service, 'inferFps', 60, end), widened(...infer));
    assertIn(`${service} drop FPS`, meanOver(demo.rows, service, 'dropFps', 60, end), widened(...drop));
  });
}

test('seed-demo car-fp32: ei_scale_ratio near the published 5.5-6', () => {
  const end = demo.rows[demo.rows.length - 1].timeS;
  assertIn('car-fp32 scale ratio', meanOver(demo.rows, 'car-fp32', 'scaleRatio', 60, end), widened(5.5, 6));
});

test('seed-manual-scale: 1 -> 4 replicas raises infer FPS 3.0-4.0x, 3.0-3.5 FPS each, at most 3 drop FPS each', () => {
  const { rows, readyAt } = runRows('seed-manual-scale.yaml');
  const ready = readyAt.get('car-fp32')!;
  assert.equal(ready.length, 4);
  const scaledAt = 180;
  const lastReady = Math.max(...ready);
  const end = rows[rows.length - 1].timeS;
  const before = meanOver(rows, 'car-fp32', 'inferFps', 60, scaledAt);
  // Steady within 30 s of the new pods' Ready: measure from lastReady + 30 s.
  const after = meanOver(rows, 'car-fp32', 'inferFps', lastReady + 30, end);
  const dropsAfter = meanOver(rows, 'car-fp32', 'dropFps', lastReady + 30, end);
  assertIn('1 replica infer FPS', before, widened(3.7, 4.0));
  assertIn('rise', after / before, [3.0, 4.0]);
  assertIn('infer FPS per replica', after / 4, [3.0, 3.5]);
  assertIn('drop FPS per replica', dropsAfter / 4, [0, 3]);
  // Settled: every 10 s window after lastReady + 30 s is within 10% of the mean.
  for (let t = lastReady + 30; t + 10 <= end; t += 10) {
    const w = meanOver(rows, 'car-fp32', 'inferFps', t, t + 10);
    assert.ok(Math.abs(w - after) / after < 0.1, `window at ${t}s: ${w} vs ${after}`);
  }
});
