/**
 * Timelines through syncHpa with the production controller (DEFAULT_CONTROLLER_CONFIG): how fast
 * the legacy cap and the default behavior let a workload grow, how long a scale-down waits, scale
 * to zero and back, partial metric failures, and that a sync is pure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_CONTROLLER_CONFIG,
  defaultBehavior,
  initialHpaState,
  syncHpa,
  type ControllerConfig,
  type HpaBehaviorInput,
  type HpaSpec,
  type HpaState,
  type MetricSpec,
  type MetricsSource,
  type PodView,
  type SyncResult,
} from '../../src/autoscale/hpa/index.js';

/** n Running, Ready pods started long ago, each requesting 1 cpu. */
function readyPods(n: number): PodView[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `pod-${i}`,
    phase: 'Running' as const,
    startTimeS: -1_000,
    ready: { status: 'True' as const, lastTransitionTimeS: -1_000 },
    deleted: false,
    containers: [{ name: 'app', requestMilli: 1_000 }],
  }));
}

/** Every pod reports `perPodMilli` for the pods metric and for cpu; the object reports `objectMilli`. */
function metrics(pods: PodView[], nowS: number, perPodMilli: number, objectMilli = 0): MetricsSource {
  const samples = pods.map((p) => ({ pod: p.name, valueMilli: perPodMilli, timestampS: nowS, windowS: 60 }));
  return {
    resource: () => ({ ok: true, value: samples }),
    pods: () => ({ ok: true, value: samples }),
    object: () => ({ ok: true, value: objectMilli }),
    external: () => ({ ok: true, value: [objectMilli] }),
  };
}

const PODS_METRIC: MetricSpec = {
  type: 'Pods',
  pods: { metricName: 'ei_scale_ratio', target: { type: 'AverageValue', averageValueMilli: 1_000 } },
};

function spec(behavior: HpaBehaviorInput | null, over: Partial<HpaSpec> = {}): HpaSpec {
  return {
    minReplicas: 1,
    maxReplicas: 100,
    metrics: [PODS_METRIC],
    behavior: behavior && defaultBehavior(behavior),
    ...over,
  };
}

interface Step {
  t: number;
  replicas: number;
  reason: string;
}

/** Syncs every `periodS` from t = 0, feeding each pod `load(t)`; the scale follows the HPA at once. */
function timeline(
  s: HpaSpec,
  start: number,
  syncs: number,
  periodS: number,
  load: (tS: number) => number,
  config: ControllerConfig = DEFAULT_CONTROLLER_CONFIG,
): Step[] {
  let state: HpaState = initialHpaState();
  let replicas = start;
  const steps: Step[] = [];
  for (let i = 0; i < syncs; i++) {
    const t = i * periodS;
    const pods = readyPods(replicas);
    const r = syncHpa(s, replicas, replicas, pods, metrics(pods, t, load(t)), state, config, t);
    state = r.nextState;
    replicas = r.desiredReplicas;
    steps.push({ t, replicas, reason: r.reason });
  }
  return steps;
}

const HUGE = 1_000_000; // every pod at 1000x its target

const GROWTH_ROWS = [
  {
    name: 'legacy (no behavior): max(2 x current, 4) per sync, no history',
    behavior: null,
    periodS: 15,
    replicas: [4, 8, 16, 32, 64, 100, 100],
    lastReason: 'TooManyReplicas',
  },
  {
    name: 'default behavior, 15 s syncs: 4 pods or 100% per 15 s',
    behavior: {},
    periodS: 15,
    replicas: [5, 10, 20, 40, 80, 100, 100],
    lastReason: 'TooManyReplicas',
  },
  {
    name: 'default behavior, 10 s syncs: a period still spans 15 s, so every other sync is held',
    behavior: {},
    periodS: 10,
    replicas: [5, 5, 10, 10, 20, 20, 40],
    lastReason: 'ScaleUpLimit',
  },
  {
    name: 'legacy with a 10 s sync grows per sync, not per period',
    behavior: null,
    periodS: 10,
    replicas: [4, 8, 16, 32, 64, 100, 100],
    lastReason: 'TooManyReplicas',
  },
] as const;

for (const row of GROWTH_ROWS) {
  test(`scale-up from 1 under a huge load: ${row.name}`, () => {
    const steps = timeline(spec(row.behavior), 1, row.replicas.length, row.periodS, () => HUGE);
    assert.deepEqual(
      steps.map((s) => s.replicas),
      row.replicas,
    );
    assert.equal(steps[0].reason, 'ScaleUpLimit');
    assert.equal(steps.at(-1)!.reason, row.lastReason);
  });
}

