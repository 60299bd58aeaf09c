/**
 * One proposal per metric of the HPA, and their combination (horizontal.go:
 * computeReplicasForMetrics, computeReplicasForMetric, computeStatusFor*Metric, tolerancesForHpa).
 */
import { ERR, METRIC_NAME, MSG } from './messages.js';
import {
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
  getRawResourceReplicas,
  getResourceReplicas,
  type ReplicaCalcContext,
} from './replicas.js';
import type {
  ControllerConfig,
  HpaSpec,
  MetricFailureReason,
  MetricSpec,
  MetricStatus,
  MetricTarget,
  MetricsSource,
  ResourceName,
  Tolerances,
} from './types.js';

/**
 * tolerancesForHpa: the flag in both directions, overridden per direction by
 * spec.behavior.scaleUp/scaleDown.tolerance when the HPAConfigurableTolerance gate is on.
 */
export function tolerancesForHpa(spec: HpaSpec, config: ControllerConfig): Tolerances {
  const t = { scaleUp: config.tolerance, scaleDown: config.tolerance };
  if (spec.behavior === null || !config.featureGates.HPAConfigurableTolerance) return t;
  return {
    scaleUp: spec.behavior.scaleUp.tolerance ?? t.scaleUp,
    scaleDown: spec.behavior.scaleDown.tolerance ?? t.scaleDown,
  };
}

export type MetricProposal =
  | { ok: true; replicas: number; metricName: string; status: MetricStatus }
  | {
      ok: false;
      /** The error computeReplicasForMetric returns. */
      error: string;
      /** The ScalingActive=False condition it proposes. */
      reason: MetricFailureReason;
      message: string;
      status: MetricStatus;
    };

interface MetricInputs {
  ctx: ReplicaCalcContext;
  source: MetricsSource;
  specReplicas: number;
  statusReplicas: number;
}

function failed(
  spec: MetricSpec,
  reason: MetricFailureReason,
  conditionError: string,
  error: string,
): MetricProposal {
  return {
    ok: false,
    error,
    reason,
    message: MSG.unableToCompute(conditionError),
    status: { spec, currentValueMilli: null, currentUtilization: null, proposal: null, error },
  };
}

function succeeded(
  spec: MetricSpec,
  replicas: number,
  metricName: string,
  currentValueMilli: number,
  currentUtilization: number | null = null,
): MetricProposal {
  return {
    ok: true,
    replicas,
    metricName,
    status: { spec, currentValueMilli, currentUtilization, proposal: replicas, error: null },
  };
}

/** A target type the API would have rejected; the switches below are exhaustive at compile time only. */
function targetType(t: never): string {
  return String((t as { type?: unknown } | null)?.type);
}

/** computeStatusForResourceMetricGeneric, for Resource and ContainerResource metrics. */
function resourceProposal(
  spec: MetricSpec,
  inputs: MetricInputs,
  resource: ResourceName,
  container: string | null,
  target: MetricTarget,
): MetricProposal {
  const reason: MetricFailureReason =
    container === null ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
  const fail = (conditionError: string) =>
    failed(
      spec,
      reason,
      conditionError,
      container === null
        ? ERR.resourceMetricValue(resource, conditionError)
        : ERR.containerMetricValue(container, conditionError),
    );
  switch (target.type) {
    case 'AverageValue': {
      const r = getRawResourceReplicas(
        inputs.ctx,
        inputs.source,
        inputs.specReplicas,
        target.averageValueMilli,
        resource,
        container,
      );
      if (!r.ok) return fail(ERR.resourceUsage(resource, r.error));
      return succeeded(spec, r.value.replicas, METRIC_NAME.resourceValue(resource), r.value.usageMilli);
    }
    case 'Utilization': {
      const r = getResourceReplicas(
        inputs.ctx,
        inputs.source,
        inputs.specReplicas,
        target.averageUtilization,
        resource,
        container,
      );
      if (!r.ok) return fail(ERR.resourceUtilization(resource, r.error));
      const name =
        container === null
          ? METRIC_NAME.resourceUtilization(resource)
          : METRIC_NAME.containerResourceUtilization(resource);
      return succeeded(spec, r.value.replicas, name, r.value.rawAverageValueMilli, r.value.utilization);
    }
    case 'Value':
      return fail(ERR.invalidResourceTarget);
    default:
      targetType(target);
      return fail(ERR.invalidResourceTarget);
  }
}

/** computeStatusForPodsMetric. */
function podsProposal(spec: MetricSpec & { type: 'Pods' }, inputs: MetricInputs): MetricProposal {
  const { metricName, target } = spec.pods;
  if (target.type !== 'AverageValue') {
    return failed(
      spec,
      'FailedGetPodsMetric',
      ERR.invalidPodsTarget,
      ERR.podsMetricValue(ERR.invalidPodsTarget),
    );
  }
  const r = getMetricReplicas(
    inputs.ctx,
    inputs.source,
    inputs.specReplicas,
    target.averageValueMilli,
    metricName,
  );
  if (!r.ok) return failed(spec, 'FailedGetPodsMetric', r.error, ERR.podsMetricValue(r.error));
  return succeeded(spec, r.value.replicas, METRIC_NAME.pods(metricName), r.value.usageMilli);
}

