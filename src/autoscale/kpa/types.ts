/**
 * Types of the Knative Pod Autoscaler as inferscale runs it (reference/autoscalers/KPA.md): the
 * resolved configuration (config-autoscaler defaults and the revision's annotations), the PA's
 * state and the policy's state, observation and decisions. Times are seconds.
 */
import type { Decision } from '../policy.js';
import type { DeciderState } from './decider.js';
import type { Aggregation, BucketWindow } from './window.js';

export interface KpaSpec {
  /** autoscaling.knative.dev/metric: concurrency (in-flight frames) or rps (frames per second). */
  metric: 'concurrency' | 'rps';
  /** autoscaling.knative.dev/target: per pod; default 100 (concurrency) or 200 (rps). */
  target: number;
  /** autoscaling.knative.dev/target-utilization-percentage (default 70). */
  targetUtilizationPercentage: number;
  /** The revision's containerConcurrency (0 = unlimited). */
  containerConcurrency: number;
  targetBurstCapacity: number;
  stableWindowSeconds: number;
  panicWindowPercentage: number;
  panicThresholdPercentage: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  enableScaleToZero: boolean;
  scaleToZeroGracePeriodSeconds: number;
  scaleToZeroPodRetentionPeriodSeconds: number;
  scaleDownDelaySeconds: number;
  /** min-scale and max-scale (0 = no limit). */
  minScale: number;
  maxScale: number;
  /** initial-scale: the Deployment's first replicas (the service's `replicas`). */
  initialScale: number;
  activationScale: number;
  /** progress-deadline: how long activation may take before the PA gives up (default 600 s). */
  progressDeadlineSeconds: number;
  aggregation: Aggregation;
}

export type PaStatus = 'Activating' | 'Active' | 'Inactive';

/** The PodAutoscaler's status and its ServerlessService's mode, with when each last changed. */
export interface PaState {
  status: PaStatus;
  statusSinceS: number;
  /** ScaleTargetInitialized: ready reached the initial scale once. */
  initialized: boolean;
  sksMode: 'proxy' | 'serve';
  sksSinceS: number;
}

export interface KpaState {
  stable: BucketWindow;
  panic: BucketWindow;
  /** null until the first tick constructs it (it reads the ready pods then). */
  decider: DeciderState | null;
  /** The multiscaler's DesiredScale (-1: no valid decision yet) and excess burst capacity. */
  desiredScale: number;
  excessBurstCapacity: number;
  pa: PaState;
  /** A reconcile the scaler asked for (enqueueCB), or null. */
  requeueAtS: number | null;
}

export type KpaObservation =
  | {
      /** Every second: the revision's concurrency (time-weighted mean over the second) or RPS. */
      kind: 'scrape';
      value: number;
      /** Every other second (the decider's 2 s tick). */
      deciderTick: boolean;
      readyPods: number;
      currentReplicas: number;
    }
  | {
      /** A requeued reconcile of the PA. */
      kind: 'requeue';
      readyPods: number;
      currentReplicas: number;
    };

export type KpaReason =
  | 'NoMetrics'
  | 'Stable'
  | 'Panic'
  | 'ScaleToZeroDisabled'
  | 'ActivationTimedOut'
  | 'Activating'
  | 'HeldAtOne'
  | 'Deactivating'
  | 'PodRetention'
  | 'GracePeriod'
  | 'ScaledToZero'
  | 'Unchanged';

export interface KpaDecision extends Decision<KpaState, KpaReason> {
  /** The decider ran at this call. */
  decided: boolean;
  /** Window averages at this call (revision totals) when the decider ran. */
  stableValue: number | null;
  panicValue: number | null;
  /** The per-pod target the decider divides by. */
  targetPerPod: number;
  panicBefore: boolean;
  panicAfter: boolean;
  statusBefore: PaStatus;
}