const WAIT_ROWS = [
  {
    name: 'legacy: the seeded recommendation holds 5 while it is at most 300 s old (inclusive window)',
    behavior: null,
    firstS: 315,
  },
  {
    name: 'default behavior: the unset scale-down window takes the 300 s flag (strict window)',
    behavior: {},
    firstS: 300,
  },
] as const;

for (const row of WAIT_ROWS) {
  test(`scale-down after controller start: ${row.name}`, () => {
    // 5 pods at 60% of target: the proposal is 3 from the first sync on.
    const steps = timeline(spec(row.behavior), 5, 23, 15, () => 600);
    const first = steps.findIndex((s) => s.replicas !== 5);
    assert.equal(steps[first].t, row.firstS);
    assert.equal(steps[first].replicas, 3);
    assert.equal(steps[0].reason, 'ScaleDownStabilized');
  });
}

const WITHOUT_WINDOW_ROWS: {
  name: string;
  behavior: HpaBehaviorInput | null;
  config: ControllerConfig;
  desired: number;
  without: number;
}[] = [
  {
    name: 'legacy: the 300 s window holds 5; without it the proposal 3 applies',
    behavior: null,
    config: DEFAULT_CONTROLLER_CONFIG,
    desired: 5,
    without: 3,
  },
  {
    name: 'default behavior: the window holds 5; without it, 3 (the 100% policy allows it)',
    behavior: {},
    config: DEFAULT_CONTROLLER_CONFIG,
    desired: 5,
    without: 3,
  },
  {
    name: 'a 1-pod-per-minute policy would stop at 4 anyway: the window alone holds one',
    behavior: { scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    config: DEFAULT_CONTROLLER_CONFIG,
    desired: 5,
    without: 4,
  },
  {
    name: 'behavior with a 0 s window: nothing is held',
    behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    config: DEFAULT_CONTROLLER_CONFIG,
    desired: 3,
    without: 3,
  },
  {
    name: 'legacy with --horizontal-pod-autoscaler-downscale-stabilization=0: nothing is held',
    behavior: null,
    config: { ...DEFAULT_CONTROLLER_CONFIG, downscaleStabilizationSeconds: 0 },
    desired: 3,
    without: 3,
  },
];

for (const row of WITHOUT_WINDOW_ROWS) {
  test(`desired without the scale-down window: ${row.name}`, () => {
    // 5 pods at 60% of target (proposal 3), one minute after a recommendation of 5.
    const pods = readyPods(5);
    const state = { ...initialHpaState(), recommendations: [{ replicas: 5, timestampS: -60 }] };
    const r = syncHpa(spec(row.behavior), 5, 5, pods, metrics(pods, 0, 600), state, row.config, 0);
    assert.equal(r.proposal, 3);
    assert.deepEqual([r.desiredReplicas, r.desiredWithoutScaleDownStabilization], [row.desired, row.without]);
  });
}

test('desired without the scale-down window is null when the metrics were not used', () => {
  const pods = readyPods(5);
  const r = syncHpa(
    spec(null, { maxReplicas: 4 }),
    5,
    5,
    pods,
    metrics(pods, 0, 600),
    initialHpaState(),
    DEFAULT_CONTROLLER_CONFIG,
    0,
  );
  assert.equal(r.reason, 'TooManyReplicas');
  assert.equal(r.desiredWithoutScaleDownStabilization, null);
});

const TOLERANCE_ROWS = [
  { perPodMilli: 1_100, replicas: 10, name: '+10% is within (inclusive)' },
  { perPodMilli: 1_101, replicas: 12, name: 'just above: ceil(1.101 x 10)' },
  { perPodMilli: 900, replicas: 10, name: '-10% is within (inclusive)' },
  { perPodMilli: 899, replicas: 9, name: 'just below: ceil(0.899 x 10)' },
] as const;

for (const row of TOLERANCE_ROWS) {
  test(`production tolerance 0.1, 10 pods at target 1: ${row.name}`, () => {
    const pods = readyPods(10);
    // An empty history: nothing to stabilize against, so only the tolerance decides.
    const state = { ...initialHpaState(), recommendations: [] };
    const r = syncHpa(
      spec(null),
      10,
      10,
      pods,
      metrics(pods, 0, row.perPodMilli),
      state,
      DEFAULT_CONTROLLER_CONFIG,
      0,
    );
    assert.equal(r.desiredReplicas, row.replicas);
  });
}

test('scale to zero and back with HPAScaleToZero and an Object metric', () => {
  const config = {
    ...DEFAULT_CONTROLLER_CONFIG,
    featureGates: { ...DEFAULT_CONTROLLER_CONFIG.featureGates, HPAScaleToZero: true },
  };
  const s = spec(
    { scaleDown: { stabilizationWindowSeconds: 0 } },
    {
      minReplicas: 0,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Object',
          object: {
            metricName: 'queue_length',
            describedObject: { kind: 'Service', name: 'q' },
            target: { type: 'Value', valueMilli: 1_000 },
          },
        },
      ],
    },
  );
  const down = syncHpa(s, 2, 2, readyPods(2), metrics(readyPods(2), 0, 0, 0), initialHpaState(), config, 0);
  assert.equal(down.desiredReplicas, 0);
  assert.deepEqual(
    down.conditions.find((c) => c.type === 'ScaledToZero'),
    {
      type: 'ScaledToZero',
      status: 'True',
      reason: 'ScaledToZero',
      message: 'the HPA controller scaled the workload to zero',
    },
  );
  // From zero: ceil(ratio) with no tolerance, then the default 4-pods scale-up policy.
  const up = syncHpa(s, 0, 0, [], metrics([], 15, 0, 5_000), down.nextState, config, 15);
  assert.equal(up.desiredReplicas, 4);
  assert.equal(up.reason, 'ScaleUpLimit');
  assert.equal(up.conditions.find((c) => c.type === 'ScaledToZero')?.reason, 'NotScaledToZero');

  // Without the gate a workload at zero stays there.
  const off = syncHpa(s, 0, 0, [], metrics([], 15, 0, 5_000), down.nextState, DEFAULT_CONTROLLER_CONFIG, 15);
  assert.equal(off.scaled, false);
  assert.equal(off.reason, 'ScalingDisabled');
  assert.equal(
    off.conditions.find((c) => c.type === 'ScaledToZero'),
    undefined,
  );
});

