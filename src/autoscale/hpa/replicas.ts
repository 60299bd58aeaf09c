/**
 * The replica calculator (replica_calculator.go, metrics/utilization.go): from one metric's
 * samples to a replica proposal. Pure arithmetic over what the metrics APIs and the pod list
 * show; it never sees the HPA's history.
 *
 * Integer semantics follow Go: sums and averages of milli-values are int64 (bigint here, so no
 * precision is lost above 2^53), utilization is an integer percent, and the ratio to the target is
 * a float64 whose ceiling, times the pods counted, is the proposal.
 */
import { MAX_INT32, MAX_INT64, MIN_INT64, ceilToInt32, milliValue, toFloat, toInt32 } from './arith.js';
import { ERR } from './messages.js';
import { calculateRequests, groupPods, readyPodCount } from './pods.js';
import type { Fetched, MetricsSource, PodSample, PodView, ResourceName, Tolerances } from './types.js';

/** What every pod-based calculation needs besides the metric itself. */
export interface ReplicaCalcContext {
  pods: readonly PodView[];
  nowS: number;
  tolerances: Tolerances;
  cpuInitializationPeriodSeconds: number;
  initialReadinessDelaySeconds: number;
  /** The PodLevelResources feature gate. */
  podLevelResources: boolean;
}

export interface ResourceReplicas {
  replicas: number;
  /** Integer percent of request over the ready pods, as the HPA status reports it. */
  utilization: number;
  rawAverageValueMilli: number;
}

export interface ValueReplicas {
  replicas: number;
  /** The average per pod (AverageValue targets) or the value itself (Value targets). */
  usageMilli: number;
}

/**
 * Tolerances.isWithin: both bounds inclusive. Releases before per-HPA tolerances used
 * |1 - ratio| <= tolerance, which differs only exactly at the bounds.
 */
export function isWithinTolerance(t: Tolerances, ratio: number): boolean {
  return 1.0 - t.scaleDown <= ratio && ratio <= 1.0 + t.scaleUp;
}

/**
 * metrics.GetResourceUtilizationRatio: usage over request of the sampled pods that have a request
 * (extra samples for pods not in the list are skipped here but still counted by the caller).
 */
export function getResourceUtilizationRatio(
  values: ReadonlyMap<string, bigint>,
  requests: ReadonlyMap<string, bigint>,
  targetUtilization: number,
): Fetched<{ ratio: number; utilization: number; rawAverageValueMilli: bigint }> {
  let usageTotal = 0n;
  let requestTotal = 0n;
  let entries = 0n;
  for (const [pod, value] of values) {
    const request = requests.get(pod);
    if (request === undefined) continue;
    usageTotal += value;
    requestTotal += request;
    entries++;
  }
  if (requestTotal === 0n) return { ok: false, error: ERR.noMatchedMetrics };
  // Truncated to an integer percent before the ratio, as the status field is an int32.
  const utilization = Number((usageTotal * 100n) / requestTotal);
  return {
    ok: true,
    value: {
      ratio: utilization / targetUtilization,
      utilization,
      rawAverageValueMilli: usageTotal / entries,
    },
  };
}

/** metrics.GetMetricUsageRatio: the integer average over every sample, superfluous ones included. */
export function getMetricUsageRatio(
  values: ReadonlyMap<string, bigint>,
  targetUsage: bigint,
): { ratio: number; usage: bigint } {
  let total = 0n;
  for (const v of values.values()) total += v;
  const usage = total / BigInt(values.size);
  return { ratio: toFloat(usage) / toFloat(targetUsage), usage };
}

/** The metrics client's pod samples keyed by pod; like a Go map, a later duplicate wins. */
function sampleMap(samples: readonly PodSample[]): Map<string, PodSample> {
  return new Map(samples.map((s) => [s.pod, s]));
}

/** The metrics clients reject an empty answer (metrics/client.go). */
function fetchPodSamples(fetched: Fetched<PodSample[]>, emptyError: string): Fetched<Map<string, PodSample>> {
  if (!fetched.ok) return fetched;
  if (fetched.value.length === 0) return { ok: false, error: emptyError };
  return { ok: true, value: sampleMap(fetched.value) };
}

/** The samples that count: those of pods neither ignored nor unready (removeMetricsForPods). */
function countedValues(
  samples: ReadonlyMap<string, PodSample>,
  drop: readonly string[],
): Map<string, bigint> {
  const values = new Map<string, bigint>();
  for (const [pod, s] of samples) values.set(pod, milliValue(s.valueMilli));
  for (const pod of drop) values.delete(pod);
  return values;
}

