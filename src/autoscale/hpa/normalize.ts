/**
 * From the metrics' proposal to the replica count the controller applies (horizontal.go):
 *
 *   no spec.behavior (legacy):  stabilizeRecommendation -> convertDesiredReplicasWithRules
 *   spec.behavior:              stabilizeRecommendationWithBehaviors -> convertDesiredReplicasWithBehaviorRate
 *
 * Stabilization looks at the recommendations of recent syncs; the second step applies the rate
 * limits and [min, max]. Both are pure here: the recommendation list comes in and goes out.
 */
import { MAX_INT32, MIN_INT32, ceilToInt32, toInt32 } from './arith.js';
import { getReplicasChangePerPeriod } from './events.js';
import { MSG } from './messages.js';
import type {
  AbleToScaleReason,
  ConditionStatus,
  HpaBehavior,
  HpaRules,
  ScaleEvent,
  ScalingLimitedReason,
  TimestampedRecommendation,
} from './types.js';

/** The outcome of the rate/min/max step and the ScalingLimited reason that explains it. */
export interface Limited {
  replicas: number;
  reason: ScalingLimitedReason;
  message: string;
}

const LIMITED_MESSAGE: Record<ScalingLimitedReason, string> = {
  DesiredWithinRange: MSG.desiredWithinRange,
  TooFewReplicas: MSG.tooFewReplicas,
  TooManyReplicas: MSG.tooManyReplicas,
  ScaleUpLimit: MSG.scaleUpLimit,
  ScaleDownLimit: MSG.scaleDownLimit,
};

function limited(replicas: number, reason: ScalingLimitedReason): Limited {
  return { replicas, reason, message: LIMITED_MESSAGE[reason] };
}

/** A stored recommendation list with one more entry, reusing the slot of an expired one if any. */
function record(
  recs: readonly TimestampedRecommendation[],
  oldIndex: number,
  replicas: number,
  nowS: number,
): TimestampedRecommendation[] {
  const next = recs.map((r) => ({ ...r }));
  const rec = { replicas, timestampS: nowS };
  if (oldIndex >= 0) next[oldIndex] = rec;
  else next.push(rec);
  return next;
}

// ---------------------------------------------------------------------------------------------
// Legacy (no spec.behavior), SPEC.md §4
// ---------------------------------------------------------------------------------------------

/**
 * stabilizeRecommendation: the highest recommendation of the downscale window (timestamps at or
 * after now - window), the new one included. It holds scale-downs back and never scale-ups,
 * since a scale-up proposal is itself the highest. Stores the unstabilized proposal.
 */
export function stabilizeRecommendation(
  recs: readonly TimestampedRecommendation[],
  desiredReplicas: number,
  downscaleWindowSeconds: number,
  nowS: number,
): { stabilized: number; recommendations: TimestampedRecommendation[] } {
  const cutoffS = nowS - downscaleWindowSeconds;
  let stabilized = desiredReplicas;
  let oldIndex = -1;
  recs.forEach((r, i) => {
    if (r.timestampS < cutoffS) oldIndex = i;
    else if (r.replicas > stabilized) stabilized = r.replicas;
  });
  return { stabilized, recommendations: record(recs, oldIndex, desiredReplicas, nowS) };
}

/** calculateScaleUpLimit: int32(max(factor x current, minimum)), per sync and without history. */
export function calculateScaleUpLimit(currentReplicas: number, factor: number, minimum: number): number {
  return toInt32(Math.max(factor * currentReplicas, minimum));
}

/**
 * convertDesiredReplicasWithRules: clamp to [min, min(max, scale-up limit)]. The reason names
 * the upper bound that binds (ScaleUpLimit when the rate cap is below max) even if the result is
 * not limited; the caller reports ScalingLimited=True only when the value changed.
 */
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  limits: { scaleUpLimitFactor: number; scaleUpLimitMinimum: number },
): Limited {
  const scaleUpLimit = calculateScaleUpLimit(
    currentReplicas,
    limits.scaleUpLimitFactor,
    limits.scaleUpLimitMinimum,
  );
  const [maximumAllowed, upperReason]: [number, ScalingLimitedReason] =
    maxReplicas > scaleUpLimit ? [scaleUpLimit, 'ScaleUpLimit'] : [maxReplicas, 'TooManyReplicas'];
  if (desiredReplicas < minReplicas) return limited(minReplicas, 'TooFewReplicas');
  if (desiredReplicas > maximumAllowed) return limited(maximumAllowed, upperReason);
  return limited(desiredReplicas, 'DesiredWithinRange');
}

/** What a normalization decided, and the two conditions that explain it. */
export interface Normalized {
  desiredReplicas: number;
  stabilizedReplicas: number;
  ableToScale: { reason: AbleToScaleReason; message: string };
  scalingLimited: { status: ConditionStatus; reason: ScalingLimitedReason; message: string };
  recommendations: TimestampedRecommendation[];
}

