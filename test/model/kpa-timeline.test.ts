/**
 * The Knative Pod Autoscaler inside the simulated cluster, as timelines
 * (reference/autoscalers/KPA.md section 4): panic on a step, rate-limited scale-down in stable
 * mode, scale to zero about a stable window after the last frame, the poke that scales from zero.
 * The default service: 100 ms per frame, so 10 FPS keep one replica busy and Little's law puts
 * 10 FPS x 0.1 s = 1 frame in flight per 10 FPS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../src/model/simulate.js';
import { run } from '../helpers/scenario.js';

const scales = (events: RunEvent[]) =>
  events
    .filter((e) => e.event === 'kpa-scale')
    .map((e) => {
      const m = /(\d+) -> (\d+) replicas/.exec(e.detail);
      return {
        t: e.timeUs / 1e6,
        from: m ? Number(m[1]) : NaN,
        to: m ? Number(m[2]) : NaN,
        detail: e.detail,
      };
    });
const at = (events: RunEvent[], event: string) =>
  events.filter((e) => e.event === event).map((e) => e.timeUs / 1e6);

const kpaService = (kpa: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  svc: { wakeup: 'notify', startupDelay: '5s', kpa: { target: 1, ...kpa }, ...extra },
});

test('steady load: the stable window settles on ceil(in-flight / (target x 70%)) replicas', () => {
  // 20 FPS x 0.1 s = 2 frames in flight; 2 / 0.7 = 2.9 -> 3 replicas.
  const { rows } = run({
    duration: '4m',
    nodePools: { pool: { cores: 32 } },
    services: kpaService(),
    streams: [{ type: 'svc', fps: 10, count: 2, phase: 'spread' }],
  });
  const late = rows.filter((r) => r.timeS > 180);
  assert.ok(
    late.every((r) => r.desiredReplicas === 3),
    JSON.stringify(late.map((r) => r.desiredReplicas)),
  );
  assert.ok(late.every((r) => r.dropFps === 0));
});

test('a step up enters panic within one tick, never scales down in panic, and leaves it a stable window later', () => {
  const { events, rows } = run({
    duration: '5m',
    nodePools: { pool: { cores: 64 } },
    services: kpaService(),
    streams: [{ type: 'svc', fps: 10, count: 2, phase: 'spread', schedule: [{ at: '2m', count: 6 }] }],
  });
  const panics = at(events, 'kpa-panic').filter((t) => t >= 120);
  assert.ok(panics.length === 1 && panics[0] <= 122, JSON.stringify(panics));
  const leave = at(events, 'kpa-stable').filter((t) => t > panics[0]);
  assert.ok(leave.length >= 1 && leave[0] - panics[0] > 60, JSON.stringify(leave));
  const inPanic = scales(events).filter((s) => s.t >= panics[0] && s.t < leave[0]);
  assert.ok(inPanic.length > 0 && inPanic.every((s) => s.to > s.from), JSON.stringify(inPanic));
  assert.ok(inPanic.every((s) => s.detail.startsWith('Panic: ')));
  // 60 FPS needs 6 frames in flight: 9 replicas once stable again.
  assert.equal(rows[rows.length - 1].desiredReplicas, 9);
});

test('stable mode removes at most half the ready pods per 2 s tick (max-scale-down-rate 2)', () => {
  const { events } = run({
    duration: '4m',
    nodePools: { pool: { cores: 64 } },
    services: kpaService({ scaleToZero: false }, { replicas: 40 }),
    streams: [{ type: 'svc', fps: 10, count: 1, phase: 'spread' }],
  });
  const downs = scales(events).filter((s) => s.to < s.from);
  assert.ok(downs.length >= 3, JSON.stringify(downs));
  for (const d of downs) assert.ok(d.to >= Math.floor(d.from / 2), `${d.from} -> ${d.to} at ${d.t}s`);
  for (let i = 1; i < downs.length; i++) assert.ok(downs[i].t - downs[i - 1].t >= 2);
  assert.equal(downs[downs.length - 1].to, 2);
});

test('scale to zero: Inactive once the 60 s average is 0, then zero within the grace check (about 60-65 s)', () => {
  const { events, rows } = run({
    duration: '4m',
    nodePools: { pool: { cores: 32 } },
    services: kpaService(),
    streams: [{ type: 'svc', fps: 10, count: 2, phase: 'spread', schedule: [{ at: '2m', count: 0 }] }],
  });
  const inactive = at(events, 'kpa-inactive');
  assert.equal(inactive.length, 1);
  assert.ok(inactive[0] > 180 && inactive[0] <= 184, `inactive at ${inactive[0]}`);
  const zero = scales(events).filter((s) => s.to === 0);
  assert.equal(zero.length, 1);
  assert.ok(zero[0].t >= inactive[0] && zero[0].t <= 186, JSON.stringify(zero));
  assert.match(zero[0].detail, /^ScaledToZero: /);
  assert.ok(rows.filter((r) => r.timeS < zero[0].t).every((r) => r.replicas > 0));
  assert.ok(rows.filter((r) => r.timeS > zero[0].t).every((r) => r.replicas === 0));
});

test('with scaleToZero false the last replica stays', () => {
  const { rows } = run({
    duration: '4m',
    services: kpaService({ scaleToZero: false }),
    streams: [{ type: 'svc', fps: 10, schedule: [{ at: '1m', count: 0 }] }],
  });
  assert.ok(rows.every((r) => r.desiredReplicas >= 1));
  assert.equal(rows[rows.length - 1].replicas, 1);
});

test('from zero: the first decider tick after the first frames wakes the service, through Activating to Active', () => {
  // Initial scale 0: the PA is Inactive at its first reconcile; with no decision yet the poke
  // cannot fire, so the regular 2 s tick after the frames start at 30 s scales from zero.
  const { events, rows } = run({
    duration: '2m',
    nodePools: { pool: { cores: 32 } },
    services: kpaService({}, { replicas: 0 }),
    streams: [{ type: 'svc', fps: 10, count: 0, schedule: [{ at: '30s', count: 1 }] }],
  });
  assert.deepEqual(at(events, 'kpa-inactive'), [2]);
  const first = scales(events)[0];
  assert.equal(first.t, 32);
  assert.equal(first.from, 0);
  assert.deepEqual(at(events, 'kpa-activating'), [32]);
  const active = at(events, 'kpa-active');
  assert.ok(active.length === 1 && active[0] >= 37 && active[0] <= 40, JSON.stringify(active));
  assert.ok(rows.filter((r) => r.timeS < 32).every((r) => r.replicas === 0));
});

test('after a scale to zero, traffic pokes the decider at the next one-second scrape', () => {
  const { events } = run({
    duration: '5m',
    nodePools: { pool: { cores: 32 } },
    services: kpaService(),
    streams: [
      {
        type: 'svc',
        fps: 10,
        phase: 0,
        schedule: [
          { at: '30s', count: 0 },
          { at: '200.5s', count: 1 },
        ],
      },
    ],
  });
  const s = scales(events);
  const zero = s.findIndex((x) => x.to === 0);
  assert.ok(zero >= 0 && s[zero].t < 200, JSON.stringify(s));
  // The frame at 200.5 s is seen by the scrape at 201 s, an odd second: no decider tick is due.
  assert.equal(s[zero + 1].t, 201);
  assert.equal(s[zero + 1].from, 0);
});

test('rps: frames per second against target x 70% per pod', () => {
  // 20 FPS / (5 x 0.7) = 5.7 -> 6 replicas.
  const { rows } = run({
    duration: '4m',
    nodePools: { pool: { cores: 32 } },
    services: kpaService({ metric: 'rps', target: 5 }),
    streams: [{ type: 'svc', fps: 10, count: 2, phase: 'spread' }],
  });
  assert.ok(rows.filter((r) => r.timeS > 150).every((r) => r.desiredReplicas === 6));
});

test('maxScale caps and minScale floors the decider', () => {
  const { rows } = run({
    duration: '3m',
    nodePools: { pool: { cores: 32 } },
    services: kpaService({ minScale: 2, maxScale: 4 }),
    streams: [{ type: 'svc', fps: 10, count: 8, schedule: [{ at: '1m', count: 0 }] }],
  });
  assert.ok(rows.every((r) => r.desiredReplicas <= 4));
  assert.ok(rows.filter((r) => r.timeS > 10).every((r) => r.desiredReplicas >= 2));
  assert.equal(rows[rows.length - 1].replicas, 2);
});