/**
 * ReplicaCalculator.GetResourceReplicas: a Utilization target.
 *
 *   samples -> group pods -> drop ignored + unready -> ratio over the ready pods
 *   no unready pods in a scale-up and none missing: ceil(ratio x ready) unless within tolerance
 *   else fill the gaps pessimistically and recompute over every sample:
 *     missing pods use max(100%, target) of their request on a scale-down and 0 on a scale-up,
 *     unready pods 0 on a scale-up; a result within tolerance or reversing direction keeps current
 */
export function getResourceReplicas(
  ctx: ReplicaCalcContext,
  source: MetricsSource,
  currentReplicas: number,
  targetUtilization: number,
  resource: ResourceName,
  container: string | null,
): Fetched<ResourceReplicas> {
  // 1. Fetch, group, drop.
  const fetched = fetchPodSamples(source.resource(resource, container), ERR.noResourceMetrics);
  if (!fetched.ok) return { ok: false, error: ERR.resourceFetch(resource, fetched.error) };
  if (ctx.pods.length === 0) return { ok: false, error: ERR.noPods };
  const g = groupPods(
    ctx.pods,
    fetched.value,
    resource,
    ctx.cpuInitializationPeriodSeconds,
    ctx.initialReadinessDelaySeconds,
    ctx.nowS,
  );
  const values = countedValues(fetched.value, [...g.ignoredPods, ...g.unreadyPods]);
  if (values.size === 0) return { ok: false, error: ERR.noTargetedMetrics };
  const requests = calculateRequests(ctx.pods, container, resource, ctx.podLevelResources);
  if (!requests.ok) return requests;

  // 2. First pass over the ready pods; its utilization is what the status reports.
  const first = getResourceUtilizationRatio(values, requests.value, targetUtilization);
  if (!first.ok) return first;
  const { ratio, utilization } = first.value;
  const rawAverageValueMilli = toFloat(first.value.rawAverageValueMilli);
  const result = (replicas: number): Fetched<ResourceReplicas> => ({
    ok: true,
    value: { replicas, utilization, rawAverageValueMilli },
  });
  const scaleUpWithUnready = g.unreadyPods.length > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && g.missingPods.length === 0) {
    if (isWithinTolerance(ctx.tolerances, ratio)) return result(currentReplicas);
    return result(ceilToInt32(ratio * g.readyPodCount));
  }

  // 3. Fill the gaps against the direction of the change (a ratio of exactly 1 fills nothing).
  if (g.missingPods.length > 0) {
    // Before max(100, target), missing pods counted as 100% of request, which pulled a
    // scale-down towards a target above 100% instead of damping it.
    const fallbackPercent = BigInt(Math.max(100, targetUtilization));
    for (const pod of g.missingPods) {
      if (ratio < 1.0) values.set(pod, ((requests.value.get(pod) ?? 0n) * fallbackPercent) / 100n);
      else if (ratio > 1.0) values.set(pod, 0n);
    }
  }
  if (scaleUpWithUnready) for (const pod of g.unreadyPods) values.set(pod, 0n);

  // 4. Second pass over every sample.
  const second = getResourceUtilizationRatio(values, requests.value, targetUtilization);
  if (!second.ok) return second;
  const newRatio = second.value.ratio;
  if (
    isWithinTolerance(ctx.tolerances, newRatio) ||
    (ratio < 1.0 && newRatio > 1.0) ||
    (ratio > 1.0 && newRatio < 1.0)
  ) {
    return result(currentReplicas);
  }
  // Counts superfluous samples too, as Kubernetes does.
  const newReplicas = ceilToInt32(newRatio * values.size);
  if (
    (newRatio < 1.0 && newReplicas > currentReplicas) ||
    (newRatio > 1.0 && newReplicas < currentReplicas)
  ) {
    return result(currentReplicas);
  }
  return result(newReplicas);
}

/**
 * ReplicaCalculator.calcPlainMetricReplicas: an AverageValue target over pod samples (a Resource
 * AverageValue or a Pods metric), the same algorithm as utilization with the average as usage and
 * the target itself as the scale-down fill of missing pods.
 */
