/**
 * The scalers' outputs (KEDA.md section 2) and the error fallback (section 5), pure.
 *   redis (list):  value = LLEN, active = value > activationListLength
 *   prometheus:    value = the single sample; an empty result, NaN or Inf reads 0 when
 *                  ignoreNullValues, else it is an error; active = value > activationThreshold
 * The value the HPA gets is in milli units: negative, NaN or Inf send 0 (quantityFromFloat64).
 */
import type { KedaFallback, KedaTrigger, RawReading, ScalerResult, TriggerHealth } from './types.js';

export function scalerResult(trigger: KedaTrigger, reading: RawReading): ScalerResult {
  if (!reading.ok) return { value: 0, active: false, error: reading.error };
  let v = reading.value;
  if (v === null || !Number.isFinite(v)) {
    if (trigger.type === 'prometheus' && !trigger.ignoreNullValues) {
      return {
        value: 0,
        active: false,
        error: `prometheus query ${trigger.query} returned ${v === null ? 'an empty result' : String(v)}`,
      };
    }
    v = 0;
  }
  const activation = trigger.type === 'redis' ? trigger.activationListLength : trigger.activationThreshold;
  return { value: v, active: v > activation, error: null };
}

/** The target in milli units: the integer listLength, or the threshold at milli precision. */
export function targetMilli(trigger: KedaTrigger): number {
  return trigger.type === 'redis' ? trigger.listLength * 1000 : Math.trunc(trigger.threshold * 1000);
}

/** quantityFromFloat64: milli units, truncated; negative, NaN or Inf send 0. */
export function quantityMilli(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.trunc(value * 1000) : 0;
}

export interface Filtered {
  value: number;
  /** The fallback replaced the value (the trigger counts as active). */
  fallback: boolean;
  error: string | null;
  health: TriggerHealth;
}

/**
 * pkg/fallback: a success resets the failures; an error counts one more, and past
 * failureThreshold the value becomes target x R, which makes the HPA's count R.
 */
export function fallbackFilter(
  fallback: KedaFallback | null,
  trigger: KedaTrigger,
  result: ScalerResult,
  health: TriggerHealth,
  currentReplicas: number,
  readyPods: number,
): Filtered {
  if (result.error === null)
    return {
      value: result.value,
      fallback: false,
      error: null,
      health: { numberOfFailures: 0, status: 'Happy' },
    };
  if (!fallback) return { value: 0, fallback: false, error: result.error, health };
  const failures = health.numberOfFailures + 1;
  const next: TriggerHealth = { numberOfFailures: failures, status: 'Failing' };
  if (failures <= fallback.failureThreshold)
    return { value: 0, fallback: false, error: result.error, health: next };
  const r = fallbackReplicas(fallback, currentReplicas);
  const target = targetMilli(trigger) / 1000;
  if (trigger.metricType === 'Value') {
    if (readyPods === 0)
      return { value: 0, fallback: false, error: `${result.error} (fallback: no ready pods)`, health: next };
    return { value: (target * r) / readyPods, fallback: true, error: null, health: next };
  }
  return { value: target * r, fallback: true, error: null, health: next };
}

export function fallbackReplicas(f: KedaFallback, cur: number): number {
  switch (f.behavior) {
    case 'static':
      return f.replicas;
    case 'currentReplicas':
      return cur;
    case 'currentReplicasIfHigher':
      return Math.max(cur, f.replicas);
    case 'currentReplicasIfLower':
      return Math.min(cur, f.replicas);
  }
}
