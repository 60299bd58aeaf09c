/**
 * One sync of one HPA (horizontal.go reconcileAutoscaler, Kubernetes v1.37), as a pure function:
 * the controller's per-HPA memory comes in as `state` and goes out as `nextState`.
 *
 *   read scale -> seed recommendations
 *     -> replicas 0:          scale from zero only if allowed (ScaledToZero), else disabled
 *     -> outside [min, max]:  clamp, no metrics
 *     -> otherwise:           proposal = max over metrics -> normalize (legacy | behavior)
 *   -> rescale if desired != current -> record the scale event, ScaledToZero, lastScaleTime
 */
import { conditionIsTrue, removeCondition, setCondition } from './conditions.js';
import { storeScaleEvent } from './events.js';
import { MSG } from './messages.js';
import { computeReplicasForMetrics, tolerancesForHpa } from './metrics.js';
import { normalizeLegacy, normalizeWithBehavior, type Normalized } from './normalize.js';
import type {
  ControllerConfig,
  HpaCondition,
  HpaSpec,
  HpaState,
  MetricStatus,
  MetricsSource,
  PodView,
  SyncReason,
  SyncResult,
  TimestampedRecommendation,
} from './types.js';

/** hasObjectOrExternalMetrics: only such metrics can be read while no pod exists. */
function hasObjectOrExternalMetrics(spec: HpaSpec): boolean {
  return spec.metrics.some((m) => m.type === 'Object' || m.type === 'External');
}

/**
 * Runs one sync. `specReplicas` is the scale's spec.replicas (the count the HPA last set or a
 * user did), `statusReplicas` its status.replicas (pods that exist). The scale update is assumed
 * to succeed whenever the desired count differs from the current one.
 */
