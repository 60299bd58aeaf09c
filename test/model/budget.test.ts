import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetProblems, defaultWorkers, EVENTS_PER_WORKER, estimateRun } from '../../src/model/budget.js';
import type { CountSchedule, Scenario, StreamGroupConfig } from '../../src/scenario/types.js';

function scenarioWith(streams: Partial<StreamGroupConfig>[], durationUs: number, stepUs = 1e6): Scenario {
  return {
    durationUs,
    stepUs,
    services: [{ name: 'a' }, { name: 'b' }],
    nodePools: [{ name: 'p' }],
    streams: streams.map((s) => ({ arrivals: 'periodic', fps: 25, ratePerStream: 0, ...s })),
  } as unknown as Scenario;
}

const points = (changes: [number, number][]): CountSchedule => ({
  kind: 'points',
  changes: changes.map(([atS, count]) => ({ atUs: atS * 1e6, count })),
  ramps: [],
});

test('frames integrate step schedules exactly, stopping at the run end', () => {
  // 2 streams from 10 s, 5 from 40 s, 0 from 70 s; the run ends at 60 s: 2*30 + 5*20 = 160 stream-s.
  const s = scenarioWith(
    [
      {
        count: points([
          [10, 2],
          [40, 5],
          [70, 0],
        ]),
      },
    ],
    60e6,
  );
  const e = estimateRun(s);
  assert.equal(e.frames, 160 * 25);
  assert.equal(e.rows, 60 * 3);
  assert.equal(e.events, 2 * 160 * 25 + 180);
});

test('Poisson groups count their rate; sines their peak; a coarser step fewer rows', () => {
  const sine: CountSchedule = {
    kind: 'sine',
    mean: 10,
    amplitude: -4,
    periodUs: 60e6,
    peakAtUs: 0,
    resolutionUs: 1e6,
  };
  const s = scenarioWith(
    [
      { arrivals: 'poisson', ratePerStream: 3, count: points([[0, 1]]) },
      { count: sine, fps: 2 },
    ],
    100e6,
    10e6,
  );
  const e = estimateRun(s);
  assert.equal(e.frames, 3 * 100 + 14 * 2 * 100);
  assert.equal(e.rows, 10 * 3);
  // --duration overrides: half the run, half the frames; a step longer than the run is one row.
  assert.equal(estimateRun(s, 50e6).frames, e.frames / 2);
  assert.equal(estimateRun(s, 5e6, 10e6).rows, 3);
});

test('budgetProblems names each exceeded limit, and only those', () => {
  const e = { frames: 1e6, events: 2e6 + 100, rows: 100 };
  assert.deepEqual(budgetProblems(e, 1, { maxEvents: 1e7, maxRows: 1000 }), []);
  assert.deepEqual(
    budgetProblems(e, 10, { maxEvents: 1e7, maxRows: 1000 }).map((p) => p.field),
    ['--max-events'],
  );
  assert.deepEqual(
    budgetProblems(e, 1, { maxEvents: 1e6, maxRows: 99 }).map((p) => p.field),
    ['--max-events', '--max-rows'],
  );
});

test('the fluid engine: one event per tick and per step end instead of two per frame', () => {
  const exact = scenarioWith([{ count: points([[0, 2000]]) }], 7 * 86400e6, 10e6);
  const fluid = { ...exact, engine: { kind: 'fluid' as const, tickUs: 100_000 } };
  const e = estimateRun(exact);
  const f = estimateRun(fluid);
  assert.equal(f.frames, e.frames);
  assert.equal(f.rows, e.rows);
  const ticks = (7 * 86400) / 0.1;
  const steps = (7 * 86400) / 10;
  assert.equal(f.events, ticks + steps + f.rows);
  // A week of the city is past the default budget event by event, well within it counted per tick.
  const limits = { maxEvents: 1e10, maxRows: 2e7 };
  assert.equal(budgetProblems(e, 1, limits).length, 1);
  assert.deepEqual(budgetProblems(f, 1, limits), []);
});

test('--workers by default: the cores, but only as many threads as the estimated events pay for', () => {
  const e = (events: number) => ({ frames: 0, rows: 0, events });
  // The default scenario's 20 x 30 min (about 9e6 events) and 20 x 1 h (1.8e7): one thread.
  assert.equal(defaultWorkers(e(460_800), 20, 2), 1);
  assert.equal(defaultWorkers(e(921_600), 20, 2), 1);
  // 20 x 2 h: two; the city's 4 x 5 min: the 2 cores, never more.
  assert.equal(defaultWorkers(e(1_843_200), 20, 2), 2);
  assert.equal(defaultWorkers(e(3e7), 4, 2), 2);
  assert.equal(defaultWorkers(e(3e7), 4, 16), 4, 'no more threads than seeds');
  assert.equal(defaultWorkers(e(10 * EVENTS_PER_WORKER), 20, 8), 8);
  assert.equal(defaultWorkers(e(10 * EVENTS_PER_WORKER), 1, 8), 1, 'one seed: one thread');
  assert.equal(defaultWorkers(e(0), 5, 2), 1);
});
