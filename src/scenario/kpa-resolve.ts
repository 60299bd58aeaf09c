/**
 * From a service's `kpa:` to the KpaSpec the decider and the PA reconciler run, with Knative's
 * defaults (reference/autoscalers/KPA.md, Defaults) and the checks its validation makes.
 */
import type { Static } from '@sinclair/typebox';
import type { KpaSpec } from '../autoscale/kpa/types.js';
import { parseDurationUs } from './duration.js';
import type { Fail } from './hpa-resolve.js';
import type { KpaSettings } from './kpa-schema.js';
import type { PathSegment } from './source.js';

export type KpaSettingsSpec = Static<typeof KpaSettings>;

export function resolveKpa(
  k: KpaSettingsSpec,
  path: PathSegment[],
  initialScale: number,
  fail: Fail,
): KpaSpec | null {
  let bad = false;
  const f: Fail = (p, m, atKey) => {
    bad = true;
    fail([...path, ...p], m, atKey);
  };
  const seconds = (
    key: keyof KpaSettingsSpec,
    dflt: number,
    opts: { whole?: boolean; min?: number; max?: number },
  ) => {
    const v = k[key];
    if (v === undefined) return dflt;
    const s = parseDurationUs(v as number | string) / 1e6;
    if (opts.whole && !Number.isInteger(s)) f([key], `must be a whole number of seconds, not ${s}s`);
    else if (opts.min !== undefined && s < opts.min) f([key], `must be at least ${opts.min}s, not ${s}s`);
    else if (opts.max !== undefined && s > opts.max) f([key], `must be at most ${opts.max}s, not ${s}s`);
    return s;
  };
  const metric = k.metric ?? 'concurrency';
  const spec: KpaSpec = {
    metric,
    target: k.target ?? (metric === 'rps' ? 200 : 100),
    targetUtilizationPercentage: k.targetUtilizationPercentage ?? 70,
    containerConcurrency: k.containerConcurrency ?? 0,
    targetBurstCapacity: k.targetBurstCapacity ?? 211,
    stableWindowSeconds: seconds('stableWindow', 60, { whole: true, min: 6, max: 3600 }),
    panicWindowPercentage: k.panicWindowPercentage ?? 10,
    panicThresholdPercentage: k.panicThresholdPercentage ?? 200,
    maxScaleUpRate: k.maxScaleUpRate ?? 1000,
    maxScaleDownRate: k.maxScaleDownRate ?? 2,
    enableScaleToZero: k.scaleToZero ?? true,
    scaleToZeroGracePeriodSeconds: seconds('scaleToZeroGracePeriod', 30, { min: 0.001 }),
    scaleToZeroPodRetentionPeriodSeconds: seconds('scaleToZeroPodRetentionPeriod', 0, {}),
    scaleDownDelaySeconds: seconds('scaleDownDelay', 0, { whole: true, max: 3600 }),
    minScale: k.minScale ?? 0,
    maxScale: k.maxScale ?? 0,
    initialScale,
    activationScale: k.activationScale ?? 0,
    progressDeadlineSeconds: seconds('progressDeadline', 600, { min: 1 }),
    aggregation: k.aggregation ?? 'linear',
  };
  if (k.targetBurstCapacity !== undefined && k.targetBurstCapacity < 0 && k.targetBurstCapacity !== -1)
    f(['targetBurstCapacity'], 'must be -1 (the activator always in the path) or at least 0');
  if (spec.maxScale > 0 && spec.minScale > spec.maxScale)
    f(['minScale'], `must not exceed maxScale (${spec.minScale} > ${spec.maxScale})`);
  if (spec.maxScale > 0 && initialScale > spec.maxScale)
    fail(
      [...path.slice(0, -1), 'replicas'],
      `the initial scale must not exceed kpa.maxScale (${initialScale} > ${spec.maxScale})`,
    );
  if (!spec.enableScaleToZero && spec.minScale === 0 && initialScale === 0)
    fail([...path.slice(0, -1), 'replicas'], 'an initial scale of 0 needs scale to zero');
  return bad ? null : spec;
}
