/**
 * Frames on demand (world.ts): a poll service's periodic frames are pushed into its queue when
 * something looks at it, not run as events. The run must be the one where every frame is an event:
 * the same result (with the same event count), rows, pod and node rows and run events. The scenarios
 * here put completions, polls, samples and count changes on the very µs of frames, where "the frames
 * due" is decided by the event order, and put the readers the property's generator never makes on
 * them too: KEDA reading another service's list, queue scrapes under a predictive HPA, the oracle,
 * readiness probes, Pending pods, ramps and sines, fixed phases and runs cut short. The property over
 * random scenarios is in test/property/scenarios.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrapeOffsetUs } from '../../src/metrics/pipeline.js';
import { FrameRing } from '../../src/model/frame-ring.js';
import type { SimulateOptions } from '../../src/model/simulate.js';
import type { Scenario } from '../../src/scenario/types.js';
import { baseSpec, merge, recordAll, scenarioFrom } from '../helpers/scenario.js';

function record(scenario: Scenario, eventPerFrame: boolean, options: SimulateOptions = {}) {
  return recordAll(scenario, { ...options, eventPerFrame });
}

function assertSameRun(scenario: Scenario, options: SimulateOptions = {}): ReturnType<typeof record> {
  const onDemand = record(scenario, false, options);
  assert.deepEqual(onDemand, record(scenario, true, options));
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

test('FrameRing with one stream (its next frame replaces it in place) gives the same frames, up to the end', () => {
  for (const fps of [25, 30, 7]) {
    const endUs = 3e6 + 17;
    const ring = new FrameRing(fps);
    ring.add(1234, 5, endUs);
    const got: number[] = [];
    while (ring.length > 0) {
      assert.equal(ring.headStream(), 5);
      got.push(ring.headTime());
      ring.advance(endUs);
    }
    const want: number[] = [];
    for (let k = 0; 1234 + Math.round((k * 1e6) / fps) <= endUs; k++)
      want.push(1234 + Math.round((k * 1e6) / fps));
    assert.deepEqual(got, want, `${fps} FPS`);
    // Stopped, then a second stream: the ring holds only the new one.
    ring.add(2e6, 6, endUs);
    ring.advance(endUs);
    assert.equal(ring.remove(6), true);
    assert.equal(ring.length, 0);
  }
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

/** A scenario with cpu10 (100 GFLOP/s per core: the model `m` of 4 GFLOP takes 40 ms, a 25 FPS period). */
function spec(patch: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'on-demand',
    seed: 3,
    cpuCatalog: { cpu10: { isa: ['avx2'], gflopsPerCore: { fp32: 100, int8: 200 } } },
    nodePools: { pool: { count: 1, cores: 16, cpuType: 'cpu10' } },
    models: { m: { gflops: 4 } },
    ...patch,
  };
}

