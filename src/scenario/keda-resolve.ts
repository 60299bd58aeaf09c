/**
 * From a service's `keda:` (or a ScaledObject manifest) to the KedaSpec the operator and its HPA
 * run, with KEDA's defaults (reference/autoscalers/KEDA.md, Defaults) and the HPA it creates
 * (section 1). Every value the simulation cannot honour is an error at its field.
 */
import type { Static } from '@sinclair/typebox';
import type { HpaSpec, MetricSpec } from '../autoscale/hpa/index.js';
import { targetMilli } from '../autoscale/keda/scalers.js';
import type { KedaAnnotations, KedaSpec, KedaTrigger } from '../autoscale/keda/types.js';
import { resolveBehavior, type Fail } from './hpa-resolve.js';
import type {
  KedaInline,
  PrometheusTrigger,
  RedisTrigger,
  ScaledObjectManifest,
  ScaledObjectSpec,
} from './keda-schema.js';
import type { PathSegment } from './source.js';

/** The queries a prometheus trigger can run: an aggregation over one of the pods' gauges. */
export const PROMETHEUS_QUERY =
  /^\s*(sum|avg|max|min)\s*\(\s*(ei_drop_fps|ei_infer_fps|ei_scale_ratio)\s*(\{[^{}]*\})?\s*\)\s*$/;

/** The seed's Redis list of an inference type. */
export const queueListName = (service: string) => `queue_${service}`;

const KEDA_ANNOTATION = 'autoscaling.keda.sh/';
const ANNOTATIONS: Record<string, keyof KedaAnnotations> = {
  paused: 'paused',
  'paused-scale-in': 'pausedScaleIn',
  'paused-scale-out': 'pausedScaleOut',
  'force-activation': 'forceActivation',
};

type Spec = Static<typeof ScaledObjectSpec>;
type Redis = Static<typeof RedisTrigger>;
type Prometheus = Static<typeof PrometheusTrigger>;
export type KedaInlineSpec = Static<typeof KedaInline>;
export type ScaledObjectManifestSpec = Static<typeof ScaledObjectManifest>;

/** A ScaledObject however it was given: its name, annotations and spec, and where to report. */
export interface ScaledObjectInput {
  name: string | null;
  annotations: Record<string, unknown> | null;
  spec: Spec;
  /** Reports at a path relative to the object; `spec` is the path of its spec. */
  fail: Fail;
  specPath: PathSegment[];
  metadataPath: PathSegment[];
}

const num = (v: number | string | undefined): number | undefined =>
  v === undefined ? undefined : typeof v === 'number' ? v : Number(v.trim());
const bool = (v: boolean | 'true' | 'false' | undefined): boolean | undefined =>
  v === undefined ? undefined : v === true || v === 'true';