const FAILING: MetricSpec = {
  type: 'External',
  external: { metricName: 'gone', target: { type: 'Value', valueMilli: 1 } },
};

function withFailingExternal(perPod: number): SyncResult {
  const pods = readyPods(4);
  const source = {
    ...metrics(pods, 0, perPod),
    external: () => ({ ok: false as const, error: 'not found' }),
  };
  const state = { ...initialHpaState(), recommendations: [] };
  return syncHpa(
    spec(null, { metrics: [PODS_METRIC, FAILING] }),
    4,
    4,
    pods,
    source,
    state,
    DEFAULT_CONTROLLER_CONFIG,
    0,
  );
}

test('one metric failing: a scale-up on the others goes ahead', () => {
  const r = withFailingExternal(2_000);
  assert.equal(r.desiredReplicas, 8);
  assert.equal(r.conditions.find((c) => c.type === 'ScalingActive')?.reason, 'ValidMetricFound');
  assert.equal(
    r.metrics[1].error,
    'failed to get gone external metric value: failed to get external metric gone: unable to get external metric gone: not found',
  );
  assert.equal(r.message, 'New size: 8; reason: pods metric ei_scale_ratio above target');
});

test('one metric failing: a scale-down on the others is refused', () => {
  const r = withFailingExternal(200);
  assert.equal(r.scaled, false);
  assert.equal(r.desiredReplicas, 4);
  assert.equal(r.reason, 'FailedGetExternalMetric');
  assert.match(r.message, /^invalid metrics \(1 invalid out of 2\), first error is: /);
});

test('scale-down event text', () => {
  const pods = readyPods(4);
  const state = { ...initialHpaState(), recommendations: [] };
  const r = syncHpa(spec(null), 4, 4, pods, metrics(pods, 0, 500), state, DEFAULT_CONTROLLER_CONFIG, 0);
  assert.equal(r.message, 'New size: 2; reason: All metrics below target');
});

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

test('a sync is pure: frozen inputs, the same result twice, and the state it returns is its own', () => {
  const pods = deepFreeze(readyPods(3));
  const s = deepFreeze(spec({}));
  const state = deepFreeze({
    ...initialHpaState(),
    recommendations: [{ replicas: 3, timestampS: -10 }],
    scaleUpEvents: [{ replicaChange: 1, timestampS: -5, outdated: false }],
    conditions: [
      { type: 'AbleToScale' as const, status: 'True' as const, reason: 'ReadyForNewScale', message: '' },
    ],
  });
  const run = () => syncHpa(s, 3, 3, pods, metrics(pods, 0, 5_000), state, DEFAULT_CONTROLLER_CONFIG, 0);
  const a = run();
  const b = run();
  assert.deepEqual(a, b);
  // The +1 of 5 s ago puts the period's start at 2: max(2 + 4 pods, 2 + 100%) = 6.
  assert.equal(a.desiredReplicas, 6);
  assert.notEqual(a.nextState.recommendations, state.recommendations);
});
