/**
 * The PA reconciler's scale-to-zero gate and status (KPA.md section 3), one named row per case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcilePa, type ReconcileInput } from '../../src/autoscale/kpa/reconciler.js';
import type { KpaSpec, PaState } from '../../src/autoscale/kpa/types.js';

const SPEC: KpaSpec = {
  metric: 'concurrency',
  target: 1,
  targetUtilizationPercentage: 70,
  containerConcurrency: 0,
  targetBurstCapacity: 211,
  stableWindowSeconds: 60,
  panicWindowPercentage: 10,
  panicThresholdPercentage: 200,
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  enableScaleToZero: true,
  scaleToZeroGracePeriodSeconds: 30,
  scaleToZeroPodRetentionPeriodSeconds: 0,
  scaleDownDelaySeconds: 0,
  minScale: 0,
  maxScale: 0,
  initialScale: 1,
  activationScale: 0,
  progressDeadlineSeconds: 600,
  aggregation: 'linear',
};
const NOW = 1000;
const pa = (p: Partial<PaState>): PaState => ({
  status: 'Active',
  statusSinceS: 0,
  initialized: true,
  sksMode: 'proxy',
  sksSinceS: 0,
  ...p,
});
const input = (p: Partial<ReconcileInput>): ReconcileInput => ({
  want: 0,
  excessBurstCapacity: -1,
  readyPods: 1,
  currentReplicas: 1,
  ...p,
});

const ROWS: {
  name: string;
  spec?: Partial<KpaSpec>;
  pa: Partial<PaState>;
  input: Partial<ReconcileInput>;
  replicas: number;
  reason: string;
  status: PaState['status'];
  requeueAtS: number | null;
}[] = [
  {
    name: 'want 3: applied',
    pa: {},
    input: { want: 3 },
    replicas: 3,
    reason: 'Stable',
    status: 'Active',
    requeueAtS: null,
  },
  {
    name: 'no decision yet while Active: nothing',
    pa: {},
    input: { want: -1, currentReplicas: 2 },
    replicas: 2,
    reason: 'NoMetrics',
    status: 'Active',
    requeueAtS: null,
  },
  {
    name: 'maxScale caps',
    spec: { maxScale: 2 },
    pa: {},
    input: { want: 5 },
    replicas: 2,
    reason: 'Stable',
    status: 'Active',
    requeueAtS: null,
  },
  {
    name: 'minScale floors, so no scale to zero',
    spec: { minScale: 1 },
    pa: {},
    input: { want: 0 },
    replicas: 1,
    reason: 'Stable',
    status: 'Active',
    requeueAtS: null,
  },
  {
    name: 'scale to zero disabled: 1',
    spec: { enableScaleToZero: false },
    pa: {},
    input: { want: 0, currentReplicas: 3 },
    replicas: 1,
    reason: 'ScaleToZeroDisabled',
    status: 'Active',
    requeueAtS: null,
  },
  {
    name: 'Active for less than the stable window: held at 1, requeued at its end',
    pa: { statusSinceS: NOW - 20 },
    input: { want: 0, currentReplicas: 2 },
    replicas: 1,
    reason: 'HeldAtOne',
    status: 'Active',
    requeueAtS: NOW + 40,
  },
  {
    name: 'Active for the stable window: marked Inactive, nothing applied, requeued in 3 s (SKS proxying)',
    pa: { statusSinceS: NOW - 60 },
    input: { want: 0 },
    replicas: 1,
    reason: 'Deactivating',
    status: 'Inactive',
    requeueAtS: NOW + 3,
  },
  {
    name: 'Inactive, activator in the path for the grace period: 0 (fast path)',
    pa: { status: 'Inactive', statusSinceS: NOW - 3, sksSinceS: NOW - 30 },
    input: { want: 0 },
    replicas: 0,
    reason: 'ScaledToZero',
    status: 'Inactive',
    requeueAtS: null,
  },
  {
    name: 'Inactive, activator in the path for 10 s: wait 20 s more',
    pa: { status: 'Inactive', statusSinceS: NOW - 3, sksMode: 'proxy', sksSinceS: NOW - 10 },
    input: { want: 0 },
    replicas: 1,
    reason: 'GracePeriod',
    status: 'Inactive',
    requeueAtS: NOW + 20,
  },
  {
    name: 'Inactive for the grace period: 0 whatever the SKS',
    pa: { status: 'Inactive', statusSinceS: NOW - 30, sksMode: 'serve', sksSinceS: NOW - 1 },
    input: { want: 0, excessBurstCapacity: 5 },
    replicas: 0,
    reason: 'ScaledToZero',
    status: 'Inactive',
    requeueAtS: null,
  },
  {
    name: 'Inactive within the pod retention period: wait until it ends',
    spec: { scaleToZeroPodRetentionPeriodSeconds: 120 },
    pa: { status: 'Inactive', statusSinceS: NOW - 50, sksSinceS: 0 },
    input: { want: 0 },
    replicas: 1,
    reason: 'PodRetention',
    status: 'Inactive',
    requeueAtS: NOW + 70,
  },
  {
    name: 'Activating with no traffic: wait for the activation timeout',
    pa: { status: 'Activating', statusSinceS: NOW - 100, initialized: false },
    input: { want: 0, readyPods: 0 },
    replicas: 1,
    reason: 'Activating',
    status: 'Activating',
    requeueAtS: 630 + NOW - 100,
  },
  {
    name: 'Activating past progress deadline + 30 s: 0',
    pa: { status: 'Activating', statusSinceS: NOW - 630, initialized: false },
    input: { want: 0, readyPods: 0 },
    replicas: 0,
    reason: 'ActivationTimedOut',
    status: 'Inactive',
    requeueAtS: null,
  },
  {
    name: 'from zero: want 2 with no ready pod is Activating',
    pa: { status: 'Inactive' },
    input: { want: 2, readyPods: 0, currentReplicas: 0 },
    replicas: 2,
    reason: 'Stable',
    status: 'Activating',
    requeueAtS: null,
  },
  {
    name: 'initial scale 3 holds the minimum until 3 are ready',
    spec: { initialScale: 3 },
    pa: { status: 'Activating', initialized: false },
    input: { want: 1, readyPods: 2, currentReplicas: 3 },
    replicas: 3,
    reason: 'Stable',
    status: 'Activating',
    requeueAtS: null,
  },
];

for (const row of ROWS) {
  test(`reconcilePa: ${row.name}`, () => {
    const r = reconcilePa({ ...SPEC, ...row.spec }, pa(row.pa), input(row.input), NOW);
    assert.equal(r.replicas, row.replicas);
    assert.equal(r.reason, row.reason);
    assert.equal(r.pa.status, row.status);
    assert.equal(r.requeueAtS, row.requeueAtS);
  });
}
