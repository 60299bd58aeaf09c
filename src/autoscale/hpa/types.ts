/**
 * Types of the HPA controller: the autoscaling/v2 spec as the controller reads it (after API
 * defaulting), what it sees of pods and metrics, the state it keeps per HPA, and what one sync
 * returns. Quantities are Kubernetes milli-units; times are absolute seconds of simulation time.
 */

// ---------------------------------------------------------------------------------------------
// Spec (k8s.io/api/autoscaling/v2)
// ---------------------------------------------------------------------------------------------

export type MetricTarget =
  | { type: 'Utilization'; averageUtilization: number } // percent of the request
  | { type: 'AverageValue'; averageValueMilli: number }
  | { type: 'Value'; valueMilli: number };

export type ResourceName = 'cpu' | 'memory';

export interface DescribedObject {
  kind: string;
  name: string;
  apiVersion?: string;
}

export type MetricSpec =
  | { type: 'Resource'; resource: { name: ResourceName; target: MetricTarget } }
  | {
      type: 'ContainerResource';
      containerResource: { name: ResourceName; container: string; target: MetricTarget };
    }
  | { type: 'Pods'; pods: { metricName: string; target: MetricTarget } }
  | { type: 'Object'; object: { metricName: string; describedObject: DescribedObject; target: MetricTarget } }
  | { type: 'External'; external: { metricName: string; target: MetricTarget } };

export interface HpaPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

/** One direction of `spec.behavior` after API defaulting (see `defaultBehavior`). */
export interface HpaRules {
  /** null (scale-down only) = not set: the controller uses --horizontal-pod-autoscaler-downscale-stabilization. */
  stabilizationWindowSeconds: number | null;
  selectPolicy: SelectPolicy;
  policies: HpaPolicy[];
  /** null = the --horizontal-pod-autoscaler-tolerance flag (and always so without HPAConfigurableTolerance). */
  tolerance: number | null;
}

/** `spec.behavior`, already defaulted per direction. */
export interface HpaBehavior {
  scaleUp: HpaRules;
  scaleDown: HpaRules;
}

export interface HpaSpec {
  minReplicas: number;
  maxReplicas: number;
  metrics: MetricSpec[];
  /** null = no `spec.behavior`: the legacy normalization (SPEC.md §4). */
  behavior: HpaBehavior | null;
}

// ---------------------------------------------------------------------------------------------
// Controller configuration (kube-controller-manager flags and feature gates)
// ---------------------------------------------------------------------------------------------

export interface FeatureGates {
  HPAConfigurableTolerance: boolean;
  HPAScaleToZero: boolean;
  PodLevelResources: boolean;
}

export interface ControllerConfig {
  syncPeriodSeconds: number;
  tolerance: number;
  downscaleStabilizationSeconds: number;
  cpuInitializationPeriodSeconds: number;
  initialReadinessDelaySeconds: number;
  /** Legacy scale-up cap max(factor x current, minimum): 2 and 4 in production; the Kubernetes tests use 8. */
  scaleUpLimitFactor: number;
  scaleUpLimitMinimum: number;
  featureGates: FeatureGates;
}

// ---------------------------------------------------------------------------------------------
// What the controller observes
// ---------------------------------------------------------------------------------------------

export interface ContainerView {
  name: string;
  /** cpu request; null = none set. */
  requestMilli: number | null;
  /** memory request in milli-bytes; absent or null = none set (only a memory metric reads it). */
  memoryRequestMilli?: number | null;
}

/** An init container; only restartable ones (sidecars, restartPolicy Always) count towards requests. */
export interface InitContainerView extends ContainerView {
  restartPolicyAlways: boolean;
}

/** What the controller sees of one pod matched by the scale target's selector. */
export interface PodView {
  name: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** status.startTime; null = not started (nil). */
  startTimeS: number | null;
  /** The Ready condition; null = no such condition. A null lastTransitionTimeS is Go's zero time. */
  ready: { status: 'True' | 'False' | 'Unknown'; lastTransitionTimeS: number | null } | null;
  /** metadata.deletionTimestamp is set. */
  deleted: boolean;
  containers: ContainerView[];
  initContainers?: InitContainerView[];
  /** Pod-level spec.resources.requests.cpu (PodLevelResources); absent or null = not set. */
  podLevelRequestMilli?: number | null;
  podLevelMemoryRequestMilli?: number | null;
}

/** One pod's sample as a metrics API returns it, already scoped to the queried container if any. */
export interface PodSample {
  pod: string;
  valueMilli: number;
  timestampS: number;
  windowS: number;
  containers?: { name: string; usageMilli: number }[];
}

export type Fetched<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The metrics APIs as the HPA queries them at `nowS`. `error` is the API's own error text; the
 * replica calculator prefixes it the way Kubernetes does ("unable to get metrics for resource cpu: ...").
 * An empty successful list is treated as the metrics client treats it: an error.
 */
