/**
 * Calibration on small hand-made grids: the start delay matches each rise of the replica count to
 * the next new pod (a fall before the pod appears cancels the rise), the replica FPS is read only
 * while pods drop, and the offered load drops a short burst but keeps a step where it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitReplicaFps, fitStartDelay, calibrate } from '../../src/replay/calibrate.js';
import { DEFAULT_MAPPING } from '../../src/replay/mapping.js';
import type { PodRecording, RecordingGrid, ServiceRecording } from '../../src/replay/recording.js';
import type { Scenario } from '../../src/scenario/types.js';

const STEPS = 100;

function pod(
  name: string,
  firstS: number,
  infer: (k: number) => number | null,
  drop: (k: number) => number | null,
): PodRecording {
  return {
    name,
    firstS,
    infer: Array.from({ length: STEPS + 1 }, (_, k) => (k >= firstS ? infer(k) : null)),
    drop: Array.from({ length: STEPS + 1 }, (_, k) => (k >= firstS ? drop(k) : null)),
    cpu: null,
  };
}

function service(replicas: (k: number) => number, pods: PodRecording[]): ServiceRecording {
  const inferFps = new Array<number>(STEPS + 1).fill(0);
  const dropFps = new Array<number>(STEPS + 1).fill(0);
  for (const p of pods)
    for (let k = 0; k <= STEPS; k++) {
      inferFps[k] += p.infer[k] ?? 0;
      dropFps[k] += p.drop[k] ?? 0;
    }
  return {
    service: 's',
    deployment: 'ei-infer-s-app',
    replicas: Array.from({ length: STEPS + 1 }, (_, k) => replicas(k)),
    inferFps,
    dropFps,
    streams: null,
    pods,
  };
}

const grid = (svc: ServiceRecording): RecordingGrid => ({
  t0: 0,
  stepS: 1,
  steps: STEPS,
  services: [svc],
  warnings: [],
});

test('start delay: each rise to the next new pod; a fall before a pod appears cancels the rise', () => {
  const rec = service(
    (k) => (k < 10 ? 1 : k < 20 ? 2 : k < 22 ? 3 : k < 40 ? 2 : 3),
    [
      pod(
        'a',
        1,
        () => 5,
        () => 0,
      ),
      pod(
        'b',
        25,
        () => 5,
        () => 0,
      ), // rise at 10 -> 15 s (the rise at 20 fell back at 22)
      pod(
        'c',
        52,
        () => 5,
        () => 0,
      ), // rise at 40 -> 12 s
    ],
  );
  const f = fitStartDelay(rec, grid(rec));
  assert.equal(f.samples, 2);
  assert.equal(f.value, 13.5);
  assert.equal(f.error, 1.5 / 13.5);
});

test('replica FPS: the median while the pod drops; without drops, the highest seen as a lower bound', () => {
  const busy = service(
    () => 1,
    [
      pod(
        'a',
        1,
        (k) => (k < 50 ? 4 : 10),
        (k) => (k < 50 ? 0 : 3),
      ),
    ],
  );
  const f = fitReplicaFps(busy);
  assert.equal(f.value, 10);
  assert.equal(f.samples, 51);
  const idle = service(
    () => 1,
    [
      pod(
        'a',
        1,
        (k) => (k % 2 ? 3 : 4),
        () => 0,
      ),
    ],
  );
  const g = fitReplicaFps(idle);
  assert.equal(g.value, 4);
  assert.equal(g.error, null);
  assert.match(g.note, /lower bound/);
});

test('offered load: a burst shorter than half the median window goes, a step keeps its place', () => {
  // 25 FPS until 60 s, then 50; a 10 s burst of dropped backlog at 20-29 s. Gauges read 10 s late.
  const load = (k: number) => (k < 70 ? 25 : 50) + (k >= 20 && k < 30 ? 200 : 0);
  const rec = service(
    () => 2,
    [
      pod(
        'a',
        1,
        (k) => load(k) / 2,
        () => 0,
      ),
      pod(
        'b',
        1,
        (k) => load(k) / 2,
        () => 0,
      ),
    ],
  );
  const scenario = { services: [{ name: 's', replicas: 2 }] } as unknown as Scenario;
  const cal = calibrate(grid(rec), scenario, DEFAULT_MAPPING);
  const counts = cal.services[0].streamCounts!;
  const changes = counts.map((c, k) => [k, c]).filter(([k, c]) => k === 0 || c !== counts[k - 1]);
  assert.deepEqual(changes, [
    [0, 1],
    [60, 2],
  ]);
});