export function resolveKeda(
  input: ScaledObjectInput,
  service: string,
  services: readonly string[],
): KedaSpec | null {
  const { spec, fail, specPath: sp } = input;
  const issues = { n: 0 };
  const f: Fail = (p, m, k) => {
    issues.n++;
    fail(p, m, k);
  };
  const name = input.name ?? service;

  // 1. Annotations.
  const annotations: KedaAnnotations = {
    paused: false,
    pausedScaleIn: false,
    pausedScaleOut: false,
    forceActivation: false,
  };
  for (const [key, value] of Object.entries(input.annotations ?? {})) {
    if (!key.startsWith(KEDA_ANNOTATION)) continue; // other annotations describe the object
    const short = key.slice(KEDA_ANNOTATION.length);
    const ap = [...input.metadataPath, 'annotations', key];
    const field = Object.hasOwn(ANNOTATIONS, short) ? ANNOTATIONS[short] : undefined;
    if (!field) {
      f(
        ap,
        `inferscale models the annotations ${Object.keys(ANNOTATIONS)
          .map((a) => KEDA_ANNOTATION + a)
          .join(', ')}; not ${key}`,
        true,
      );
      continue;
    }
    if (value !== 'true' && value !== 'false') {
      f(ap, `must be "true" or "false", not ${JSON.stringify(value)}`);
      continue;
    }
    annotations[field] = value === 'true';
  }

  // 2. Replica counts and timings (KEDA's defaults).
  const ref = spec.scaleTargetRef;
  if (ref?.kind !== undefined && ref.kind !== 'Deployment')
    f([...sp, 'scaleTargetRef', 'kind'], `inferscale scales Deployments; not ${JSON.stringify(ref.kind)}`);
  const min = spec.minReplicaCount ?? 0;
  const max = spec.maxReplicaCount ?? 100;
  if (min > max) f([...sp, 'minReplicaCount'], `must not exceed maxReplicaCount (${min} > ${max})`);
  const idle = spec.idleReplicaCount ?? null;
  if (idle !== null) {
    if (spec.minReplicaCount === undefined)
      f([...sp, 'idleReplicaCount'], 'needs minReplicaCount to be set', true);
    else if (idle >= Math.max(min, 1))
      f([...sp, 'idleReplicaCount'], `must be less than minReplicaCount (${idle} >= ${Math.max(min, 1)})`);
  }

  // 3. Triggers, and the External metric each gives the HPA.
  const triggers: KedaTrigger[] = [];
  spec.triggers.forEach((t, i) => {
    const tp = [...sp, 'triggers', i];
    if (t.metricType === 'Utilization') {
      f([...tp, 'metricType'], 'Utilization is for cpu and memory triggers; use AverageValue or Value');
      return;
    }
    const common = {
      metricType: t.metricType ?? 'AverageValue',
      useCachedMetrics: t.useCachedMetrics ?? false,
    } as const;
    if (t.type === 'redis') {
      const m = (t as Redis).metadata;
      const listName = m.listName ?? queueListName(service);
      if (!services.some((s) => queueListName(s) === listName)) {
        f(
          [...tp, 'metadata', 'listName'],
          `no queue is the Redis list ${JSON.stringify(listName)}; the seed's lists are ${services.map(queueListName).join(', ')}`,
        );
        return;
      }
      const listLength = num(m.listLength) ?? 5;
      const activation = num(m.activationListLength) ?? 0;
      if (!Number.isInteger(listLength) || listLength < 1)
        f([...tp, 'metadata', 'listLength'], `must be a whole number of at least 1, not ${listLength}`);
      if (!Number.isInteger(activation))
        f([...tp, 'metadata', 'activationListLength'], `must be a whole number, not ${activation}`);
      triggers.push({
        type: 'redis',
        metricName: `s${i}-${normalizeString(`redis-${listName}`)}`,
        listName,
        listLength,
        activationListLength: activation,
        ...common,
      });
      return;
    }
    const m = (t as Prometheus).metadata;
    if (!PROMETHEUS_QUERY.test(m.query)) {
      f(
        [...tp, 'metadata', 'query'],
        `inferscale answers AGG(METRIC) or AGG(METRIC{...}) with AGG one of sum, avg, max, min and METRIC one of ei_drop_fps, ei_infer_fps, ei_scale_ratio; not ${JSON.stringify(m.query)}`,
      );
      return;
    }
    const threshold = num(m.threshold)!;
    if (Math.trunc(threshold * 1000) <= 0)
      f(
        [...tp, 'metadata', 'threshold'],
        `must be at least 0.001 (KEDA keeps milli precision), not ${threshold}`,
      );
    triggers.push({
      type: 'prometheus',
      metricName: `s${i}-prometheus`,
      query: m.query,
      threshold,
      activationThreshold: num(m.activationThreshold) ?? 0,
      ignoreNullValues: bool(m.ignoreNullValues) ?? true,
      ...common,
    });
  });

  // 4. The HPA KEDA creates: min at least 1, one External metric per trigger, the advanced behavior.
  const written = spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
  let behavior =
    written || annotations.pausedScaleIn || annotations.pausedScaleOut
      ? resolveBehavior(written ?? {})
      : null;
  if (behavior && annotations.pausedScaleIn)
    behavior = { ...behavior, scaleDown: { ...behavior.scaleDown, selectPolicy: 'Disabled' } };
  if (behavior && annotations.pausedScaleOut)
    behavior = { ...behavior, scaleUp: { ...behavior.scaleUp, selectPolicy: 'Disabled' } };
  const metrics: MetricSpec[] = triggers.map((t) => ({
    type: 'External',
    external: {
      metricName: t.metricName,
      target:
        t.metricType === 'Value'
          ? { type: 'Value', valueMilli: targetMilli(t) }
          : { type: 'AverageValue', averageValueMilli: targetMilli(t) },
    },
  }));
  const hpa: HpaSpec = { minReplicas: Math.max(min, 1), maxReplicas: max, metrics, behavior };
  if (issues.n > 0) return null;
  const fb = spec.fallback;
  return {
    name,
    pollingIntervalSeconds: spec.pollingInterval ?? 30,
    cooldownPeriodSeconds: spec.cooldownPeriod ?? 300,
    initialCooldownPeriodSeconds: spec.initialCooldownPeriod ?? 0,
    minReplicaCount: min,
    maxReplicaCount: max,
    idleReplicaCount: idle,
    annotations,
    fallback: fb
      ? { failureThreshold: fb.failureThreshold, replicas: fb.replicas, behavior: fb.behavior ?? 'static' }
      : null,
    triggers,
    hpa,
  };
}

/** kedautil.NormalizeString: characters a metric name cannot hold become '-'. */
function normalizeString(s: string): string {
  return s.replace(/[/.:%()]/g, '-');
}

/** A ScaledObject manifest's name, annotations and spec (metadata is otherwise not used). */
export function scaledObjectInput(value: ScaledObjectManifestSpec, fail: Fail): ScaledObjectInput {
  const meta = value.metadata;
  const m =
    meta !== null && typeof meta === 'object' && !Array.isArray(meta)
      ? (meta as Record<string, unknown>)
      : {};
  const annotations = m.annotations;
  const name = typeof m.name === 'string' && m.name !== '' ? m.name : null;
  return {
    name,
    annotations:
      annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations)
        ? (annotations as Record<string, unknown>)
        : null,
    spec: value.spec,
    fail,
    specPath: ['spec'],
    metadataPath: ['metadata'],
  };
}
