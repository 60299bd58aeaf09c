/**
 * Load steps read from the resolved scenario (load-steps.ts), and recovery measured per step
 * (recovery.ts): table-driven rows whose answers follow from the schedules by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStepsUs } from '../../src/model/load-steps.js';
import { RecoveryTracker } from '../../src/model/recovery.js';
import { baseSpec, merge, scenarioFrom } from '../helpers/scenario.js';

type Obj = Record<string, unknown>;

/** The load steps (seconds) of service `svc` over `duration`. */
function stepsOf(patch: Obj): number[] {
  const scenario = scenarioFrom(merge(baseSpec(), patch));
  const i = scenario.services.findIndex((s) => s.name === 'svc');
  return loadStepsUs(scenario, scenario.durationUs)[i].map((us) => us / 1e6);
}

const ROWS: { name: string; patch: Obj; steps: number[] }[] = [
  {
    name: 'streams running from the start: one step at 0',
    patch: { streams: [{ type: 'svc', fps: 10, count: 3 }] },
    steps: [0],
  },
  {
    name: 'no stream at first, three from 20 s: the streams start at 20 s',
    patch: { streams: [{ type: 'svc', fps: 10, count: 0, schedule: [{ at: '20s', count: 3 }] }] },
    steps: [20],
  },
  {
    name: 'up, down, up: the fall is no step',
    patch: {
      streams: [
        {
          type: 'svc',
          fps: 10,
          schedule: [
            { at: '10s', count: 4 },
            { at: '20s', count: 2 },
            { at: '30s', count: 3 },
          ],
        },
      ],
    },
    steps: [0, 10, 30],
  },
  {
    name: 'a ramp from 1 to 5 streams over 20 s is one step, at its start',
    patch: { streams: [{ type: 'svc', fps: 5, schedule: [{ at: '10s', count: 5, rampOver: '20s' }] }] },
    steps: [0, 10],
  },
  {
    name: 'a ramp down is no step; the step right after it is',
    patch: {
      streams: [
        {
          type: 'svc',
          fps: 5,
          count: 6,
          schedule: [
            { at: '10s', count: 2, rampOver: '20s' },
            { at: '30s', count: 4 },
          ],
        },
      ],
    },
    steps: [0, 30],
  },
  {
    name: 'a step up at the very end of a ramp up: the ramp at its start, the step at its time',
    patch: {
      streams: [
        {
          type: 'svc',
          fps: 5,
          schedule: [
            { at: '10s', count: 5, rampOver: '20s' },
            { at: '30s', count: 8 },
          ],
        },
      ],
    },
    steps: [0, 10, 30],
  },
  {
    name: 'Poisson arrivals: their noise is no step, only the scheduled rise',
    patch: {
      streams: [
        { type: 'svc', arrivals: 'poisson', rate: 20, count: 2, schedule: [{ at: '40s', count: 3 }] },
      ],
    },
    steps: [0, 40],
  },
  {
    name: 'a rise at or after the end of the run is outside it',
    patch: { streams: [{ type: 'svc', fps: 5, schedule: [{ at: '60s', count: 3 }] }] },
    steps: [0],
  },
  {
    name: 'two groups at one time: +5 streams x 10 FPS against -10 x 5 FPS is no rise',
    patch: {
      streams: [
        { type: 'svc', fps: 10, count: 5, schedule: [{ at: '30s', count: 10 }] },
        { type: 'svc', fps: 5, count: 10, schedule: [{ at: '30s', count: 0 }] },
      ],
    },
    steps: [0],
  },
  {
    name: 'two groups at one time: +50 FPS against -20 FPS is a rise',
    patch: {
      streams: [
        { type: 'svc', fps: 10, count: 5, schedule: [{ at: '30s', count: 10 }] },
        { type: 'svc', fps: 5, count: 10, schedule: [{ at: '30s', count: 6 }] },
      ],
    },
    steps: [0, 30],
  },
  {
    name: "another service's rise is not this service's",
    patch: {
      services: { other: { model: 'm' } },
      streams: [
        { type: 'svc', fps: 10 },
        { type: 'other', fps: 10, schedule: [{ at: '30s', count: 2 }] },
      ],
    },
    steps: [0],
  },
  {
    // 10 + 5 cos(2 pi (t - 12 h) / 24 h) at 10-minute ticks: 5 streams at 0 and falling from 12 h;
    // from the trough at 24 h it first rounds up to 6 at tick 11 (cos(2 pi 11/144) = 0.887 <= 0.9).
    name: 'a sine: one step per rising run, where its count first rises',
    patch: {
      duration: '48h',
      step: '1m',
      streams: [{ type: 'svc', fps: 1, sine: { mean: 10, amplitude: 5, peakAt: '12h', resolution: '10m' } }],
    },
    steps: [0, 24 * 3600 + 110 * 60],
  },
];

for (const row of ROWS) {
  test(`load steps: ${row.name}`, () => {
    assert.deepEqual(stepsOf(row.patch), row.steps);
  });
}

test('load steps: every rise of a trace is a step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-steps-'));
  try {
    writeFileSync(join(dir, 'counts.csv'), 'time_s,count\n0,1\n20,3\n40,0\n50,2\n');
    assert.deepEqual(
      stepsOf({ streams: [{ type: 'svc', fps: 5, trace: join(dir, 'counts.csv') }] }),
      [0, 20, 50],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Feeds 1 s steps ending at 1..n s, violating where `violating(end)` says, and returns the results. */
function recover(loadStepsS: number[], n: number, violating: (endS: number) => boolean) {
  const t = new RecoveryTracker(
    loadStepsS.map((s) => s * 1e6),
    1e6,
  );
  for (let end = 1; end <= n; end++) t.step(end * 1e6, violating(end));
  return t.results().map((r) => [r.atSeconds, r.recoverySeconds]);
}

const RECOVERY_ROWS: {
  name: string;
  steps: number[];
  violating: (endS: number) => boolean;
  expected: [number, number | null][];
}[] = [
  { name: 'no violation: recovered at once', steps: [10], violating: () => false, expected: [[10, 0]] },
  {
    name: 'violating until the step ending at 17 s',
    steps: [10],
    violating: (e) => e <= 17,
    expected: [[10, 7]],
  },
  {
    name: 'a violation before the load step belongs to no window',
    steps: [10],
    violating: (e) => e <= 10,
    expected: [[10, 0]],
  },
  {
    name: 'violating again later in the window: the last violation counts',
    steps: [10],
    violating: (e) => (e > 10 && e <= 12) || e === 40,
    expected: [[10, 30]],
  },
  {
    name: 'still violating at the end of the run: never recovered',
    steps: [10],
    violating: (e) => e > 50,
    expected: [[10, null]],
  },
  {
    name: 'each window ends at the next load step; one still violating then never recovered',
    steps: [10, 30],
    violating: (e) => e > 25 && e <= 35,
    expected: [
      [10, null],
      [30, 5],
    ],
  },
  {
    name: 'two load steps within one time-series step count as the first',
    steps: [10.2, 10.7],
    violating: (e) => e <= 13,
    expected: [[10.2, 2.8]],
  },
];

for (const row of RECOVERY_ROWS) {
  test(`recovery: ${row.name}`, () => {
    assert.deepEqual(recover(row.steps, 60, row.violating), row.expected);
  });
}
