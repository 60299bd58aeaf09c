/**
 * The scale-event history that `spec.behavior` rate limits read (horizontal.go:
 * getReplicasChangePerPeriod, markScaleEventsOutdated, getLongestPolicyPeriod, storeScaleEvent).
 * Pure: every function returns new lists.
 */
import type { HpaBehavior, HpaRules, ScaleEvent } from './types.js';

/** getReplicasChangePerPeriod: replicas changed by events strictly inside (now - period, now]. */
export function getReplicasChangePerPeriod(
  periodSeconds: number,
  events: readonly ScaleEvent[],
  nowS: number,
): number {
  const cutoffS = nowS - periodSeconds;
  let change = 0;
  for (const e of events) if (e.timestampS > cutoffS) change += e.replicaChange;
  return change;
}

/** getLongestPolicyPeriod: how far back any policy of this direction looks. */
export function getLongestPolicyPeriod(rules: HpaRules): number {
  let longest = 0;
  for (const p of rules.policies) if (p.periodSeconds > longest) longest = p.periodSeconds;
  return longest;
}

/** markScaleEventsOutdated: events older than the longest period can no longer matter to any policy. */
export function markScaleEventsOutdated(
  events: readonly ScaleEvent[],
  longestPeriodSeconds: number,
  nowS: number,
): ScaleEvent[] {
  const cutoffS = nowS - longestPeriodSeconds;
  return events.map((e) => (e.timestampS < cutoffS ? { ...e, outdated: true } : { ...e }));
}

export interface ScaleEvents {
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

/**
 * storeScaleEvent: after a successful rescale, record |new - prev| in its direction's history,
 * overwriting the last outdated slot so the list stays as short as the longest policy period
 * needs. Without behavior nothing is kept: the legacy normalization has no memory of scale events.
 */
export function storeScaleEvent(
  behavior: HpaBehavior | null,
  events: ScaleEvents,
  prevReplicas: number,
  newReplicas: number,
  nowS: number,
): ScaleEvents {
  const copy = {
    scaleUpEvents: events.scaleUpEvents.map((e) => ({ ...e })),
    scaleDownEvents: events.scaleDownEvents.map((e) => ({ ...e })),
  };
  if (behavior === null) return copy;
  const up = newReplicas > prevReplicas;
  const rules = up ? behavior.scaleUp : behavior.scaleDown;
  const list = markScaleEventsOutdated(
    up ? copy.scaleUpEvents : copy.scaleDownEvents,
    getLongestPolicyPeriod(rules),
    nowS,
  );
  const event: ScaleEvent = {
    replicaChange: Math.abs(newReplicas - prevReplicas),
    timestampS: nowS,
    outdated: false,
  };
  let slot = -1;
  for (let i = 0; i < list.length; i++) if (list[i].outdated) slot = i;
  if (slot >= 0) list[slot] = event;
  else list.push(event);
  return up ? { ...copy, scaleUpEvents: list } : { ...copy, scaleDownEvents: list };
}