function calcPlainMetricReplicas(
  ctx: ReplicaCalcContext,
  samples: ReadonlyMap<string, PodSample>,
  currentReplicas: number,
  targetUsage: bigint,
  resource: ResourceName | null,
): Fetched<ValueReplicas> {
  if (ctx.pods.length === 0) return { ok: false, error: ERR.noPods };
  const g = groupPods(
    ctx.pods,
    samples,
    resource,
    ctx.cpuInitializationPeriodSeconds,
    ctx.initialReadinessDelaySeconds,
    ctx.nowS,
  );
  const values = countedValues(samples, [...g.ignoredPods, ...g.unreadyPods]);
  if (values.size === 0) return { ok: false, error: ERR.noTargetedMetrics };

  const { ratio, usage } = getMetricUsageRatio(values, targetUsage);
  const result = (replicas: number): Fetched<ValueReplicas> => ({
    ok: true,
    value: { replicas, usageMilli: toFloat(usage) },
  });
  const scaleUpWithUnready = g.unreadyPods.length > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && g.missingPods.length === 0) {
    if (isWithinTolerance(ctx.tolerances, ratio)) return result(currentReplicas);
    return result(ceilToInt32(ratio * g.readyPodCount));
  }
  for (const pod of g.missingPods) {
    if (ratio < 1.0) values.set(pod, targetUsage);
    else if (ratio > 1.0) values.set(pod, 0n);
  }
  if (scaleUpWithUnready) for (const pod of g.unreadyPods) values.set(pod, 0n);

  const newRatio = getMetricUsageRatio(values, targetUsage).ratio;
  if (
    isWithinTolerance(ctx.tolerances, newRatio) ||
    (ratio < 1.0 && newRatio > 1.0) ||
    (ratio > 1.0 && newRatio < 1.0)
  ) {
    return result(currentReplicas);
  }
  const newReplicas = ceilToInt32(newRatio * values.size);
  // @00067268 this path lacked the direction check below; the resource path had it.
  if (
    (newRatio < 1.0 && newReplicas > currentReplicas) ||
    (newRatio > 1.0 && newReplicas < currentReplicas)
  ) {
    return result(currentReplicas);
  }
  return result(newReplicas);
}

/** ReplicaCalculator.GetRawResourceReplicas: a Resource metric with an AverageValue target. */
export function getRawResourceReplicas(
  ctx: ReplicaCalcContext,
  source: MetricsSource,
  currentReplicas: number,
  targetAverageValueMilli: number,
  resource: ResourceName,
  container: string | null,
): Fetched<ValueReplicas> {
  const fetched = fetchPodSamples(source.resource(resource, container), ERR.noResourceMetrics);
  if (!fetched.ok) return { ok: false, error: ERR.resourceFetch(resource, fetched.error) };
  return calcPlainMetricReplicas(
    ctx,
    fetched.value,
    currentReplicas,
    milliValue(targetAverageValueMilli),
    resource,
  );
}

/** ReplicaCalculator.GetMetricReplicas: a Pods metric (readiness is not looked at). */
export function getMetricReplicas(
  ctx: ReplicaCalcContext,
  source: MetricsSource,
  currentReplicas: number,
  targetAverageValueMilli: number,
  metricName: string,
): Fetched<ValueReplicas> {
  const fetched = fetchPodSamples(source.pods(metricName), ERR.noCustomMetrics);
  if (!fetched.ok) return { ok: false, error: ERR.metricFetch(metricName, fetched.error) };
  return calcPlainMetricReplicas(
    ctx,
    fetched.value,
    currentReplicas,
    milliValue(targetAverageValueMilli),
    null,
  );
}

/**
 * getUsageRatioReplicaCount: for a whole-workload value, the ratio scales the pods that are
 * Running and Ready. From zero replicas there are no pods to count and no tolerance, so the
 * ratio alone decides between staying at zero and ceil(ratio).
 */
function usageRatioReplicaCount(
  ctx: ReplicaCalcContext,
  currentReplicas: number,
  ratio: number,
): Fetched<number> {
  if (currentReplicas === 0) return { ok: true, value: ceilToInt32(ratio) };
  if (isWithinTolerance(ctx.tolerances, ratio)) return { ok: true, value: currentReplicas };
  const ready = readyPodCount(ctx.pods);
  if (!ready.ok) return { ok: false, error: ERR.readyPods(ready.error) };
  const replicas = ratio * ready.value;
  return { ok: true, value: replicas > MAX_INT32 ? MAX_INT32 : ceilToInt32(replicas) };
}

/** ReplicaCalculator.GetObjectMetricReplicas: an Object metric with a Value target. */
export function getObjectMetricReplicas(
  ctx: ReplicaCalcContext,
  source: MetricsSource,
  currentReplicas: number,
  targetValueMilli: number,
  metricName: string,
  describedObject: { kind: string; name: string },
): Fetched<ValueReplicas> {
  const fetched = source.object(metricName, describedObject);
  if (!fetched.ok) {
    return {
      ok: false,
      error: ERR.objectFetch(metricName, describedObject.kind, describedObject.name, fetched.error),
    };
  }
  const usage = milliValue(fetched.value);
  const replicas = usageRatioReplicaCount(
    ctx,
    currentReplicas,
    toFloat(usage) / toFloat(milliValue(targetValueMilli)),
  );
  if (!replicas.ok) return replicas;
  return { ok: true, value: { replicas: replicas.value, usageMilli: toFloat(usage) } };
}