/** computeStatusForObjectMetric: Value scales spec.replicas' ready pods, AverageValue status.replicas. */
function objectProposal(spec: MetricSpec & { type: 'Object' }, inputs: MetricInputs): MetricProposal {
  const { metricName, describedObject, target } = spec.object;
  const fail = (conditionError: string, error: string) =>
    failed(spec, 'FailedGetObjectMetric', conditionError, ERR.objectMetricValue(error));
  switch (target.type) {
    case 'Value': {
      const r = getObjectMetricReplicas(
        inputs.ctx,
        inputs.source,
        inputs.specReplicas,
        target.valueMilli,
        metricName,
        describedObject,
      );
      if (!r.ok) return fail(r.error, r.error);
      return succeeded(
        spec,
        r.value.replicas,
        METRIC_NAME.object(describedObject.kind, metricName),
        r.value.usageMilli,
      );
    }
    case 'AverageValue': {
      const r = getObjectPerPodMetricReplicas(
        inputs.ctx.tolerances,
        inputs.source,
        inputs.statusReplicas,
        target.averageValueMilli,
        metricName,
        describedObject,
      );
      if (!r.ok) return fail(r.error, ERR.objectPerPodMetric(metricName, r.error));
      // Kubernetes describes an Object AverageValue metric as an "external metric".
      return succeeded(spec, r.value.replicas, METRIC_NAME.external(metricName), r.value.usageMilli);
    }
    case 'Utilization':
      return fail(ERR.invalidObjectTarget, ERR.invalidObjectTarget);
    default:
      targetType(target);
      return fail(ERR.invalidObjectTarget, ERR.invalidObjectTarget);
  }
}

/** computeStatusForExternalMetric: an AverageValue target wins when set. */
function externalProposal(spec: MetricSpec & { type: 'External' }, inputs: MetricInputs): MetricProposal {
  const { metricName, target } = spec.external;
  const fail = (conditionError: string, error: string) =>
    failed(spec, 'FailedGetExternalMetric', conditionError, ERR.externalMetricValue(metricName, error));
  switch (target.type) {
    case 'AverageValue': {
      const r = getExternalPerPodMetricReplicas(
        inputs.ctx.tolerances,
        inputs.source,
        inputs.statusReplicas,
        target.averageValueMilli,
        metricName,
      );
      if (!r.ok) return fail(r.error, ERR.externalPerPodMetric(metricName, r.error));
      return succeeded(spec, r.value.replicas, METRIC_NAME.external(metricName), r.value.usageMilli);
    }
    case 'Value': {
      const r = getExternalMetricReplicas(
        inputs.ctx,
        inputs.source,
        inputs.specReplicas,
        target.valueMilli,
        metricName,
      );
      if (!r.ok) return fail(r.error, ERR.externalValueMetric(metricName, r.error));
      return succeeded(spec, r.value.replicas, METRIC_NAME.external(metricName), r.value.usageMilli);
    }
    case 'Utilization':
      return fail(ERR.invalidExternalTarget, ERR.invalidExternalTarget);
    default:
      targetType(target);
      return fail(ERR.invalidExternalTarget, ERR.invalidExternalTarget);
  }
}

/** computeReplicasForMetric: dispatch on the metric source type. */
export function computeReplicasForMetric(spec: MetricSpec, inputs: MetricInputs): MetricProposal {
  switch (spec.type) {
    case 'Resource':
      return resourceProposal(spec, inputs, spec.resource.name, null, spec.resource.target);
    case 'ContainerResource':
      return resourceProposal(
        spec,
        inputs,
        spec.containerResource.name,
        spec.containerResource.container,
        spec.containerResource.target,
      );
    case 'Pods':
      return podsProposal(spec, inputs);
    case 'Object':
      return objectProposal(spec, inputs);
    case 'External':
      return externalProposal(spec, inputs);
    default: {
      // API validation rejects unknown source types; the controller still guards against them.
      const error = ERR.unknownMetricType(targetType(spec));
      return failed(spec, 'InvalidMetricSourceType', error, error);
    }
  }
}

export type MetricsProposal =
  | { ok: true; replicas: number; metricName: string; statuses: MetricStatus[]; partialError: string | null }
  | {
      ok: false;
      error: string;
      /** The first failure's condition; null when there were no metrics at all. */
      condition: { reason: MetricFailureReason; message: string } | null;
      statuses: MetricStatus[];
    };

/**
 * computeReplicasForMetrics: the largest proposal, so the metric that needs the most replicas
 * wins. Failed metrics are skipped, unless all failed or the survivors would scale below
 * spec.replicas: scaling down on partial information could remove capacity a failing metric
 * needs, so the sync fails instead, with the first failure's condition.
 */
export function computeReplicasForMetrics(
  metrics: readonly MetricSpec[],
  inputs: MetricInputs,
): MetricsProposal {
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let firstFailure: (MetricProposal & { ok: false }) | null = null;
  const statuses: MetricStatus[] = [];
  for (const spec of metrics) {
    const p = computeReplicasForMetric(spec, inputs);
    statuses.push(p.status);
    if (!p.ok) {
      if (firstFailure === null) firstFailure = p;
      invalid++;
      continue;
    }
    // A zero so far is replaced even by an equal proposal: ties go to the first non-zero metric.
    if (replicas === 0 || p.replicas > replicas) {
      replicas = p.replicas;
      metricName = p.metricName;
    }
  }
  const error = firstFailure ? ERR.invalidMetrics(invalid, metrics.length, firstFailure.error) : null;
  if (invalid >= metrics.length || (invalid > 0 && replicas < inputs.specReplicas)) {
    return {
      ok: false,
      error: error ?? ERR.noMetrics,
      condition: firstFailure ? { reason: firstFailure.reason, message: firstFailure.message } : null,
      statuses,
    };
  }
  return { ok: true, replicas, metricName, statuses, partialError: error };
}
