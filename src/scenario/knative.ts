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
import { Type } from '@sinclair/typebox';
import { stringify } from 'yaml';
import type { KpaSpec } from '../autoscale/kpa/types.js';
import { Obj } from './schema-base.js';
import { parseDurationUs } from './duration.js';
import type { Fail } from './hpa-resolve.js';
import { resolveKpa, type KpaSettingsSpec } from './kpa-resolve.js';
import { KpaSettings } from './kpa-schema.js';
import { parseScenarioText, type PathSegment } from './source.js';
import { schemaIssues } from './validate.js';

type Json = Record<string, unknown>;

/**
 * A Knative Service in a service's `manifests` file: its revision template's annotations and
 * containerConcurrency are read (the KPA's settings); the rest describes the workload and is not used.
 */
export const KnativeServiceManifest = Obj(
  {
    apiVersion: Type.Literal('serving.knative.dev/v1'),
    kind: Type.Literal('Service'),
    metadata: Type.Optional(Type.Unknown({ description: 'Accepted and not used.' })),
    spec: Obj({
      template: Obj({
        metadata: Type.Optional(
          Obj({
            name: Type.Optional(Type.String()),
            labels: Type.Optional(Type.Unknown()),
            annotations: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String())),
          }),
        ),
        spec: Type.Optional(
          Type.Unknown({ description: 'containerConcurrency is read; the rest is not used.' }),
        ),
      }),
      traffic: Type.Optional(Type.Unknown({ description: 'Accepted and not used.' })),
    }),
    status: Type.Optional(Type.Unknown({ description: 'Accepted and not used.' })),
  },
  { description: 'A Knative Service (serving.knative.dev/v1): the KPA settings of its revision template.' },
);

/** config-autoscaler (knative-serving): the KPA's cluster-wide keys. */
export const KnativeConfigAutoscaler = Obj(
  {
    apiVersion: Type.Literal('v1'),
    kind: Type.Literal('ConfigMap'),
    metadata: Obj({
      name: Type.Literal('config-autoscaler'),
      namespace: Type.Optional(Type.String()),
      annotations: Type.Optional(Type.Unknown()),
      labels: Type.Optional(Type.Unknown()),
    }),
    data: Type.Record(Type.String({ minLength: 1 }), Type.String()),
  },
  {
    description:
      "Knative's config-autoscaler ConfigMap: max-scale-up-rate, max-scale-down-rate, enable-scale-to-zero, scale-to-zero-grace-period.",
  },
);

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
  if (duration) {
    const d = /^\s*[0-9]+(\.[0-9]+)?\s*(ms|s|m|h)\s*$/.test(raw) ? parseDurationUs(raw) / 1e6 : NaN;
    return Number.isFinite(d) ? d : raw;
  }
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

const ANNOTATION_PATH = ['spec', 'template', 'metadata', 'annotations'];

/**
 * The `kpa:` settings a Knative Service (and config-autoscaler, if given) describe. With `fail`
 * (the scenario loader's), an autoscaling.knative.dev annotation inferscale does not model, another
 * class than kpa, or a value the `kpa:` key would refuse is reported at its annotation or data key.
 */
export function kpaFromKnative(
  service: Json,
  configMap: Json | null,
  fail?: { service: Fail; configMap: Fail | null },
): Json {
  const template = ((service.spec as Json | undefined)?.template ?? {}) as Json;
  const annotations = ((template.metadata as Json | undefined)?.annotations ?? {}) as Record<string, string>;
  const out: Json = {};
  const where: Record<string, { fail: Fail; path: PathSegment[] }> = {};
  for (const [key, raw] of Object.entries(annotations)) {
    if (!key.startsWith(A) && key !== PROGRESS_DEADLINE) continue;
    const at = [...ANNOTATION_PATH, key];
    if (key === `${A}class`) {
      if (raw !== KPA_CLASS)
        fail?.service(
          at,
          `inferscale models the Knative Pod Autoscaler (${KPA_CLASS}), not ${JSON.stringify(raw)}`,
        );
      continue;
    }
    const a = ANNOTATIONS.find((x) => x.annotation === key);
    if (!a) {
      fail?.service(
        at,
        `inferscale reads the annotations ${[`${A}class`, ...ANNOTATIONS.map((x) => x.annotation)].join(', ')}; not ${key}`,
        true,
      );
      continue;
    }
    out[a.key] = parseValue(raw, a.duration);
    if (fail) where[a.key] = { fail: fail.service, path: at };
  }
  const spec = template.spec as Json | undefined;
  if (spec && spec.containerConcurrency !== undefined) {
    out.containerConcurrency = spec.containerConcurrency;
    if (fail)
      where.containerConcurrency = {
        fail: fail.service,
        path: ['spec', 'template', 'spec', 'containerConcurrency'],
      };
  }
  const data = ((configMap?.data as Record<string, string> | undefined) ?? {}) as Record<string, string>;
  for (const [key, raw] of Object.entries(data)) {
    const c = CONFIG.find((x) => x.data === key);
    if (!c) {
      fail?.configMap?.(
        ['data', key],
        `inferscale reads ${CONFIG.map((x) => x.data).join(', ')} from config-autoscaler (the rest are annotations of the Service); not ${key}`,
        true,
      );
      continue;
    }
    out[c.key] = parseValue(raw, c.duration);
    if (fail?.configMap) where[c.key] = { fail: fail.configMap, path: ['data', key] };
  }
  if (fail) {
    // The values as the `kpa:` key would check them, each reported at its annotation or data key.
    const parsed = parseScenarioText(stringify(out), '(knative)');
    if (parsed.ok)
      for (const issue of schemaIssues(parsed.source, parsed.value, KpaSettings)) {
        const key = issue.field.split(/[.[]/)[0];
        const w = where[key];
        if (w)
          w.fail(
            w.path,
            issue.message.replace(
              /^must be a duration: seconds \(a number >= 0\) or/,
              'must be a duration like',
            ),
          );
        else fail.service(ANNOTATION_PATH, issue.message);
      }
  }
  return out;
}
