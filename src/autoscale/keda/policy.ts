/**
 * KEDA as a registry policy: two loops over one ScaledObject, each a `decide` on its observation.
 *
 *   loop 'poll' (every pollingInterval): every trigger's scaler -> fallback filter -> isActive /
 *     isError -> RequestScale (executor.ts): 0 -> 1 (or min) and N -> 0 (or idle)
 *   loop 'hpa' (every HPA sync period): the HPA KEDA created (`keda-hpa-<name>`, External metrics,
 *     one per trigger) runs the exact Kubernetes algorithm on the scalers' values, read live (or
 *     from the last poll with useCachedMetrics) through the same fallback filter: 1 <-> N
 */
import { initialHpaState, syncHpa, type ControllerConfig, type MetricsSource } from '../hpa/index.js';
import type { Policy } from '../policy.js';
import { requestScale } from './executor.js';
import { fallbackFilter, quantityMilli, scalerResult } from './scalers.js';
import type { KedaDecision, KedaObservation, KedaSpec, KedaState, KedaTriggerStatus } from './types.js';

export function kedaPolicy(
  spec: KedaSpec,
  config: ControllerConfig,
  createdAtS: number,
): Policy<KedaState, KedaObservation, KedaDecision> {
  return {
    initialState: () => ({
      lastActiveTimeS: null,
      active: null,
      reason: null,
      cached: spec.triggers.map(() => ({ ok: false, error: 'no value cached by a poll yet' })),
      health: spec.triggers.map(() => ({ numberOfFailures: 0, status: 'Happy' })),
      hpa: initialHpaState(),
    }),
    decide(state, o, nowS): KedaDecision {
      const health = state.health.map((h) => ({ ...h }));
      if (o.loop === 'poll') {
        // 1. Every trigger, through its scaler and the fallback filter.
        const triggers: KedaTriggerStatus[] = spec.triggers.map((t, i) => {
          const r = scalerResult(t, o.readings[i]);
          const f = fallbackFilter(spec.fallback, t, r, health[i], o.currentReplicas, o.readyPods);
          health[i] = f.health;
          return {
            metricName: t.metricName,
            value: f.value,
            active: f.error === null && (r.active || f.fallback),
            error: f.error,
            fallback: f.fallback,
          };
        });
        const isActive = triggers.some((t) => t.active);
        const isError = triggers.some((t) => t.error !== null);
        // 2. RequestScale.
        const ex = requestScale(
          {
            minReplicaCount: spec.minReplicaCount,
            idleReplicaCount: spec.idleReplicaCount,
            cooldownPeriodSeconds: spec.cooldownPeriodSeconds,
            initialCooldownPeriodSeconds: spec.initialCooldownPeriodSeconds,
            annotations: spec.annotations,
            fallbackReplicas: spec.fallback?.replicas ?? null,
          },
          {
            currentReplicas: o.currentReplicas,
            isActive,
            isError,
            lastActiveTimeS: state.lastActiveTimeS,
            createdAtS,
            nowS,
          },
        );
        return {
          loop: 'poll',
          replicas: ex.replicas,
          scaled: ex.scaled,
          reason: ex.reason,
          message: ex.message,
          isActive,
          isError,
          triggers,
          nextState: {
            ...state,
            lastActiveTimeS: ex.lastActiveTimeS,
            active: isActive,
            reason: ex.reason,
            cached: o.readings.map((r) => ({ ...r })),
            health,
          },
        };
      }

      // The HPA's metrics: KEDA's metrics server asks the scaler at the HPA's pace.
      const notExternal = { ok: false as const, error: "KEDA's HPA reads External metrics only" };
      const source: MetricsSource = {
        resource: () => notExternal,
        pods: () => notExternal,
        object: () => notExternal,
        external(metricName) {
          const i = spec.triggers.findIndex((t) => t.metricName === metricName);
          if (i < 0) return { ok: false, error: `no such metric ${metricName}` };
          const t = spec.triggers[i];
          const r = scalerResult(t, t.useCachedMetrics ? state.cached[i] : o.readings[i]);
          const f = fallbackFilter(spec.fallback, t, r, health[i], o.hpa.specReplicas, o.readyPods);
          health[i] = f.health;
          return f.error !== null
            ? { ok: false, error: f.error }
            : { ok: true, value: [quantityMilli(f.value)] };
        },
      };
      const h = o.hpa;
      const sync = syncHpa(
        spec.hpa,
        h.specReplicas,
        h.statusReplicas,
        h.pods,
        source,
        state.hpa,
        config,
        nowS,
      );
      return {
        loop: 'hpa',
        replicas: sync.desiredReplicas,
        scaled: sync.scaled,
        reason: sync.reason,
        message: sync.message,
        sync,
        nextState: { ...state, health, hpa: sync.nextState },
      };
    },
  };
}