/** int64(math.Ceil(x)), saturating where Go's conversion is undefined (and 0 for NaN, from 0/0). */
function ceilToInt64(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x >= toFloat(MAX_INT64)) return MAX_INT64;
  if (x <= toFloat(MIN_INT64)) return MIN_INT64;
  return BigInt(Math.ceil(x));
}

/**
 * An AverageValue target over a whole-workload value (GetObjectPerPodMetricReplicas,
 * GetExternalPerPodMetricReplicas): the tolerance compares against status.replicas, and the
 * proposal is simply ceil(value / target), independent of how many pods exist.
 */
function perPodReplicas(
  tolerances: Tolerances,
  statusReplicas: number,
  usage: bigint,
  targetAverageValue: bigint,
): ValueReplicas {
  let replicas = statusReplicas;
  const ratio = toFloat(usage) / (toFloat(targetAverageValue) * statusReplicas);
  if (!isWithinTolerance(tolerances, ratio)) {
    const proposal = Math.ceil(toFloat(usage) / toFloat(targetAverageValue));
    replicas = proposal > MAX_INT32 ? MAX_INT32 : toInt32(proposal);
  }
  const average =
    toFloat(usage) >= toFloat(MAX_INT64) ? MAX_INT64 : ceilToInt64(toFloat(usage) / statusReplicas);
  return { replicas, usageMilli: toFloat(average) };
}

/** ReplicaCalculator.GetObjectPerPodMetricReplicas: an Object metric with an AverageValue target. */
export function getObjectPerPodMetricReplicas(
  tolerances: Tolerances,
  source: MetricsSource,
  statusReplicas: number,
  targetAverageValueMilli: number,
  metricName: string,
  describedObject: { kind: string; name: string },
): Fetched<ValueReplicas> {
  const fetched = source.object(metricName, describedObject);
  if (!fetched.ok) {
    return {
      ok: false,
      error: ERR.objectFetch(metricName, describedObject.kind, describedObject.name, fetched.error),
    };
  }
  return {
    ok: true,
    value: perPodReplicas(
      tolerances,
      statusReplicas,
      milliValue(fetched.value),
      milliValue(targetAverageValueMilli),
    ),
  };
}

function fetchExternal(source: MetricsSource, metricName: string): Fetched<bigint[]> {
  const fetched = source.external(metricName);
  if (!fetched.ok) return { ok: false, error: ERR.externalFetch(metricName, fetched.error) };
  if (fetched.value.length === 0)
    return { ok: false, error: ERR.externalFetch(metricName, ERR.noExternalMetrics) };
  return { ok: true, value: fetched.value.map(milliValue) };
}

/** int64 addition as Go does it: wrapping. */
function addInt64(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(64, a + b);
}

/** ReplicaCalculator.GetExternalMetricReplicas: an External metric with a Value target (sum of all series). */
export function getExternalMetricReplicas(
  ctx: ReplicaCalcContext,
  source: MetricsSource,
  currentReplicas: number,
  targetValueMilli: number,
  metricName: string,
): Fetched<ValueReplicas> {
  const fetched = fetchExternal(source, metricName);
  if (!fetched.ok) return fetched;
  let usage = 0n;
  for (const v of fetched.value) {
    // The sum saturates at MaxInt64 instead of wrapping into a negative usage.
    if (v > 0n && usage > MAX_INT64 - v) {
      usage = MAX_INT64;
      break;
    }
    usage = addInt64(usage, v);
  }
  const replicas = usageRatioReplicaCount(
    ctx,
    currentReplicas,
    toFloat(usage) / toFloat(milliValue(targetValueMilli)),
  );
  if (!replicas.ok) return replicas;
  return { ok: true, value: { replicas: replicas.value, usageMilli: toFloat(usage) } };
}

/** ReplicaCalculator.GetExternalPerPodMetricReplicas: an External metric with an AverageValue target. */
export function getExternalPerPodMetricReplicas(
  tolerances: Tolerances,
  source: MetricsSource,
  statusReplicas: number,
  targetAverageValueMilli: number,
  metricName: string,
): Fetched<ValueReplicas> {
  const fetched = fetchExternal(source, metricName);
  if (!fetched.ok) return fetched;
  let usage = 0n;
  for (const v of fetched.value) {
    // Kubernetes detects overflow as a negative running sum, so a negative series value
    // saturates the sum too; reproduced as is.
    usage = addInt64(usage, v);
    if (usage < 0n) {
      usage = MAX_INT64;
      break;
    }
  }
  return {
    ok: true,
    value: perPodReplicas(tolerances, statusReplicas, usage, milliValue(targetAverageValueMilli)),
  };
}
