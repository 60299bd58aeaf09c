/**
 * Every text the HPA controller produces: condition messages, event texts and errors, worded as
 * Kubernetes words them (pkg/controller/podautoscaler/horizontal.go, replica_calculator.go and
 * metrics/*.go) so a simulated `kubectl describe hpa` reads like a real one.
 */
import type { ResourceName } from './types.js';

export const MSG = {
  // AbleToScale
  succeededGetScale: "the HPA controller was able to get the target's current scale",
  readyForNewScale: 'recommended size matches current size',
  scaleUpStabilized:
    'recent recommendations were lower than current one, applying the lowest recent recommendation',
  scaleDownStabilized:
    'recent recommendations were higher than current one, applying the highest recent recommendation',
  succeededRescale: (replicas: number) =>
    `the HPA controller was able to update the target scale to ${replicas}`,

  // ScalingActive
  scalingDisabled: 'scaling is disabled since the replica count of the target is zero',
  validMetricFound: (metric: string) =>
    `the HPA was able to successfully calculate a replica count from ${metric}`,
  unableToCompute: (error: string) => `the HPA was unable to compute the replica count: ${error}`,

  // ScalingLimited
  desiredWithinRange: 'the desired count is within the acceptable range',
  tooFewReplicas: 'the desired replica count is less than the minimum replica count',
  tooManyReplicas: 'the desired replica count is more than the maximum replica count',
  scaleUpLimit: 'the desired replica count is increasing faster than the maximum scale rate',
  scaleDownLimit: 'the desired replica count is decreasing faster than the maximum scale rate',

  // ScaledToZero
  scaledToZero: 'the HPA controller scaled the workload to zero',
  notScaledToZero: 'the HPA controller did not scale the workload to zero',

  // SuccessfulRescale event and its reasons
  rescaleEvent: (replicas: number, reason: string) => `New size: ${replicas}; reason: ${reason}`,
  aboveMaxReplicas: 'Current number of replicas above Spec.MaxReplicas',
  belowMinReplicas: 'Current number of replicas below Spec.MinReplicas',
  metricAboveTarget: (metric: string) => `${metric} above target`,
  allMetricsBelowTarget: 'All metrics below target',
} as const;

/** The metric descriptions computeStatusFor*Metric return and the rescale event quotes. */
export const METRIC_NAME = {
  resourceUtilization: (r: ResourceName) => `${r} resource utilization (percentage of request)`,
  containerResourceUtilization: (r: ResourceName) =>
    `${r} container resource utilization (percentage of request)`,
  resourceValue: (r: ResourceName) => `${r} resource`,
  pods: (metric: string) => `pods metric ${metric}`,
  object: (kind: string, metric: string) => `${kind} metric ${metric}`,
  // Kubernetes names Object AverageValue metrics "external metric" too, and prints the metric's
  // label selector with %+v; this model has no metric selectors, which Go prints as <nil>.
  external: (metric: string) => `external metric ${metric}(<nil>)`,
} as const;

/** Error texts of the replica calculator and the metrics clients. */
export const ERR = {
  noPods: 'no pods returned by selector while calculating replica count',
  noTargetedMetrics: 'did not receive metrics for targeted pods (pods might be unready)',
  noMatchedMetrics: 'no metrics returned matched known pods',
  noResourceMetrics: 'no metrics returned from resource metrics API',
  noCustomMetrics: 'no metrics returned from custom metrics API',
  noExternalMetrics: 'no metrics returned from external metrics API',
  resourceFetch: (r: ResourceName, e: string) => `unable to get metrics for resource ${r}: ${e}`,
  metricFetch: (metric: string, e: string) => `unable to get metric ${metric}: ${e}`,
  objectFetch: (metric: string, kind: string, name: string, e: string) =>
    `unable to get metric ${metric}: ${e} on ${kind} ${name}`,
  externalFetch: (metric: string, e: string) => `unable to get external metric ${metric}: ${e}`,
  readyPods: (e: string) => `unable to calculate ready pods: ${e}`,
  missingRequest: (r: ResourceName, container: string, pod: string) =>
    `missing request for ${r} in container ${container} of Pod ${pod}`,
  missingPodLevelRequest: (r: ResourceName, pod: string) =>
    `missing pod-level request for ${r} in Pod ${pod}`,
  containerNotFound: (container: string, pod: string) => `container ${container} not found in Pod ${pod}`,

  // computeStatusFor*Metric and computeReplicasForMetric wrappers
  resourceUtilization: (r: ResourceName, e: string) => `failed to get ${r} utilization: ${e}`,
  resourceUsage: (r: ResourceName, e: string) => `failed to get ${r} usage: ${e}`,
  invalidResourceTarget:
    'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set',
  invalidPodsTarget: 'invalid pods metric source: an average value target must be set',
  invalidObjectTarget:
    'invalid object metric source: neither a value target nor an average value target was set',
  invalidExternalTarget:
    'invalid external metric source: neither a value target nor an average value target was set',
  resourceMetricValue: (r: ResourceName, e: string) => `failed to get ${r} resource metric value: ${e}`,
  containerMetricValue: (container: string, e: string) =>
    `failed to get ${container} container metric value: ${e}`,
  podsMetricValue: (e: string) => `failed to get pods metric value: ${e}`,
  objectMetricValue: (e: string) => `failed to get object metric value: ${e}`,
  objectPerPodMetric: (metric: string, e: string) => `failed to get ${metric} object metric: ${e}`,
  externalMetricValue: (metric: string, e: string) => `failed to get ${metric} external metric value: ${e}`,
  externalPerPodMetric: (metric: string, e: string) => `failed to get ${metric} external metric: ${e}`,
  externalValueMetric: (metric: string, e: string) => `failed to get external metric ${metric}: ${e}`,
  unknownMetricType: (type: string) => `unknown metric source type "${type}"`,
  noMetrics: 'no metrics to compute a replica count from',
  invalidMetrics: (invalid: number, total: number, first: string) =>
    `invalid metrics (${invalid} invalid out of ${total}), first error is: ${first}`,
} as const;