function explain(
  proposal: number,
  stabilized: number,
  stabilizedReason: { reason: AbleToScaleReason; message: string },
  result: Limited,
  recommendations: TimestampedRecommendation[],
): Normalized {
  return {
    desiredReplicas: result.replicas,
    stabilizedReplicas: stabilized,
    ableToScale:
      stabilized !== proposal
        ? stabilizedReason
        : { reason: 'ReadyForNewScale', message: MSG.readyForNewScale },
    scalingLimited: {
      status: result.replicas === stabilized ? 'False' : 'True',
      reason: result.reason,
      message: result.message,
    },
    recommendations,
  };
}

/** normalizeDesiredReplicas: the legacy path (no spec.behavior). */
export function normalizeLegacy(args: {
  currentReplicas: number;
  proposal: number;
  minReplicas: number;
  maxReplicas: number;
  recommendations: readonly TimestampedRecommendation[];
  downscaleStabilizationSeconds: number;
  scaleUpLimitFactor: number;
  scaleUpLimitMinimum: number;
  nowS: number;
}): Normalized {
  const s = stabilizeRecommendation(
    args.recommendations,
    args.proposal,
    args.downscaleStabilizationSeconds,
    args.nowS,
  );
  const result = convertDesiredReplicasWithRules(
    args.currentReplicas,
    s.stabilized,
    args.minReplicas,
    args.maxReplicas,
    args,
  );
  return explain(
    args.proposal,
    s.stabilized,
    { reason: 'ScaleDownStabilized', message: MSG.scaleDownStabilized },
    result,
    s.recommendations,
  );
}

// ---------------------------------------------------------------------------------------------
// With spec.behavior, SPEC.md §5
// ---------------------------------------------------------------------------------------------

/**
 * stabilizeRecommendationWithBehaviors: a scale-up may go no higher than the lowest
 * recommendation of the scale-up window, a scale-down no lower than the highest of the
 * scale-down window (timestamps strictly after now - window), so a short spike neither way moves
 * the workload. The current count is brought into [up, down]. Stores the unstabilized proposal,
 * reusing a slot that both windows have left behind.
 */
export function stabilizeRecommendationWithBehaviors(
  recs: readonly TimestampedRecommendation[],
  args: {
    currentReplicas: number;
    desiredReplicas: number;
    scaleUpWindowSeconds: number;
    scaleDownWindowSeconds: number;
  },
  nowS: number,
): {
  stabilized: number;
  reason: 'ScaleUpStabilized' | 'ScaleDownStabilized';
  message: string;
  recommendations: TimestampedRecommendation[];
} {
  const upCutoffS = nowS - args.scaleUpWindowSeconds;
  const downCutoffS = nowS - args.scaleDownWindowSeconds;
  let up = args.desiredReplicas;
  let down = args.desiredReplicas;
  let oldIndex = -1;
  recs.forEach((r, i) => {
    if (r.timestampS > upCutoffS) up = Math.min(up, r.replicas);
    if (r.timestampS > downCutoffS) down = Math.max(down, r.replicas);
    if (r.timestampS < upCutoffS && r.timestampS < downCutoffS) oldIndex = i;
  });
  let stabilized = args.currentReplicas;
  if (stabilized < up) stabilized = up;
  if (stabilized > down) stabilized = down;
  const scalingUp = args.desiredReplicas >= args.currentReplicas;
  return {
    stabilized,
    reason: scalingUp ? 'ScaleUpStabilized' : 'ScaleDownStabilized',
    message: scalingUp ? MSG.scaleUpStabilized : MSG.scaleDownStabilized,
    recommendations: record(recs, oldIndex, args.desiredReplicas, nowS),
  };
}

/** The replica count at the start of a policy's period: undo the changes made within it. */
function periodStartReplicas(
  currentReplicas: number,
  periodSeconds: number,
  scaleUpEvents: readonly ScaleEvent[],
  scaleDownEvents: readonly ScaleEvent[],
  nowS: number,
): number {
  return (
    currentReplicas -
    getReplicasChangePerPeriod(periodSeconds, scaleUpEvents, nowS) +
    getReplicasChangePerPeriod(periodSeconds, scaleDownEvents, nowS)
  );
}

/**
 * calculateScaleUpLimitWithScalingRules: the highest count the policies allow now. Percent
 * rounds up so a small workload can always grow; selectPolicy Max takes the most permissive
 * policy, Min the most restrictive, Disabled forbids scaling up.
 */
