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

test('FrameRing keeps its entries in time order, appending, walking back a µs, and growing', () => {
  const ring = new FrameRing();
  assert.equal(ring.headTime(), Infinity);
  // 40 streams of a 33,333.3 µs period (30 FPS), 250 rounds: each re-enters one period after the
  // frame that ran, rounded, so some land a µs before the back.
  const period = 1e6 / 30;
  const k = new Array<number>(40).fill(0);
  for (let s = 0; s < 40; s++) ring.insert(Math.round((period * s) / 40), s, 7);
  let last = -1;
  for (let n = 0; n < 40 * 250; n++) {
    const t = ring.headTime();
    assert.ok(t >= last, `${t} after ${last}`);
    last = t;
    const s = ring.headStream();
    assert.equal(ring.headEpoch(), 7);
    ring.shift();
    k[s]++;
    ring.insert(Math.round((period * s) / 40 + Math.round(k[s] * period)), s, 7);
    assert.equal(ring.length, 40);
  }
  // Out-of-order inserts past the initial capacity come out sorted, equal times in insertion order.
  const times = [50, 10, 30, 10, 90, 20, 70, 30, 60, 40, 80, 0, 55, 25, 15, 35, 45, 5, 95, 65];
  const sorted = new FrameRing();
  times.forEach((t, i) => sorted.insert(t, i, 0));
  const out: [number, number][] = [];
  while (sorted.length > 0) {
    out.push([sorted.headTime(), sorted.headStream()]);
    sorted.shift();
  }
  const want = times.map((t, i): [number, number] => [t, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  assert.deepEqual(out, want);
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