test('frames on demand: KEDA scales poll services from and to zero on the live length of another service’s queue', () => {
  // `work` is fed by 25 FPS cameras (phase 0: frames on whole seconds, where its KEDA polls) and scaled
  // by KEDA on its own list; `watch` has no streams and is scaled on `work`'s list, polling at other
  // instants. Both scalers read `work`'s queue at the instant of their polls, which frames on demand
  // must have filled first, also while `work` has no pod to take frames.
  for (const dropPolicy of ['trim-on-pop', 'drop-newest', 'drop-oldest'] as const) {
    const keda = (listLength: string) => ({
      pollingInterval: 1,
      cooldownPeriod: 4,
      minReplicaCount: 0,
      maxReplicaCount: 5,
      triggers: [
        {
          type: 'redis',
          metadata: { address: 'redis:6379', listName: 'queue_work', listLength, activationListLength: '1' },
        },
      ],
    });
    const scenario = scenarioFrom(
      spec({
        duration: '100s',
        controller: { syncPeriod: '2s', downscaleStabilization: '6s' },
        services: {
          work: {
            model: 'm',
            replicas: 0,
            pollInterval: '20ms',
            startupDelay: { type: 'uniform', min: '1s', max: '3s' },
            queue: { capacity: 12, dropPolicy },
            keda: keda('3'),
          },
          watch: {
            model: 'm',
            replicas: 0,
            startupDelay: { type: 'constant', value: '1s' },
            // Its polls at x.52 s, on frame times too, but not when work's own scaler looks.
            hpaAppliedAt: '1520ms',
            keda: keda('2'),
          },
        },
        streams: [
          {
            type: 'work',
            fps: 25,
            count: 0,
            phase: 0,
            schedule: [
              { at: '10s', count: 4 },
              { at: '40s', count: 0 },
              { at: '60s', count: 6, rampOver: '5s' },
              { at: '80s', count: 0 },
            ],
          },
        ],
      }),
    );
    const run = assertSameRun(scenario);
    // Both services went up from zero and back to zero, twice, on what they read of work's queue.
    for (const service of ['work', 'watch']) {
      const scales = run.events.filter((e) => e.service === service && e.event === 'keda-scale');
      const from = scales.filter((e) => /ActivatedFromZero/.test(e.detail)).length;
      const to = scales.filter((e) => /ScaledToZero/.test(e.detail)).length;
      assert.ok(from >= 2 && to >= 2, `${dropPolicy} ${service}: ${scales.map((e) => e.detail).join('; ')}`);
    }
    const work = run.result.services.find((s) => s.service === 'work')!;
    assert.ok(work.inferredFrames > 1000 && work.droppedFrames > 0, `${dropPolicy}: ${JSON.stringify(work)}`);
  }
});

test('frames on demand: predictive and oracle autoscalers, queue scrapes, readiness probes and pending pods', () => {
  // `pred`: a predictive HPA on queue_length as Prometheus scrapes it (every second, at a phase of its
  // own that `pred`'s frames are given, so each scrape falls on frames), batches of 2, pods Ready at a
  // probe; `orc`: the oracle, planning ahead of a sine and a step;
  // `fixed`: scaled by hand. Six cores for pods that request one each: some stay Pending until others
  // go. Frames at 25, 7 and 30 FPS (periods of 40 ms, 142,857.1 µs and 33,333.3 µs).
  const scenario = scenarioFrom(
    spec({
      duration: '90s',
      step: '500ms',
      slo: { maxDropPercent: 1, maxP95LatencySeconds: 0.5 },
      nodePools: { pool: { count: 1, cores: 6, cpuType: 'cpu10' } },
      controller: {
        syncPeriod: '2s',
        downscaleStabilization: '10s',
        initialReadinessDelay: '0s',
        cpuInitializationPeriod: '0s',
      },
      metricsPipeline: {
        metricsServerResolution: '1s',
        prometheusScrapeInterval: '1s',
        adapterRelistInterval: '1s',
      },
      services: {
        pred: {
          model: 'm',
          replicas: 1,
          batchSize: 2,
          pollInterval: '40ms',
          resources: { requests: { cpu: 1 } },
          startupDelay: { type: 'constant', value: '2s' },
          readinessProbe: { periodSeconds: 2, initialDelaySeconds: 1 },
          queue: { capacity: 6, dropPolicy: 'drop-oldest' },
          hpa: {
            apiVersion: 'autoscaling/v2',
            kind: 'HorizontalPodAutoscaler',
            spec: {
              minReplicas: 1,
              maxReplicas: 5,
              metrics: [
                {
                  type: 'External',
                  external: {
                    metric: { name: 'queue_length' },
                    target: { type: 'AverageValue', averageValue: 2 },
                  },
                },
              ],
            },
          },
          predictive: { horizon: '4s' },
        },
        orc: {
          model: 'm',
          pollInterval: '20ms',
          resources: { requests: { cpu: 1 } },
          startupDelay: { type: 'uniform', min: '1s', max: '3s' },
          queue: { capacity: 4, dropPolicy: 'drop-newest' },
          oracle: { lead: '2s', maxReplicas: 4 },
        },
        fixed: {
          model: 'm',
          replicas: 2,
          pollInterval: '33333us',
          resources: { requests: { cpu: 1 } },
          startupDelay: { type: 'constant', value: '1s' },
          queue: { capacity: 3, dropPolicy: 'trim-on-pop' },
          scaleEvents: [
            { at: '20s', replicas: 4 },
            { at: '50s', replicas: 0 },
            { at: '60s', replicas: 3 },
          ],
        },
      },
      streams: [
        {
          type: 'pred',
          fps: 25,
          count: 1,
          phase: `${scrapeOffsetUs('queue/pred', 1e6) % 40_000}us`,
          schedule: [
            { at: '10s', count: 5, rampOver: '10s' },
            { at: '55s', count: 1 },
          ],
        },
        {
          type: 'orc',
          fps: 7,
          phase: 'spread',
          sine: { mean: 3, amplitude: 3, period: '40s', peakAt: '20s', resolution: '1s' },
        },
        { type: 'orc', fps: 25, count: 0, phase: '40ms', schedule: [{ at: '30s', count: 2 }] },
        { type: 'fixed', fps: 30, count: 3, phase: 'random' },
      ],
    }),
  );
  const run = assertSameRun(scenario);
  const by = (name: string) => run.result.services.find((s) => s.service === name)!;
  // What the scenario is about happened: rescales of both autoscalers, pods left pending, drops.
  for (const [service, event] of [
    ['pred', 'hpa-rescale'],
    ['orc', 'oracle-scale'],
  ])
    assert.ok(
      run.events.some((e) => e.service === service && e.event === event),
      `${service}: no ${event}`,
    );
  assert.ok(run.events.some((e) => e.event === 'pod-pending'));
  for (const name of ['pred', 'orc', 'fixed'])
    assert.ok(by(name).inferredFrames > 200 && by(name).droppedFrames > 0, JSON.stringify(by(name)));
});