export function calculateScaleUpLimitWithScalingRules(
  currentReplicas: number,
  scaleUpEvents: readonly ScaleEvent[],
  scaleDownEvents: readonly ScaleEvent[],
  rules: HpaRules,
  nowS: number,
): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? MAX_INT32 : MIN_INT32;
  for (const policy of rules.policies) {
    const start = periodStartReplicas(
      currentReplicas,
      policy.periodSeconds,
      scaleUpEvents,
      scaleDownEvents,
      nowS,
    );
    const proposed =
      policy.type === 'Pods' ? start + policy.value : ceilToInt32(start * (1 + policy.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/**
 * calculateScaleDownLimitWithBehaviors: the lowest count the policies allow now. Percent
 * truncates toward zero; selectPolicy Max takes the largest change (the lowest count), Min the
 * smallest, Disabled forbids scaling down.
 */
export function calculateScaleDownLimitWithBehaviors(
  currentReplicas: number,
  scaleUpEvents: readonly ScaleEvent[],
  scaleDownEvents: readonly ScaleEvent[],
  rules: HpaRules,
  nowS: number,
): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const pickMax = rules.selectPolicy === 'Min';
  let result = pickMax ? MIN_INT32 : MAX_INT32;
  for (const policy of rules.policies) {
    const start = periodStartReplicas(
      currentReplicas,
      policy.periodSeconds,
      scaleUpEvents,
      scaleDownEvents,
      nowS,
    );
    const proposed =
      policy.type === 'Pods' ? start - policy.value : toInt32(start * (1 - policy.value / 100));
    result = pickMax ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/**
 * convertDesiredReplicasWithBehaviorRate: clamp the stabilized count by the rate limit and
 * [min, max] in the direction of the change. A limit behind the current count (events since
 * rolled back) holds the count rather than reversing it. When desired equals current nothing is
 * clamped, not even to [min, max].
 */
export function convertDesiredReplicasWithBehaviorRate(args: {
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  scaleUp: HpaRules;
  scaleDown: HpaRules;
  scaleUpEvents: readonly ScaleEvent[];
  scaleDownEvents: readonly ScaleEvent[];
  nowS: number;
}): Limited {
  const { currentReplicas: current, desiredReplicas: desired } = args;
  if (desired > current) {
    const limit = Math.max(
      calculateScaleUpLimitWithScalingRules(
        current,
        args.scaleUpEvents,
        args.scaleDownEvents,
        args.scaleUp,
        args.nowS,
      ),
      current,
    );
    const [maximumAllowed, reason]: [number, ScalingLimitedReason] =
      args.maxReplicas > limit ? [limit, 'ScaleUpLimit'] : [args.maxReplicas, 'TooManyReplicas'];
    if (desired > maximumAllowed) return limited(maximumAllowed, reason);
  } else if (desired < current) {
    const limit = Math.min(
      calculateScaleDownLimitWithBehaviors(
        current,
        args.scaleUpEvents,
        args.scaleDownEvents,
        args.scaleDown,
        args.nowS,
      ),
      current,
    );
    const [minimumAllowed, reason]: [number, ScalingLimitedReason] =
      args.minReplicas < limit ? [limit, 'ScaleDownLimit'] : [args.minReplicas, 'TooFewReplicas'];
    if (desired < minimumAllowed) return limited(minimumAllowed, reason);
  }
  return limited(desired, 'DesiredWithinRange');
}

/**
 * normalizeDesiredReplicasWithBehaviors. A scale-down window left unset takes the
 * --horizontal-pod-autoscaler-downscale-stabilization flag (maybeInitScaleDownStabilizationWindow).
 */
export function normalizeWithBehavior(args: {
  currentReplicas: number;
  proposal: number;
  minReplicas: number;
  maxReplicas: number;
  behavior: HpaBehavior;
  recommendations: readonly TimestampedRecommendation[];
  scaleUpEvents: readonly ScaleEvent[];
  scaleDownEvents: readonly ScaleEvent[];
  downscaleStabilizationSeconds: number;
  nowS: number;
}): Normalized {
  const { behavior } = args;
  const s = stabilizeRecommendationWithBehaviors(
    args.recommendations,
    {
      currentReplicas: args.currentReplicas,
      desiredReplicas: args.proposal,
      // API defaulting always sets the scale-up window; 0 is its default.
      scaleUpWindowSeconds: behavior.scaleUp.stabilizationWindowSeconds ?? 0,
      scaleDownWindowSeconds:
        behavior.scaleDown.stabilizationWindowSeconds ?? args.downscaleStabilizationSeconds,
    },
    args.nowS,
  );
  const result = convertDesiredReplicasWithBehaviorRate({
    currentReplicas: args.currentReplicas,
    desiredReplicas: s.stabilized,
    minReplicas: args.minReplicas,
    maxReplicas: args.maxReplicas,
    scaleUp: behavior.scaleUp,
    scaleDown: behavior.scaleDown,
    scaleUpEvents: args.scaleUpEvents,
    scaleDownEvents: args.scaleDownEvents,
    nowS: args.nowS,
  });
  return explain(
    args.proposal,
    s.stabilized,
    { reason: s.reason, message: s.message },
    result,
    s.recommendations,
  );
}
