/**
 * KEDA inside the simulated cluster, as timelines (reference/autoscalers/KEDA.md): the operator's
 * poll scales from zero and back to zero after the cooldown, the HPA it creates owns 1 <-> N, and
 * a ScaledObject manifest does what the inline `keda:` does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate, type RunEvent } from '../../src/model/simulate.js';
import { baseSpec, merge, run } from '../helpers/scenario.js';

const redis = (metadata: Record<string, unknown> = {}) => ({
  type: 'redis',
  metadata: { listLength: '5', ...metadata },
});

const times = (events: RunEvent[], event: string, detail = '') =>
  events.filter((e) => e.event === event && e.detail.includes(detail)).map((e) => e.timeUs / 1e6);

test('scale from zero at the first poll after the first frames, then the HPA takes over', () => {
  // Polls at 0, 30, 60, 90 s; the stream starts at 61 s, so the poll at 90 s is the first to see
  // a queue: KEDA sets 1 replica, and the HPA (syncs at 15 s + k x 15 s) scales on LLEN / 5.
  const { events, rows } = run({
    duration: '3m',
    nodePools: { pool: { cores: 16 } },
    services: {
      svc: {
        replicas: 0,
        startupDelay: '5s',
        keda: { minReplicaCount: 0, maxReplicaCount: 10, triggers: [redis()] },
      },
    },
    streams: [{ type: 'svc', fps: 10, count: 0, schedule: [{ at: '61s', count: 1 }] }],
  });
  assert.deepEqual(times(events, 'keda-scale'), [90]);
  assert.match(events.find((e) => e.event === 'keda-scale')!.detail, /^ActivatedFromZero: 0 -> 1 replicas/);
  assert.deepEqual(times(events, 'keda-active'), [90]);
  assert.equal(times(events, 'pod-created')[0], 90);
  assert.ok(rows.filter((r) => r.timeS < 90).every((r) => r.replicas === 0 && r.desiredReplicas === 0));
  // While at zero the HPA is disabled, as Kubernetes reports it; from 90 s it scales on the queue.
  assert.deepEqual(times(events, 'hpa-inactive', 'ScalingDisabled'), [15]);
  const rescales = events.filter((e) => e.event === 'hpa-rescale');
  assert.ok(rescales.length > 0 && rescales[0].timeUs >= 90e6, JSON.stringify(rescales));
  assert.match(rescales[0].detail, /external metric s0-redis-queue_svc\(<nil>\) above target/);
  assert.ok(rows[rows.length - 1].replicas > 1);
});

test('scale to zero one cooldownPeriod after the last active poll, never before', () => {
  // One replica at most cannot keep up with 15 FPS, so the queue stays full until the stream
  // stops at 2 min; the first poll that finds it empty follows the last active poll by 30 s, and
  // KEDA scales to zero at the first poll strictly more than 300 s after that active one.
  const { events, rows } = run({
    duration: '12m',
    nodePools: { pool: { cores: 16 } },
    services: {
      svc: { keda: { maxReplicaCount: 1, triggers: [redis()] } },
    },
    streams: [{ type: 'svc', fps: 15, phase: 0, schedule: [{ at: '2m', count: 0 }] }],
  });
  const inactive = times(events, 'keda-inactive');
  assert.equal(inactive.length, 1, JSON.stringify(inactive));
  assert.ok(inactive[0] > 120 && inactive[0] <= 150, `inactive at ${inactive[0]}`);
  const lastActive = inactive[0] - 30;
  assert.deepEqual(times(events, 'keda-scale'), [lastActive + 330]);
  assert.match(events.find((e) => e.event === 'keda-scale')!.detail, /^ScaledToZero: 1 -> 0 replicas/);
  for (const r of rows) {
    if (r.timeS < lastActive + 330) assert.equal(r.replicas, 1, `at ${r.timeS}s`);
    else assert.equal(r.replicas, 0, `at ${r.timeS}s`);
  }
});

test('a new ScaledObject with min 0 scales an idle service to zero at its first poll after creation', () => {
  // lastActiveTime is nil and initialCooldownPeriod 0: the poll at creation (0 s) is not strictly
  // after it, the next (10 s) is.
  const { events } = run({
    duration: '1m',
    services: { svc: { keda: { pollingInterval: 10, triggers: [redis()] } } },
    streams: [{ type: 'svc', fps: 10, count: 0 }],
  });
  assert.deepEqual(times(events, 'keda-scale', 'ScaledToZero'), [10]);
});

test('activation: a queue at or below activationListLength never wakes a service at zero', () => {
  const { events, rows } = run({
    duration: '3m',
    services: {
      svc: { replicas: 0, keda: { triggers: [redis({ activationListLength: '1000' })] } },
    },
    streams: [{ type: 'svc', fps: 2 }],
  });
  assert.deepEqual(times(events, 'keda-scale'), []);
  assert.ok(rows.every((r) => r.replicas === 0));
  assert.ok(rows[rows.length - 1].queueLength > 300);
});

test('a prometheus trigger on ei_drop_fps scales up on the drops Prometheus scraped', () => {
  // 25 FPS on one 10 FPS replica drops about 15 FPS; the threshold is 5 FPS per replica.
  const { events, rows } = run({
    duration: '5m',
    nodePools: { pool: { cores: 16 } },
    services: {
      svc: {
        keda: {
          minReplicaCount: 1,
          maxReplicaCount: 6,
          triggers: [
            {
              type: 'prometheus',
              metadata: {
                serverAddress: 'http://prometheus:9090',
                query: 'sum(ei_drop_fps)',
                threshold: '5',
              },
            },
          ],
        },
      },
    },
    streams: [{ type: 'svc', fps: 25 }],
  });
  const r = events.filter((e) => e.event === 'hpa-rescale');
  assert.ok(r.length > 0, 'no rescale');
  assert.match(r[0].detail, /^New size: \d+; reason: external metric s0-prometheus\(<nil>\) above target$/);
  // Nothing is seen before a pod reported drops (10 s) and Prometheus scraped them.
  assert.ok(r[0].timeUs >= 15e6);
  assert.ok(rows[rows.length - 1].replicas >= 3, `ended at ${rows[rows.length - 1].replicas}`);
  assert.deepEqual(times(events, 'keda-scale'), []);
});

test('a ScaledObject manifest in the manifests file runs exactly as the inline keda', () => {
  const keda = {
    minReplicaCount: 0,
    maxReplicaCount: 10,
    pollingInterval: 20,
    cooldownPeriod: 60,
    triggers: [redis()],
  };
  const streams = [
    {
      type: 'svc',
      fps: 10,
      count: 0,
      schedule: [
        { at: '41s', count: 1 },
        { at: '2m', count: 0 },
      ],
    },
  ];
  const inline = run({ duration: '5m', services: { svc: { replicas: 0, keda } }, streams });
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-keda-'));
  try {
    const { minReplicaCount, maxReplicaCount, pollingInterval, cooldownPeriod, triggers } = keda;
    writeFileSync(
      join(dir, 'so.yaml'),
      stringify({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 'svc', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
        spec: {
          scaleTargetRef: { name: 'svc' },
          minReplicaCount,
          maxReplicaCount,
          pollingInterval,
          cooldownPeriod,
          triggers,
        },
      }),
    );
    const spec = merge(baseSpec(), {
      duration: '5m',
      services: { svc: { replicas: 0, manifests: 'so.yaml' } },
      streams,
    });
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify(spec));
    const events: RunEvent[] = [];
    simulate(loadScenario(join(dir, 'scenario.json')), { sink: { event: (e) => events.push(e) } });
    assert.deepEqual(events, inline.events);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(times(inline.events, 'keda-scale', 'ActivatedFromZero').length === 1);
  assert.ok(times(inline.events, 'keda-scale', 'ScaledToZero').length === 1);
});

test('paused-scale-in keeps the replicas KEDA would have removed', () => {
  const { events, rows } = run({
    duration: '2m',
    services: {
      svc: {
        replicas: 2,
        keda: {
          pollingInterval: 10,
          annotations: { 'autoscaling.keda.sh/paused-scale-in': 'true' },
          triggers: [redis()],
        },
      },
    },
    streams: [{ type: 'svc', fps: 1, count: 0 }],
  });
  assert.deepEqual(times(events, 'keda-scale'), []);
  assert.ok(rows.every((r) => r.desiredReplicas === 2));
});

test('scenarios/seed-keda.yaml: car-fp32 from zero at the 1.5 min poll, back to zero 5 min after the stream', () => {
  const file = fileURLToPath(new URL('../../../scenarios/seed-keda.yaml', import.meta.url));
  const events: RunEvent[] = [];
  simulate(loadScenario(file), { sink: { event: (e) => events.push(e) } });
  const keda = events
    .filter((e) => e.event === 'keda-scale')
    .map((e) => [e.timeUs / 1e6, e.detail.split(':')[0]]);
  // The stream stops at 6 min; the poll at 6.5 min is the first inactive one (the queue drains in
  // seconds at 8 replicas), so the last active poll was at 6 min and the scale to zero at 11.5 min.
  assert.deepEqual(keda, [
    [90, 'ActivatedFromZero'],
    [690, 'ScaledToZero'],
  ]);
  assert.deepEqual(times(events, 'keda-inactive'), [0, 390]);
});

test('a failing trigger blocks the scale to zero; past failureThreshold its fallback activates it', () => {
  // No pod, no series: with ignoreNullValues false the query's empty result is an error. The poll
  // at 0 s is failure 1 (within the threshold): the fallback (replicas 2) holds the count. The
  // poll at 30 s is failure 2: the fallback's value makes the trigger active, and KEDA scales
  // from zero.
  const { events } = run({
    duration: '1m',
    services: {
      svc: {
        replicas: 0,
        keda: {
          fallback: { failureThreshold: 1, replicas: 2 },
          triggers: [
            {
              type: 'prometheus',
              metadata: { query: 'sum(ei_drop_fps)', threshold: '5', ignoreNullValues: 'false' },
            },
          ],
        },
      },
    },
    streams: [{ type: 'svc', fps: 1, count: 0 }],
  });
  const keda = events
    .filter((e) => e.event.startsWith('keda-'))
    .map((e) => [e.timeUs / 1e6, e.event, e.detail]);
  assert.deepEqual(keda.slice(0, 2), [
    [
      0,
      'keda-inactive',
      'ScaledObject inactive: s0-prometheus: error: prometheus query sum(ei_drop_fps) returned an empty result',
    ],
    [
      0,
      'keda-error',
      'FallbackHolds: triggers failed; the fallback holds the replica count: s0-prometheus: error: prometheus query sum(ei_drop_fps) returned an empty result',
    ],
  ]);
  assert.deepEqual(keda.slice(2, 4), [
    [30, 'keda-active', 'ScaledObject active: s0-prometheus = 10 (fallback)'],
    [30, 'keda-scale', 'ActivatedFromZero: 0 -> 1 replicas: a trigger is active'],
  ]);
});
