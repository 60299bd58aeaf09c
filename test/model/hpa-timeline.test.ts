/**
 * The HPA inside the simulated cluster, as timelines: stabilization and scale-up limits as
 * Kubernetes documents them (SPEC.md §4-§5), through the real metrics pipeline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../helpers/scenario.js';

const hpa = (spec: Record<string, unknown>) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  spec: { minReplicas: 1, maxReplicas: 40, ...spec },
});

const ratioMetric = [
  {
    type: 'Pods',
    pods: { metric: { name: 'ei_scale_ratio' }, target: { type: 'AverageValue', averageValue: 1 } },
  },
];
const cpuMetric = [
  { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
];

function rescales(events: { timeUs: number; event: string; detail: string }[]) {
  return events
    .filter((e) => e.event === 'hpa-rescale')
    .map((e) => ({ t: e.timeUs / 1e6, to: Number(/New size: (\d+)/.exec(e.detail)![1]) }));
}

test('a load drop at t never scales down before t + 300 s (default downscale stabilization)', () => {
  // Idle pods report a ratio of 0.5, so each scale-down halves (rounding up) and starts a new window:
  // 5 -> 3 -> 2 -> 1, each step at least 300 s after the last higher recommendation.
  const { events, rows } = run({
    duration: '25m',
    nodePools: { pool: { cores: 64 } },
    services: { svc: { startupDelay: '5s', hpa: hpa({ metrics: ratioMetric }) } },
    streams: [{ type: 'svc', fps: 25, count: 2, schedule: [{ at: '5m', count: 0 }] }],
  });
  const r = rescales(events);
  const ups = r.filter((x, i) => x.to > (i === 0 ? 1 : r[i - 1].to));
  const downs = r.filter((x, i) => x.to < (i === 0 ? 1 : r[i - 1].to));
  assert.ok(ups.length > 0 && ups.every((x) => x.t < 300), JSON.stringify(r));
  assert.ok(downs.length > 0, `no scale-down at all: ${JSON.stringify(r)}`);
  assert.ok(
    downs.every((x) => x.t >= 300 + 300),
    JSON.stringify(downs),
  );
  for (let i = 1; i < downs.length; i++) assert.ok(downs[i].t - downs[i - 1].t >= 300, JSON.stringify(downs));
  assert.ok(events.some((e) => e.event === 'hpa-stabilized' && e.detail.startsWith('ScaleDownStabilized')));
  assert.equal(rows[rows.length - 1].replicas, 1);
});

test('without behavior, scale-up never exceeds max(2 x current, 4) per sync', () => {
  const { events } = run({
    duration: '10m',
    nodePools: { pool: { cores: 256 } },
    services: { svc: { resources: { requests: { cpu: 0.1 } }, hpa: hpa({ metrics: cpuMetric }) } },
    streams: [{ type: 'svc', fps: 25, count: 40 }],
  });
  const r = rescales(events);
  assert.ok(r.length >= 2, JSON.stringify(r));
  let cur = 1;
  for (const x of r) {
    assert.ok(x.to <= Math.max(2 * cur, 4), `${cur} -> ${x.to} at ${x.t}s`);
    cur = x.to;
  }
  assert.equal(cur, 40);
});

test('with default behavior, scale-up never exceeds 4 pods or 100% per 15 s', () => {
  const { events } = run({
    duration: '10m',
    nodePools: { pool: { cores: 256 } },
    services: {
      svc: { resources: { requests: { cpu: 0.1 } }, hpa: hpa({ metrics: cpuMetric, behavior: {} }) },
    },
    streams: [{ type: 'svc', fps: 25, count: 40 }],
  });
  const r = rescales(events);
  assert.ok(r.length >= 2, JSON.stringify(r));
  for (let i = 0; i < r.length; i++) {
    // Replicas 15 s before this sync: the policies' starting point.
    const before = r.filter((x) => x.t <= r[i].t - 15).pop()?.to ?? 1;
    assert.ok(r[i].to <= Math.max(before + 4, 2 * before), `${before} -> ${r[i].to} at ${r[i].t}s`);
  }
  assert.equal(r[r.length - 1].to, 40);
});

test('the HPA sees CPU only through metrics-server: nothing happens before two scrapes', () => {
  const { events } = run({
    duration: '5m',
    metricsPipeline: { metricsServerResolution: '60s' },
    nodePools: { pool: { cores: 64 } },
    services: { svc: { resources: { requests: { cpu: 0.1 } }, hpa: hpa({ metrics: cpuMetric }) } },
    streams: [{ type: 'svc', fps: 25, count: 4 }],
  });
  const first = rescales(events)[0];
  assert.ok(first && first.t >= 60, JSON.stringify(first));
});

test('an External queue_length metric scales on the queue as Prometheus last scraped it', () => {
  const { events, rows } = run({
    duration: '6m',
    nodePools: { pool: { cores: 64 } },
    services: {
      svc: {
        wakeup: 'notify',
        queue: { capacity: 200, dropPolicy: 'drop-newest' },
        hpa: hpa({
          maxReplicas: 10,
          metrics: [
            {
              type: 'External',
              external: {
                metric: { name: 'queue_length' },
                target: { type: 'AverageValue', averageValue: 5 },
              },
            },
          ],
        }),
      },
    },
    streams: [{ type: 'svc', fps: 25, count: 1 }],
  });
  const r = rescales(events);
  // Kubernetes prints the metric's (nil) label selector with Go's %+v.
  assert.ok(r.length > 0);
  assert.equal(
    events.find((e) => e.event === 'hpa-rescale')!.detail,
    'New size: 4; reason: external metric queue_length(<nil>) above target',
  );
  // 25 FPS at 10 FPS per replica needs 3 replicas; the queue then drains and the HPA holds.
  const last = rows[rows.length - 1];
  assert.ok(last.replicas >= 3, `ended with ${last.replicas}`);
  assert.ok(last.queueLength < 10, `queue ${last.queueLength}`);
  assert.ok(rows.filter((x) => x.timeS > 60).every((x) => x.hpaTarget === 5));
});
