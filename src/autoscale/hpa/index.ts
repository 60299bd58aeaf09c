/**
 * The Kubernetes HorizontalPodAutoscaler algorithm (v1.37), pure: `syncHpa` runs one sync of one
 * HPA; the lower-level functions it is built from are exported for tests and tools.
 */
export type * from './types.js';
export { DEFAULT_CONTROLLER_CONFIG, defaultBehavior, initialHpaState } from './defaults.js';
export type { HpaBehaviorInput, HpaRulesInput } from './defaults.js';
export { syncHpa } from './reconcile.js';
export { GO_ZERO_TIME_S, MAX_INT32, MAX_INT64 } from './arith.js';
export { setCondition, removeCondition, findCondition } from './conditions.js';
export { groupPods, calculateRequests, readyPodCount, type PodGroups } from './pods.js';
export {
  isWithinTolerance,
  getResourceUtilizationRatio,
  getMetricUsageRatio,
  getResourceReplicas,
  getRawResourceReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  type ReplicaCalcContext,
  type ResourceReplicas,
  type ValueReplicas,
} from './replicas.js';
export {
  computeReplicasForMetric,
  computeReplicasForMetrics,
  tolerancesForHpa,
  type MetricProposal,
  type MetricsProposal,
} from './metrics.js';
export {
  stabilizeRecommendation,
  calculateScaleUpLimit,
  convertDesiredReplicasWithRules,
  normalizeLegacy,
  stabilizeRecommendationWithBehaviors,
  calculateScaleUpLimitWithScalingRules,
  calculateScaleDownLimitWithBehaviors,
  convertDesiredReplicasWithBehaviorRate,
  normalizeWithBehavior,
  type Limited,
  type Normalized,
} from './normalize.js';
export {
  getReplicasChangePerPeriod,
  getLongestPolicyPeriod,
  markScaleEventsOutdated,
  storeScaleEvent,
  type ScaleEvents,
} from './events.js';
