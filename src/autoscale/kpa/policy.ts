/**
 * The Knative Pod Autoscaler as a registry policy (reference/autoscalers/KPA.md). One call per
 * second ('scrape'): the revision's concurrency (or RPS) goes into the stable and panic windows;
 * every other second (the decider's 2 s tick), or at once when the decider last wanted 0 and
 * traffic arrives (the multiscaler's Poke), the decider runs on the window averages and the PA
 * reconciler turns its count into replicas. A 'requeue' call is a reconcile the scaler asked for.
 */
import type { Policy } from '../policy.js';
import { createDecider, scale, type DeciderSpec } from './decider.js';
import { reconcilePa } from './reconciler.js';
import type { KpaDecision, KpaObservation, KpaSpec, KpaState } from './types.js';
import { bucketWindow, hasData, record, windowAverage } from './window.js';

/** The scrape interval and bucket size of the metric windows. */
export const KPA_SCRAPE_S = 1;

/** The panic window: round(stable x percentage), at least one bucket. */
export function panicWindowSeconds(spec: KpaSpec): number {
  return Math.max(KPA_SCRAPE_S, Math.round((spec.stableWindowSeconds * spec.panicWindowPercentage) / 100));
}

/** ResolveMetricTarget: the per-pod capacity and the target the decider divides by. */
export function metricTarget(spec: KpaSpec): { target: number; total: number } {
  let total = spec.target;
  if (spec.metric === 'concurrency' && spec.containerConcurrency > 0)
    total = Math.min(total, spec.containerConcurrency);
  return { total, target: Math.max(0.01, (total * spec.targetUtilizationPercentage) / 100) };
}

export function deciderSpec(spec: KpaSpec): DeciderSpec {
  const { target, total } = metricTarget(spec);
  return {
    scalingMetric: spec.metric,
    targetValue: target,
    totalValue: total,
    targetBurstCapacity: spec.targetBurstCapacity,
    panicThreshold: spec.panicThresholdPercentage / 100,
    maxScaleUpRate: spec.maxScaleUpRate,
    maxScaleDownRate: spec.maxScaleDownRate,
    stableWindowSeconds: spec.stableWindowSeconds,
    scaleDownDelaySeconds: spec.scaleDownDelaySeconds,
    activationScale: spec.activationScale,
    reachable: true,
  };
}

export function kpaPolicy(spec: KpaSpec): Policy<KpaState, KpaObservation, KpaDecision> {
  const dspec = deciderSpec(spec);
  return {
    initialState: (nowS) => ({
      stable: bucketWindow(spec.stableWindowSeconds, KPA_SCRAPE_S, spec.aggregation),
      panic: bucketWindow(panicWindowSeconds(spec), KPA_SCRAPE_S, spec.aggregation),
      decider: null,
      desiredScale: -1,
      excessBurstCapacity: 0,
      pa: { status: 'Activating', statusSinceS: nowS, initialized: false, sksMode: 'proxy', sksSinceS: nowS },
      requeueAtS: null,
    }),
    decide(state, o, nowS): KpaDecision {
      let s = state;
      const panicBefore = s.decider?.panicTimeS != null;
      let decided = false;
      let stableValue: number | null = null;
      let panicValue: number | null = null;
      if (o.kind === 'scrape') {
        // 1. Record: nothing from pods while none is ready, but the activator reports what it holds.
        if (o.readyPods > 0 || o.value !== 0)
          s = { ...s, stable: record(s.stable, nowS, o.value), panic: record(s.panic, nowS, o.value) };
        // 2. The decider, on its tick or poked by traffic while it wants zero.
        const poke = s.desiredScale === 0 && o.value !== 0;
        if (o.deciderTick || poke) {
          const decider = s.decider ?? createDecider(dspec, o.readyPods, nowS);
          const noData = !hasData(s.stable, nowS);
          const sv = windowAverage(s.stable, nowS);
          const pv = windowAverage(s.panic, nowS);
          const r = scale(
            decider,
            { readyPods: o.readyPods, stable: noData ? 'error' : sv, panic: noData ? 'error' : pv },
            nowS,
          );
          decided = true;
          stableValue = noData ? null : sv;
          panicValue = noData ? null : pv;
          // An invalid result keeps the previous DesiredScale.
          s = r.valid
            ? { ...s, decider: r.next, desiredScale: r.desired, excessBurstCapacity: r.excessBurstCapacity }
            : { ...s, decider: r.next };
        }
      } else if (s.requeueAtS === null || nowS < s.requeueAtS) {
        return unchanged(s, o.currentReplicas, panicBefore, dspec.targetValue);
      }
      if (!decided && o.kind === 'scrape')
        return unchanged(s, o.currentReplicas, panicBefore, dspec.targetValue);

      // 3. The PA reconciler.
      const rec = reconcilePa(
        spec,
        s.pa,
        {
          want: s.desiredScale,
          excessBurstCapacity: s.excessBurstCapacity,
          readyPods: o.readyPods,
          currentReplicas: o.currentReplicas,
        },
        nowS,
      );
      const reason = rec.reason === 'Stable' && s.decider?.panicTimeS != null ? 'Panic' : rec.reason;
      return {
        replicas: rec.replicas,
        scaled: rec.scaled,
        reason,
        message: rec.message,
        nextState: {
          ...s,
          pa: rec.pa,
          requeueAtS: rec.requeueAtS ?? (o.kind === 'requeue' ? null : s.requeueAtS),
        },
        decided,
        stableValue,
        panicValue,
        targetPerPod: dspec.targetValue,
        panicBefore,
        panicAfter: s.decider?.panicTimeS != null,
        statusBefore: state.pa.status,
      };
    },
  };
}

function unchanged(s: KpaState, cur: number, panic: boolean, targetPerPod: number): KpaDecision {
  return {
    replicas: cur,
    scaled: false,
    reason: 'Unchanged',
    message: '',
    nextState: s,
    decided: false,
    stableValue: null,
    panicValue: null,
    targetPerPod,
    panicBefore: panic,
    panicAfter: panic,
    statusBefore: s.pa.status,
  };
}
