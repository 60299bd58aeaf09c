/**
 * Frames on demand (world.ts): a poll service's periodic frames are pushed into its queue when
 * something looks at it, not run as events. The run must be the one where every frame is an event:
 * the same result (with the same event count), rows, pod and node rows and run events. The scenarios
 * here put completions, polls, samples and count changes on the very µs of frames, where "the frames
 * due" is decided by the event order; the property over random scenarios is in
 * test/property/scenarios.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameRing } from '../../src/model/frame-ring.js';
import {
  simulate,
  type NodeRow,
  type PodRow,
  type RunEvent,
  type TimeseriesRow,
} from '../../src/model/simulate.js';
import type { Scenario } from '../../src/scenario/types.js';
import { baseSpec, merge, scenarioFrom } from '../helpers/scenario.js';

function record(scenario: Scenario, eventPerFrame: boolean) {
  const rows: TimeseriesRow[] = [];
  const pods: PodRow[] = [];
  const nodes: NodeRow[] = [];
  const events: RunEvent[] = [];
  const result = simulate(scenario, {
    eventPerFrame,
    sink: {
      row: (r) => rows.push(r),
      pod: (r) => pods.push(r),
      node: (r) => nodes.push(r),
      event: (e) => events.push(e),
    },
  });
  return { result, rows, pods, nodes, events };
}

function assertSameRun(scenario: Scenario): ReturnType<typeof record> {
  const onDemand = record(scenario, false);
  assert.deepEqual(onDemand, record(scenario, true));
  return onDemand;
}

test('FrameRing gives every frame of its streams up to the end, in time order, and drops a removed stream', () => {
  // 40 streams at 30 FPS (33,333.3 µs, not whole: some frames land a µs before the last entry) over
  // 2 s, more streams than the ring holds at first. Stream 17 stops after its 10th frame.
  const endUs = 2e6;
  const starts = Array.from({ length: 40 }, (_, s) => Math.round((1e6 / 30) * (s / 40)));
  const ring = new FrameRing(30);
  assert.equal(ring.headTime(), Infinity);
  starts.forEach((start, s) => ring.add(start, s, endUs));
  ring.add(endUs + 1, 99, endUs); // starts after the end: no entry
  const got: [number, number][] = [];
  while (ring.length > 0) {
    const t = ring.headTime();
    const s = ring.headStream();
    got.push([t, s]);
    ring.advance(endUs);
    if (s === 17 && got.filter(([, x]) => x === 17).length === 10) assert.equal(ring.remove(17), true);
  }
  assert.equal(ring.remove(17), false);
  assert.equal(ring.remove(99), false);
  // What one event per frame gives: each stream's k-th frame at start + round(k 1e6 / 30).
  const want: [number, number][] = [];
  starts.forEach((start, s) => {
    for (let k = 0; start + Math.round((k * 1e6) / 30) <= endUs && (s !== 17 || k < 10); k++)
      want.push([start + Math.round((k * 1e6) / 30), s]);
  });
  const times = got.map(([t]) => t);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'not in time order',
  );
  const byTime = (x: [number, number][]) => [...x].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  assert.deepEqual(byTime(got), byTime(want));
  assert.ok(got.length > 40 * 50, `${got.length} frames`);
});

test('frames on demand: completions, polls, samples and count changes on the µs of frames', () => {
  // 25 FPS (40 ms), phase 0: frames at whole 40 ms. A model of exactly 40 ms per frame (4 GFLOP at
  // 100 GFLOP/s) finishes on frame times; polls every 20 or 40 ms land on them; steps of 1 s and count
  // changes at whole seconds too. Two services, one per drop policy with a queue, and trim-on-pop.
  for (const [policy, pollInterval, batchSize] of [
    ['trim-on-pop', '40ms', 1],
    ['drop-newest', '20ms', 2],
    ['drop-oldest', '40ms', 1],
  ] as const) {
    const scenario = scenarioFrom(
      merge(baseSpec(), {
        duration: '30s',
        step: '1s',
        cpuCatalog: { cpu10: { isa: ['avx2'], gflopsPerCore: { fp32: 100, int8: 200 } } },
        models: { m: { gflops: 4 } },
        services: {
          svc: {
            model: 'm',
            replicas: 2,
            batchSize,
            pollInterval,
            queue: { capacity: 3, dropPolicy: policy },
            startupDelay: { type: 'constant', value: '2s' },
            scaleEvents: [
              { at: '7s', replicas: 1 },
              { at: '12s', replicas: 3 },
            ],
          },
        },
        streams: [
          {
            type: 'svc',
            fps: 25,
            count: 2,
            phase: 0,
            schedule: [
              { at: '5s', count: 0 },
              { at: '6s', count: 4 },
              { at: '20s', count: 1 },
            ],
          },
          { type: 'svc', fps: 50, count: 1, phase: 0 },
        ],
      }),
    );
    const run = assertSameRun(scenario);
    const svc = run.result.services[0];
    // The case in question happened: frames queued, taken and dropped.
    assert.ok(svc.inferredFrames > 100 && svc.droppedFrames > 0, `${policy}: ${JSON.stringify(svc)}`);
  }
});

test('frames on demand: the events count stands for every frame, stale ones too', () => {
  // A stream switched off and on again every second: each switch leaves one stale frame behind.
  const scenario = scenarioFrom(
    merge(baseSpec(), {
      duration: '20s',
      streams: [
        {
          type: 'svc',
          fps: 3,
          phase: 'random',
          schedule: Array.from({ length: 19 }, (_, i) => ({ at: `${i + 1}s`, count: i % 2 })),
        },
      ],
    }),
  );
  const run = assertSameRun(scenario);
  assert.ok(run.result.total.offeredFrames > 0);
});