test('frames on demand: groups of many FPS, phases and schedules into one queue, short steps, odd ends', () => {
  // One service fed by five groups: whole and fractional periods (25, 30, 7, 12.5 and 29.97 FPS),
  // more streams of one FPS than a ring first holds (24 + 8 at 25 FPS), counts by points, ramps and a
  // sine that fall to 0 and rise again, fixed phases longer than a period, spread and random. Steps of
  // 37 ms; 20 s ends on a 25 FPS frame, and a run cut at 13,333,333 µs ends on none and mid-step.
  for (const [dropPolicy, batchSize] of [
    ['trim-on-pop', 3],
    ['drop-newest', 2],
    ['drop-oldest', 3],
  ] as const) {
    const scenario = scenarioFrom(
      spec({
        duration: '20s',
        step: '37ms',
        services: {
          svc: {
            model: 'm',
            replicas: 3,
            batchSize,
            pollInterval: '40ms',
            startupDelay: { type: 'constant', value: '0s' },
            queue: { capacity: 7, dropPolicy },
            scaleEvents: [
              { at: '4s', replicas: 1 },
              { at: '9s', replicas: 5 },
            ],
          },
        },
        streams: [
          {
            type: 'svc',
            fps: 25,
            count: 24,
            phase: 'spread',
            schedule: [
              { at: '3s', count: 2 },
              { at: '6s', count: 20, rampOver: '2s' },
              { at: '12040ms', count: 0 },
              { at: '15s', count: 24 },
            ],
          },
          { type: 'svc', fps: 25, count: 8, phase: '130ms' },
          {
            type: 'svc',
            fps: 30,
            count: 3,
            phase: 'random',
            schedule: [{ at: '5s', count: 0, rampOver: '3s' }],
          },
          {
            type: 'svc',
            fps: 7,
            phase: '150ms',
            sine: { mean: 2, amplitude: 3, period: '6s', peakAt: '1s', resolution: '40ms' },
          },
          { type: 'svc', fps: 12.5, count: 2, phase: 'random' },
          { type: 'svc', fps: 29.97, count: 1, phase: 0, schedule: [{ at: '7777777us', count: 4 }] },
        ],
      }),
    );
    for (const options of [{}, { durationUs: 13_333_333 }]) {
      const run = assertSameRun(scenario, options);
      const svc = run.result.services[0];
      assert.ok(svc.inferredFrames > 500 && svc.droppedFrames > 100, `${dropPolicy}: ${JSON.stringify(svc)}`);
    }
  }
});
