/**
 * The predictive autoscaler: the service's HPA, exact, fed with forecasts instead of the present.
 * At each sync every metric the HPA reads is summed over its series (the pods' samples, or the
 * object's or external series' values; ei_scale_ratio, a ratio, is averaged), that figure goes
 * into a Holt-Winters model of its own, and the HPA gets it forecast `horizon` ahead — the pod start delay, so pods started now are
 * ready for the load the forecast sees — spread back over the series (scaled, or added evenly when
 * the present sum is 0). Then the HPA rule (tolerance, stabilization, rate limits) decides as usual.
 */
import {
  initialHpaState,
  syncHpa,
  type ControllerConfig,
  type HpaSpec,
  type HpaState,
  type MetricsSource,
  type PodSample,
} from '../hpa/index.js';
import type { HpaObservation } from '../hpa/policy.js';
import type { Decision, Policy } from '../policy.js';
import type { SyncResult } from '../hpa/types.js';
import { forecast, holtWinters, observe, type HoltWintersState } from './holt-winters.js';

export interface PredictiveSpec {
  alpha: number;
  beta: number;
  gamma: number;
  /** The season (a daily cycle, say); null: none. */
  seasonPeriodSeconds: number | null;
  /** How far ahead to forecast: by default the mean pod start delay. */
  horizonSeconds: number;
}

export interface PredictiveState {
  hpa: HpaState;
  /** One model per metric the HPA reads, by `kind:name`. */
  series: Record<string, HoltWintersState>;
}

export interface MetricForecast {
  metric: string;
  observed: number;
  forecast: number;
}

export interface PredictiveDecision extends Decision<PredictiveState, SyncResult['reason']> {
  sync: SyncResult;
  forecasts: MetricForecast[];
  horizonSyncs: number;
}

export function predictivePolicy(
  hpa: HpaSpec,
  config: ControllerConfig,
  spec: PredictiveSpec,
): Policy<PredictiveState, HpaObservation, PredictiveDecision> {
  const period = config.syncPeriodSeconds;
  const seasonLength = spec.seasonPeriodSeconds === null ? 0 : Math.round(spec.seasonPeriodSeconds / period);
  const settings = { alpha: spec.alpha, beta: spec.beta, gamma: spec.gamma, seasonLength };
  const horizonSyncs = Math.max(1, Math.ceil(spec.horizonSeconds / period - 1e-9));
  return {
    initialState: () => ({ hpa: initialHpaState(), series: {} }),
    decide(state, o, nowS) {
      const series = { ...state.series };
      const forecasts: MetricForecast[] = [];
      /** Observes the present sum and returns the forecast, at least 0. */
      const ahead = (key: string, observed: number): number => {
        const next = observe(settings, series[key] ?? holtWinters(settings), observed);
        series[key] = next;
        const f = Math.max(0, forecast(next, horizonSyncs));
        forecasts.push({ metric: key, observed, forecast: f });
        return f;
      };
      // A load (CPU, FPS, drops) is forecast as its sum over the pods; a ratio (ei_scale_ratio) as
      // its mean, which does not grow with the pod count.
      const samples = (key: string, list: PodSample[], mean: boolean): PodSample[] => {
        const n = Math.max(1, list.length);
        const total = list.reduce((a, p) => a + p.valueMilli, 0);
        const present = mean ? total / n : total;
        const f = ahead(key, present / 1000) * 1000;
        const adjust = (v: number) =>
          Math.max(0, Math.round(present > 0 ? (v * f) / present : v + (mean ? f : f / n)));
        return list.map((p) => ({
          ...p,
          valueMilli: adjust(p.valueMilli),
          containers: p.containers?.map((c) => ({ ...c, usageMilli: adjust(c.usageMilli) })),
        }));
      };
      const m = o.metrics;
      const source: MetricsSource = {
        resource(name, container) {
          const r = m.resource(name, container);
          return r.ok
            ? {
                ok: true,
                value: samples(`resource:${name}${container ? `:${container}` : ''}`, r.value, false),
              }
            : r;
        },
        pods(metric) {
          const r = m.pods(metric);
          return r.ok
            ? { ok: true, value: samples(`pods:${metric}`, r.value, metric === 'ei_scale_ratio') }
            : r;
        },
        object(metric, described) {
          const r = m.object(metric, described);
          return r.ok ? { ok: true, value: Math.round(ahead(`object:${metric}`, r.value / 1000) * 1000) } : r;
        },
        external(metric) {
          const r = m.external(metric);
          if (!r.ok) return r;
          const total = r.value.reduce((a, v) => a + v, 0);
          const f = ahead(`external:${metric}`, total / 1000) * 1000;
          const n = Math.max(1, r.value.length);
          return {
            ok: true,
            value: r.value.map((v) => Math.max(0, Math.round(total > 0 ? (v * f) / total : v + f / n))),
          };
        },
      };
      const sync = syncHpa(hpa, o.specReplicas, o.statusReplicas, o.pods, source, state.hpa, config, nowS);
      return {
        replicas: sync.desiredReplicas,
        scaled: sync.scaled,
        reason: sync.reason,
        message: sync.message,
        sync,
        forecasts,
        horizonSyncs,
        nextState: { hpa: sync.nextState, series },
      };
    },
  };
}
