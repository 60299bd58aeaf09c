/**
 * A `kpa:` policy as Knative writes it, and back: the revision's autoscaling.knative.dev annotations
 * (on a serving.knative.dev/v1 Service's spec.template), its containerConcurrency, and the
 * cluster-wide keys Knative has no annotation for (config-autoscaler in knative-serving:
 * max-scale-up-rate, max-scale-down-rate, enable-scale-to-zero, scale-to-zero-grace-period).
 * reference/autoscalers/KPA.md, Defaults; knative.dev/docs serving/autoscaling.
 *
 *   kpa settings -> resolved (defaults filled) -> Service annotations + ConfigMap data   (knativeObjects)
 *   Service + ConfigMap -> kpa settings                                              (kpaFromKnative)
 *
 * A round trip gives settings that resolve to the same KpaSpec (a test checks).
 */
import type { KpaSpec } from '../autoscale/kpa/types.js';
import { parseDurationUs } from '../scenario/duration.js';
import { resolveKpa, type KpaSettingsSpec } from '../scenario/kpa-resolve.js';
import type { Json } from './hpa-manifest.js';

const A = 'autoscaling.knative.dev/';
const PROGRESS_DEADLINE = 'serving.knative.dev/progress-deadline';
export const KPA_CLASS = 'kpa.autoscaling.knative.dev';

const seconds = (s: number) => `${s}s`;

/** Per-revision annotations: the kpa setting, its annotation, how it is written. */
const ANNOTATIONS: { key: keyof KpaSettingsSpec; annotation: string; duration?: true }[] = [
  { key: 'metric', annotation: `${A}metric` },
  { key: 'target', annotation: `${A}target` },
  { key: 'targetUtilizationPercentage', annotation: `${A}target-utilization-percentage` },
  { key: 'targetBurstCapacity', annotation: `${A}target-burst-capacity` },
  { key: 'stableWindow', annotation: `${A}window`, duration: true },
  { key: 'panicWindowPercentage', annotation: `${A}panic-window-percentage` },
  { key: 'panicThresholdPercentage', annotation: `${A}panic-threshold-percentage` },
  { key: 'scaleDownDelay', annotation: `${A}scale-down-delay`, duration: true },
  {
    key: 'scaleToZeroPodRetentionPeriod',
    annotation: `${A}scale-to-zero-pod-retention-period`,
    duration: true,
  },
  { key: 'minScale', annotation: `${A}min-scale` },
  { key: 'maxScale', annotation: `${A}max-scale` },
  { key: 'activationScale', annotation: `${A}activation-scale` },
  { key: 'aggregation', annotation: `${A}metric-aggregation-algorithm` },
  { key: 'progressDeadline', annotation: PROGRESS_DEADLINE, duration: true },
];

/** config-autoscaler keys (cluster-wide: no per-revision annotation). */
const CONFIG: { key: keyof KpaSettingsSpec; data: string; duration?: true }[] = [
  { key: 'maxScaleUpRate', data: 'max-scale-up-rate' },
  { key: 'maxScaleDownRate', data: 'max-scale-down-rate' },
  { key: 'scaleToZero', data: 'enable-scale-to-zero' },
  { key: 'scaleToZeroGracePeriod', data: 'scale-to-zero-grace-period', duration: true },
];

/** The resolved KpaSpec of a `kpa:` settings object (it was resolved when the candidate ran). */
export function resolvedKpa(settings: Json): KpaSpec {
  const spec = resolveKpa(settings as KpaSettingsSpec, [], 1, () => {});
  if (!spec) throw new Error('a recorded kpa policy no longer resolves');
  return spec;
}

function settingValue(k: KpaSpec, key: keyof KpaSettingsSpec): string | number | boolean | null {
  switch (key) {
    case 'stableWindow':
      return k.stableWindowSeconds;
    case 'scaleDownDelay':
      return k.scaleDownDelaySeconds;
    case 'scaleToZeroPodRetentionPeriod':
      return k.scaleToZeroPodRetentionPeriodSeconds;
    case 'scaleToZeroGracePeriod':
      return k.scaleToZeroGracePeriodSeconds;
    case 'progressDeadline':
      return k.progressDeadlineSeconds;
    case 'scaleToZero':
      return k.enableScaleToZero;
    case 'activationScale':
      return k.activationScale > 0 ? k.activationScale : null;
    case 'aggregation':
      return k.aggregation;
    default:
      return k[key as keyof KpaSpec] as number | string;
  }
}

/**
 * The Knative objects of a service's kpa policy: the Service's autoscaling fragment (merge it into
 * the Service that runs the model: its containers are the user's) and config-autoscaler's data.
 */
export function knativeObjects(settings: Json, names: { deployment: string; service: string }): Json[] {
  const k = resolvedKpa(settings);
  const annotations: Record<string, string> = { [`${A}class`]: KPA_CLASS };
  for (const a of ANNOTATIONS) {
    const v = settingValue(k, a.key);
    if (v !== null) annotations[a.annotation] = a.duration ? seconds(v as number) : String(v);
  }
  const data: Record<string, string> = {};
  for (const c of CONFIG) {
    const v = settingValue(k, c.key)!;
    data[c.data] = c.duration ? seconds(v as number) : String(v);
  }
  return [
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: names.deployment, annotations: { 'inferscale.io/service': names.service } },
      spec: {
        template: {
          metadata: { annotations },
          // The container is the user's (its image, resources): named here, to be merged.
          spec: { containerConcurrency: k.containerConcurrency, containers: [{ name: names.service }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'config-autoscaler', namespace: 'knative-serving' },
      data,
    },
  ];
}

function parseValue(raw: string, duration: boolean | undefined): string | number | boolean {
  if (duration) return parseDurationUs(raw) / 1e6;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

/** The `kpa:` settings a Knative Service (and config-autoscaler, if given) describe. */
export function kpaFromKnative(service: Json, configMap: Json | null): Json {
  const template = ((service.spec as Json | undefined)?.template ?? {}) as Json;
  const annotations = ((template.metadata as Json | undefined)?.annotations ?? {}) as Record<string, string>;
  const out: Json = {};
  for (const a of ANNOTATIONS)
    if (annotations[a.annotation] !== undefined)
      out[a.key] = parseValue(annotations[a.annotation], a.duration);
  const cc = (template.spec as Json | undefined)?.containerConcurrency;
  if (typeof cc === 'number') out.containerConcurrency = cc;
  const data = ((configMap?.data as Record<string, string> | undefined) ?? {}) as Record<string, string>;
  for (const c of CONFIG) if (data[c.data] !== undefined) out[c.key] = parseValue(data[c.data], c.duration);
  return out;
}