export function syncHpa(
  spec: HpaSpec,
  specReplicas: number,
  statusReplicas: number,
  pods: PodView[],
  metrics: MetricsSource,
  state: HpaState,
  config: ControllerConfig,
  nowS: number,
): SyncResult {
  // 1. The scale was read; seed the history on the first sync, so a scale-down waits for one
  //    stabilization window after the controller starts (recordInitialRecommendation).
  let conditions = setCondition(
    state.conditions,
    'AbleToScale',
    'True',
    'SucceededGetScale',
    MSG.succeededGetScale,
  );
  const current = specReplicas;
  let recommendations: TimestampedRecommendation[] = (
    state.recommendations ?? [{ replicas: current, timestampS: nowS }]
  ).map((r) => ({ ...r }));
  const min = spec.minReplicas;
  const gates = config.featureGates;
  const hasObjectOrExternal = hasObjectOrExternalMetrics(spec);
  const scaledToZero = gates.HPAScaleToZero && conditionIsTrue(conditions, 'ScaledToZero');

  let desired = 0;
  let rescaleReason = '';
  let proposal: number | null = null;
  let statuses: MetricStatus[] = [];
  let reason: SyncReason = 'DesiredWithinRange';
  let message = '';
  let computeMetrics = true;
  let disabled = false;
  let withoutScaleDownStabilization: number | null = null;

  // 2. Cases decided without metrics.
  if (current === 0) {
    // shouldComputeMetricsForZeroReplicas: a workload at zero stays there (someone scaled it
    // down by hand) unless this HPA scaled it to zero and can see a reason to come back.
    computeMetrics = (min !== 0 && scaledToZero) || (scaledToZero && hasObjectOrExternal);
    if (!computeMetrics) {
      disabled = true;
      conditions = setCondition(conditions, 'ScalingActive', 'False', 'ScalingDisabled', MSG.scalingDisabled);
      if (!gates.HPAScaleToZero) conditions = removeCondition(conditions, 'ScaledToZero');
      reason = 'ScalingDisabled';
      message = MSG.scalingDisabled;
    }
  } else if (current > spec.maxReplicas) {
    rescaleReason = MSG.aboveMaxReplicas;
    desired = spec.maxReplicas;
    computeMetrics = false;
    reason = 'TooManyReplicas';
    message = MSG.tooManyReplicas;
  } else if (current < min) {
    rescaleReason = MSG.belowMinReplicas;
    desired = min;
    computeMetrics = false;
    reason = 'TooFewReplicas';
    message = MSG.tooFewReplicas;
  }

  // 3. The metrics' proposal, normalized.
  if (computeMetrics) {
    const computed = computeReplicasForMetrics(spec.metrics, {
      ctx: {
        pods,
        nowS,
        tolerances: tolerancesForHpa(spec, config),
        cpuInitializationPeriodSeconds: config.cpuInitializationPeriodSeconds,
        initialReadinessDelaySeconds: config.initialReadinessDelaySeconds,
        podLevelResources: gates.PodLevelResources,
      },
      source: metrics,
      specReplicas: current,
      statusReplicas,
    });
    statuses = computed.statuses;
    if (!computed.ok) {
      // No scaling on failure; the history keeps only the seed (FailedComputeMetricsReplicas).
      if (computed.condition) {
        conditions = setCondition(
          conditions,
          'ScalingActive',
          'False',
          computed.condition.reason,
          computed.condition.message,
        );
      }
      return {
        desiredReplicas: current,
        scaled: false,
        previousReplicas: current,
        proposal: null,
        metrics: statuses,
        conditions,
        reason: computed.condition?.reason ?? 'FailedComputeMetricsReplicas',
        message: computed.error,
        desiredWithoutScaleDownStabilization: null,
        nextState: { ...copyState(state), recommendations, conditions },
      };
    }
    conditions = setCondition(
      conditions,
      'ScalingActive',
      'True',
      'ValidMetricFound',
      MSG.validMetricFound(computed.metricName),
    );
    proposal = computed.replicas;

    let rescaleMetric = '';
    if (proposal > desired) {
      desired = proposal;
      rescaleMetric = computed.metricName;
    }
    if (desired > current) rescaleReason = MSG.metricAboveTarget(rescaleMetric);
    if (desired < current) rescaleReason = MSG.allMetricsBelowTarget;

    // The same normalization with no scale-down window tells what the window alone holds back.
    const normalize = (scaleDownWindow: boolean): Normalized =>
      spec.behavior === null
        ? normalizeLegacy({
            currentReplicas: current,
            proposal: desired,
            minReplicas: min,
            maxReplicas: spec.maxReplicas,
            recommendations,
            downscaleStabilizationSeconds: scaleDownWindow ? config.downscaleStabilizationSeconds : 0,
            scaleUpLimitFactor: config.scaleUpLimitFactor,
            scaleUpLimitMinimum: config.scaleUpLimitMinimum,
            nowS,
          })
        : normalizeWithBehavior({
            currentReplicas: current,
            proposal: desired,
            minReplicas: min,
            maxReplicas: spec.maxReplicas,
            behavior: scaleDownWindow
              ? spec.behavior
              : {
                  ...spec.behavior,
                  scaleDown: { ...spec.behavior.scaleDown, stabilizationWindowSeconds: 0 },
                },
            recommendations,
            scaleUpEvents: state.scaleUpEvents,
            scaleDownEvents: state.scaleDownEvents,
            downscaleStabilizationSeconds: config.downscaleStabilizationSeconds,
            nowS,
          });
    const n = normalize(true);
    withoutScaleDownStabilization = normalize(false).desiredReplicas;
    recommendations = n.recommendations;
    conditions = setCondition(conditions, 'AbleToScale', 'True', n.ableToScale.reason, n.ableToScale.message);
    conditions = setCondition(
      conditions,
      'ScalingLimited',
      n.scalingLimited.status,
      n.scalingLimited.reason,
      n.scalingLimited.message,
    );
    desired = n.desiredReplicas;
    ({ reason, message } = explainingCondition(n));

    // Coming back from zero with minReplicas raised meanwhile: at least min.
    if (current === 0 && min !== 0 && scaledToZero && desired < min) {
      desired = min;
      if (rescaleReason === '') rescaleReason = MSG.belowMinReplicas;
    }
    if (current === 0 && min !== 0 && scaledToZero)
      withoutScaleDownStabilization = Math.max(withoutScaleDownStabilization, min);
  }

  // 4. Rescale. Clamping into [min, max] always changes the count; a disabled HPA never scales.
  const rescale = !disabled && (!computeMetrics || desired !== current);
  let events = { scaleUpEvents: state.scaleUpEvents, scaleDownEvents: state.scaleDownEvents };
  let lastScaleTimeS = state.lastScaleTimeS;
  if (rescale) {
    conditions = setCondition(
      conditions,
      'AbleToScale',
      'True',
      'SucceededRescale',
      MSG.succeededRescale(desired),
    );
    events = storeScaleEvent(spec.behavior, events, current, desired, nowS);
    // Set on every rescale so the condition is never stale.
    if (gates.HPAScaleToZero) {
      conditions =
        current > 0 && desired === 0 && min === 0 && hasObjectOrExternal
          ? setCondition(conditions, 'ScaledToZero', 'True', 'ScaledToZero', MSG.scaledToZero)
          : setCondition(conditions, 'ScaledToZero', 'False', 'NotScaledToZero', MSG.notScaledToZero);
    } else {
      conditions = removeCondition(conditions, 'ScaledToZero');
    }
    lastScaleTimeS = nowS;
    message = MSG.rescaleEvent(desired, rescaleReason);
  } else {
    desired = current;
  }

  return {
    desiredReplicas: desired,
    scaled: rescale,
    previousReplicas: current,
    proposal,
    metrics: statuses,
    conditions,
    reason,
    message,
    desiredWithoutScaleDownStabilization: withoutScaleDownStabilization,
    nextState: {
      recommendations,
      scaleUpEvents: events.scaleUpEvents.map((e) => ({ ...e })),
      scaleDownEvents: events.scaleDownEvents.map((e) => ({ ...e })),
      conditions,
      lastScaleTimeS,
    },
  };
}

/** The condition that explains a normalization: a limit that bit, else stabilization, else none. */
function explainingCondition(n: Normalized): { reason: SyncReason; message: string } {
  if (n.scalingLimited.status === 'True') return n.scalingLimited;
  if (n.ableToScale.reason === 'ScaleUpStabilized' || n.ableToScale.reason === 'ScaleDownStabilized') {
    return { reason: n.ableToScale.reason, message: n.ableToScale.message };
  }
  return n.scalingLimited;
}

function copyState(state: HpaState): HpaState {
  return {
    recommendations: state.recommendations?.map((r) => ({ ...r })) ?? null,
    scaleUpEvents: state.scaleUpEvents.map((e) => ({ ...e })),
    scaleDownEvents: state.scaleDownEvents.map((e) => ({ ...e })),
    conditions: state.conditions.map((c: HpaCondition) => ({ ...c })),
    lastScaleTimeS: state.lastScaleTimeS,
  };
}
