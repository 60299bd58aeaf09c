/**
 * From a service's `predictive:` to the PredictiveSpec its HPA runs with: the smoothing defaults
 * and a horizon of the mean pod start delay unless one is given. Shared by the scenario loader and
 * `tune` (a predictive candidate is resolved by the same code as a scenario's `predictive:`).
 */
import type { Static } from '@sinclair/typebox';
import { meanStartSeconds } from '../autoscale/oracle/plan.js';
import type { PredictiveSpec } from '../autoscale/predictive/policy.js';
import { parseDurationUs } from './duration.js';
import type { PredictiveSettings } from './forecast-schema.js';
import type { PathSegment } from './source.js';
import type { ServiceConfig } from './types.js';

export type PredictiveSettingsSpec = Static<typeof PredictiveSettings>;

/** `fail` reports at a path relative to the `predictive:` key. */
export function resolvePredictive(
  p: PredictiveSettingsSpec,
  svc: ServiceConfig,
  fail: (path: PathSegment[], message: string) => void,
): PredictiveSpec {
  const season = p.seasonPeriod !== undefined ? parseDurationUs(p.seasonPeriod) / 1e6 : null;
  if (season !== null && season <= 0) fail(['seasonPeriod'], 'must be greater than 0');
  return {
    alpha: p.alpha ?? 0.5,
    beta: p.beta ?? 0.3,
    gamma: p.gamma ?? 0.1,
    seasonPeriodSeconds: season,
    horizonSeconds: p.horizon !== undefined ? parseDurationUs(p.horizon) / 1e6 : meanStartSeconds(svc),
  };
}
