/**
 * The seed's two HPA experiments (reference/seed/original-system.md, "Published results"),
 * reproduced by scenarios/seed-hpa-*.yaml through the loader, the metrics pipeline and the HPA.
 * Ranges are the published ones widened by 15%.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate, type RunEvent, type TimeseriesRow } from '../../src/model/simulate.js';
import { meanOver } from '../helpers/scenario.js';

const scenarioPath = (name: string) => fileURLToPath(new URL(`../../../scenarios/${name}`, import.meta.url));

function record(name: string) {
  const rows: TimeseriesRow[] = [];
  const events: RunEvent[] = [];
  const scenario = loadScenario(scenarioPath(name));
  simulate(scenario, { sink: { row: (r) => rows.push(r), event: (e) => events.push(e) } });
  return { rows, events, scenario };
}

const widened = (lo: number, hi: number) => [lo * 0.85, hi * 1.15] as const;
function assertIn(what: string, value: number, [lo, hi]: readonly [number, number]) {
  assert.ok(
    value >= lo && value <= hi,
    `${what} = ${value.toFixed(3)}, outside [${lo.toFixed(3)}, ${hi.toFixed(3)}]`,
  );
}

test('seed-hpa-cpu: first scale-up 1-4 min after the HPA starts; settles at 3-4 replicas inside the seed ranges', () => {
  const { rows, events, scenario } = record('seed-hpa-cpu.yaml');
  const start = scenario.services[0].hpaAppliedAtUs / 1e6;
  const first = events.find((e) => e.event === 'hpa-rescale')!;
  assert.ok(first, 'the HPA never scaled');
  const after = first.timeUs / 1e6 - start;
  assertIn('first scale-up, minutes after the HPA started', after / 60, [1, 4]);
  assert.match(
    first.detail,
    /^New size: \d; reason: cpu resource utilization \(percentage of request\) above target$/,
  );
  // Before: one replica on its 0.5-CPU limit.
  assertIn('1 replica infer FPS', meanOver(rows, 'car-fp32', 'inferFps', 60, start), widened(2.2, 2.7));
  assertIn('1 replica drop FPS', meanOver(rows, 'car-fp32', 'dropFps', 60, start), widened(19, 22));
  const end = rows[rows.length - 1].timeS;
  const settled = rows.filter((r) => r.timeS > end - 180);
  const replicas = settled[0].replicas;
  assert.ok(
    [3, 4].includes(replicas) && settled.every((r) => r.replicas === replicas),
    'did not settle at 3 or 4',
  );
  assertIn(
    'infer FPS per replica',
    meanOver(rows, 'car-fp32', 'inferFps', end - 180, end) / replicas,
    widened(2.8, 3.5),
  );
  assertIn(
    'drop FPS per replica',
    meanOver(rows, 'car-fp32', 'dropFps', end - 180, end) / replicas,
    widened(2, 6),
  );
});

test('seed-hpa-scale-ratio: 1 -> 2, total infer 20-25 within 1.5 min, drops 0, ratio near 1, ScaleDownStabilized', () => {
  const { rows, events, scenario } = record('seed-hpa-scale-ratio.yaml');
  const start = scenario.services[0].hpaAppliedAtUs / 1e6;
  const rescales = events.filter((e) => e.event === 'hpa-rescale');
  assert.ok(rescales.length >= 1);
  assert.match(rescales[0].detail, /^New size: 2; reason: pods metric ei_scale_ratio above target$/);
  assertIn(
    'total infer FPS 60-90 s after the HPA start',
    meanOver(rows, 'people', 'inferFps', start + 60, start + 90),
    [20, 25],
  );
  const stop = 9 * 60;
  assert.equal(meanOver(rows, 'people', 'dropFps', start + 60, stop), 0, 'drops did not reach 0');
  assertIn(
    'scale ratio with 2 replicas',
    meanOver(rows, 'people', 'scaleRatio', start + 90, stop),
    [0.9, 1.1],
  );
  // After the stream stops the HPA proposes 1 but holds 2 for the 5-minute window.
  const stabilized = events.filter(
    (e) => e.event === 'hpa-stabilized' && e.detail.startsWith('ScaleDownStabilized'),
  );
  assert.ok(stabilized.length > 0, 'no ScaleDownStabilized');
  const down = rescales.find((e) => /^New size: 1;/.test(e.detail));
  assert.ok(down && down.timeUs / 1e6 >= stop + 300, `scaled down at ${down?.timeUs}`);
  assert.ok(stabilized.every((e) => e.timeUs < down!.timeUs));
});