export interface MetricsSource {
  /** metrics.k8s.io: per-pod usage, the sum over containers or one container's usage. */
  resource(name: ResourceName, container: string | null): Fetched<PodSample[]>;
  /** custom.metrics.k8s.io, pods metrics. */
  pods(metricName: string): Fetched<PodSample[]>;
  /** custom.metrics.k8s.io, one object's metric, in milli-units. */
  object(metricName: string, describedObject: { kind: string; name: string }): Fetched<number>;
  /** external.metrics.k8s.io, every series' value, in milli-units. */
  external(metricName: string): Fetched<number[]>;
}

// ---------------------------------------------------------------------------------------------
// State kept per HPA and the result of one sync
// ---------------------------------------------------------------------------------------------

export interface TimestampedRecommendation {
  replicas: number;
  timestampS: number;
}

export interface ScaleEvent {
  /** Absolute value, never negative. */
  replicaChange: number;
  timestampS: number;
  /** Marked for reuse by the next event in the same direction; never read when summing changes. */
  outdated: boolean;
}

/** Everything the controller keeps in memory per HPA (HorizontalController's maps), explicit. */
export interface HpaState {
  /** null = never synced: the first sync seeds it with {current, now}. */
  recommendations: TimestampedRecommendation[] | null;
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
  conditions: HpaCondition[];
  lastScaleTimeS: number | null;
}

export type ConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited' | 'ScaledToZero';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface HpaCondition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export type AbleToScaleReason =
  | 'SucceededGetScale'
  | 'ReadyForNewScale'
  | 'ScaleUpStabilized'
  | 'ScaleDownStabilized'
  | 'SucceededRescale'
  | 'FailedGetScale'
  | 'FailedUpdateScale';

/** Why the rate/min/max step returned what it did (the ScalingLimited condition's reason). */
export type ScalingLimitedReason =
  'DesiredWithinRange' | 'TooFewReplicas' | 'TooManyReplicas' | 'ScaleUpLimit' | 'ScaleDownLimit';

export type MetricFailureReason =
  | 'FailedGetResourceMetric'
  | 'FailedGetContainerResourceMetric'
  | 'FailedGetPodsMetric'
  | 'FailedGetObjectMetric'
  | 'FailedGetExternalMetric'
  | 'InvalidMetricSourceType';

export type ScalingActiveReason =
  'ValidMetricFound' | 'ScalingDisabled' | 'InvalidSelector' | 'AmbiguousSelector' | MetricFailureReason;

export type ScaledToZeroReason = 'ScaledToZero' | 'NotScaledToZero';

/** The reason that explains a sync's outcome (see `SyncResult.reason`). */
export type SyncReason =
  | ScalingLimitedReason
  | 'ScaleUpStabilized'
  | 'ScaleDownStabilized'
  | 'ScalingDisabled'
  | MetricFailureReason
  | 'FailedComputeMetricsReplicas';

export interface MetricStatus {
  spec: MetricSpec;
  /** Average value (Utilization, AverageValue targets: per pod) or value (Value targets); null on error. */
  currentValueMilli: number | null;
  /** Percent of request, Utilization targets only. */
  currentUtilization: number | null;
  /** This metric's replica proposal; null on error. */
  proposal: number | null;
  error: string | null;
}

export interface SyncResult {
  desiredReplicas: number;
  scaled: boolean;
  previousReplicas: number;
  /** Max over the metrics that succeeded, before normalization; null if metrics were not used or all failed. */
  proposal: number | null;
  metrics: MetricStatus[];
  conditions: HpaCondition[];
  /**
   * The reason that explains the outcome: the ScalingLimited reason when it limited the result,
   * else the stabilization reason when stabilization changed it, else DesiredWithinRange; the
   * ScalingActive reason when metrics failed or scaling is disabled; TooManyReplicas /
   * TooFewReplicas when the current count was outside [min, max].
   */
  reason: SyncReason;
  /** The SuccessfulRescale event text when scaled ("New size: 3; reason: ..."), else the explaining condition's message. */
  message: string;
  /**
   * Not part of Kubernetes: the replica count this sync would have left the workload at with a
   * scale-down stabilization window of 0 (the same proposal, scale-up window, rate limits and
   * [min, max]). `desiredReplicas` minus this, when positive, is what the window alone holds.
   * Null when the metrics were not used (scaling disabled, count outside [min, max], metrics failed).
   */
  desiredWithoutScaleDownStabilization: number | null;
  nextState: HpaState;
}

/** Scale-up and scale-down tolerances of the usage ratio (ReplicaCalculator's Tolerances). */
export interface Tolerances {
  scaleUp: number;
  scaleDown: number;
}
