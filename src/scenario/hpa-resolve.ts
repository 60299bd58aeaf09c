/**
 * From a service's `hpa` manifest (autoscaling/v1, v2beta2, v2) or `autoscale` shorthand to the
 * HPA spec the controller runs, with Kubernetes' API defaulting applied
 * (pkg/apis/autoscaling/v2/defaults.go: minReplicas 1, metrics cpu 80%, behavior filled per
 * direction only when behavior is given). Every field the simulation cannot honour is an error.
 */
import type { HpaBehavior, HpaRules, HpaSpec, MetricSpec, MetricTarget } from '../autoscale/hpa/index.js';
import type { Static } from '@sinclair/typebox';
import type { AutoscaleShorthand, HpaManifest, MetricSpecSchema, Target } from './k8s-schema.js';
import type { PathSegment } from './source.js';

/** Metrics the simulation produces, by the source type that can read them. */
export const PODS_METRICS = ['ei_infer_fps', 'ei_drop_fps', 'ei_scale_ratio'] as const;
/** Object and External metrics: the service's queue length (the seed's Redis list) and sums over pods. */
export const SERVICE_METRICS = ['queue_length', 'ei_drop_fps', 'ei_infer_fps'] as const;

const VALID_TARGETS: Record<MetricSpec['type'], readonly string[]> = {
  Resource: ['Utilization', 'AverageValue'],
  ContainerResource: ['Utilization', 'AverageValue'],
  Pods: ['AverageValue'],
  Object: ['Value', 'AverageValue'],
  External: ['Value', 'AverageValue'],
};

const MEMBER: Record<MetricSpec['type'], 'resource' | 'containerResource' | 'pods' | 'object' | 'external'> =
  {
    Resource: 'resource',
    ContainerResource: 'containerResource',
    Pods: 'pods',
    Object: 'object',
    External: 'external',
  };

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A Kubernetes quantity in milli-units (rounded up, as resource.Quantity.MilliValue does). */
export function quantityMilli(q: number | string): number {
  if (typeof q === 'number') return Math.ceil(q * 1000 - 1e-9);
  const m = /^\+?([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q.trim());
  if (!m) throw new Error(`not a quantity: ${q}`);
  return Math.ceil(Number(m[1]) * SUFFIX[m[2] ?? ''] * 1000 - 1e-9);
}

export interface Fail {
  (path: PathSegment[], message: string, atKey?: boolean): void;
}

type ManifestSpec = Static<typeof HpaManifest>;
type MetricSpecFile = Static<typeof MetricSpecSchema>;

const cpu80: MetricSpec = {
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
};

export function resolveAutoscaling(
  fail: Fail,
  path: PathSegment[],
  containerName: string,
  hpaObject: { value: ManifestSpec; fail: Fail } | null,
  shorthand: Static<typeof AutoscaleShorthand> | undefined,
  scaleToZeroGate: boolean,
): HpaSpec | null {
  const hpa = hpaObject?.value;
  if (hpa && shorthand) {
    fail([...path, 'autoscale'], 'give either hpa or autoscale, not both', true);
    return null;
  }
  if (shorthand) {
    const min = shorthand.min ?? 1;
    if (min > shorthand.max)
      fail([...path, 'autoscale', 'min'], `must not exceed max (${min} > ${shorthand.max})`);
    return {
      minReplicas: min,
      maxReplicas: shorthand.max,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: shorthand.cpuPercent },
          },
        },
      ],
      behavior: null,
    };
  }
  if (!hpa) return null;
  // Paths from here on are relative to the HPA object, reported in its own file.
  const hfail = hpaObject!.fail;
  const hp: PathSegment[] = [];
  const spec = hpa.spec;
  const sp = [...hp, 'spec'];
  const min = spec.minReplicas ?? 1;
  if (min > spec.maxReplicas)
    hfail([...sp, 'minReplicas'], `must not exceed maxReplicas (${min} > ${spec.maxReplicas})`);
  const ref = spec.scaleTargetRef;
  if (ref && ref.kind !== 'Deployment') {
    hfail(
      [...sp, 'scaleTargetRef', 'kind'],
      `inferscale scales Deployments; not ${JSON.stringify(ref.kind)}`,
    );
  }

  let metrics: MetricSpec[];
  let behavior: HpaBehavior | null = null;
  if (hpa.apiVersion === 'autoscaling/v1') {
    if (spec.metrics !== undefined)
      hfail([...sp, 'metrics'], 'autoscaling/v1 has no metrics; use autoscaling/v2', true);
    if (spec.behavior !== undefined)
      hfail([...sp, 'behavior'], 'autoscaling/v1 has no behavior; use autoscaling/v2', true);
    // v1: targetCPUUtilizationPercentage, default 80.
    const pct = spec.targetCPUUtilizationPercentage ?? 80;
    metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } },
      },
    ];
  } else {
    if (spec.targetCPUUtilizationPercentage !== undefined) {
      hfail(
        [...sp, 'targetCPUUtilizationPercentage'],
        `${hpa.apiVersion} has no targetCPUUtilizationPercentage; use metrics`,
        true,
      );
    }
    metrics = (spec.metrics ?? [])
      .map((m, i) => metric(hfail, [...sp, 'metrics', i], m, containerName))
      .filter((m): m is MetricSpec => m !== null);
    if ((spec.metrics ?? []).length === 0) metrics = [cpu80];
    if (spec.behavior) behavior = resolveBehavior(spec.behavior);
  }
  if (min === 0) {
    const hasObjectOrExternal = metrics.some((m) => m.type === 'Object' || m.type === 'External');
    if (!scaleToZeroGate)
      hfail(
        [...sp, 'minReplicas'],
        'minReplicas 0 needs the HPAScaleToZero feature gate (controller.featureGates)',
      );
    else if (!hasObjectOrExternal)
      hfail([...sp, 'minReplicas'], 'minReplicas 0 needs an Object or External metric');
  }
  return { minReplicas: min, maxReplicas: spec.maxReplicas, metrics, behavior };
}

type TargetFile = Static<typeof Target>;

function target(
  fail: Fail,
  path: PathSegment[],
  source: MetricSpec['type'],
  t: TargetFile,
): MetricTarget | null {
  if (!VALID_TARGETS[source].includes(t.type)) {
    fail(
      [...path, 'type'],
      `${t.type} is not a valid target for a ${source} metric; use ${VALID_TARGETS[source].join(' or ')}`,
    );
    return null;
  }
  const field =
    t.type === 'Utilization' ? 'averageUtilization' : t.type === 'AverageValue' ? 'averageValue' : 'value';
  const others = (['averageUtilization', 'averageValue', 'value'] as const).filter(
    (o) => o !== field && t[o] !== undefined,
  );
  if (others.length > 0) {
    // One problem, not two: a value under another target type's field name.
    const hint =
      t[field] === undefined
        ? `; ${/^[AEIOU]/.test(t.type) ? 'an' : 'a'} ${t.type} target takes ${field}`
        : '';
    fail([...path, others[0]], `does not belong to a target of type ${t.type}${hint}`, true);
    return null;
  }
  if (t.type === 'Utilization') {
    if (t.averageUtilization === undefined)
      return (fail([...path], 'a Utilization target needs averageUtilization'), null);
    return { type: 'Utilization', averageUtilization: t.averageUtilization };
  }
  const q = t.type === 'AverageValue' ? t.averageValue : t.value;
  if (q === undefined)
    return (fail([...path], `${/^[AEIOU]/.test(t.type) ? 'an' : 'a'} ${t.type} target needs ${field}`), null);
  const milli = quantityMilli(q);
  if (milli <= 0) return (fail([...path, field], 'must be greater than 0'), null);
  return t.type === 'AverageValue'
    ? { type: 'AverageValue', averageValueMilli: milli }
    : { type: 'Value', valueMilli: milli };
}

function metric(
  fail: Fail,
  path: PathSegment[],
  m: MetricSpecFile,
  containerName: string,
): MetricSpec | null {
  const member = MEMBER[m.type];
  const article = (w: string) => (/^[AEIOU]/.test(w) ? 'an' : 'a');
  const foreign = Object.values(MEMBER).filter((k) => k !== member && m[k] !== undefined);
  const body = m[member];
  // One mistake, one issue: settings under another source's key, with or without the right one.
  if (foreign.length > 0) {
    const hint = body ? '' : `; ${article(m.type)} ${m.type} metric takes its settings under ${member}`;
    fail([...path, foreign[0]], `does not belong to a metric of type ${m.type}${hint}`, true);
    return null;
  }
  if (!body) {
    fail(path, `${article(m.type)} ${m.type} metric needs ${member}`);
    return null;
  }
  const tp = [...path, member, 'target'];
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource': {
      const b = body as { name: 'cpu' | 'memory'; container?: string; target: TargetFile };
      if (b.name !== 'cpu') {
        fail([...path, member, 'name'], 'inferscale models CPU only; memory is not simulated');
        return null;
      }
      if (m.type === 'ContainerResource' && b.container !== containerName) {
        fail(
          [...path, member, 'container'],
          `the service's pods have one container, named ${JSON.stringify(containerName)}`,
        );
        return null;
      }
      const t = target(fail, tp, m.type, b.target);
      if (!t) return null;
      return m.type === 'Resource'
        ? { type: 'Resource', resource: { name: 'cpu', target: t } }
        : {
            type: 'ContainerResource',
            containerResource: { name: 'cpu', container: b.container!, target: t },
          };
    }
    case 'Pods':
    case 'Object':
    case 'External': {
      const b = body as {
        metric: { name: string; selector?: unknown };
        target: TargetFile;
        describedObject?: { kind: string; name: string; apiVersion?: string };
      };
      const names: readonly string[] = m.type === 'Pods' ? PODS_METRICS : SERVICE_METRICS;
      if (!names.includes(b.metric.name)) {
        fail(
          [...path, member, 'metric', 'name'],
          `the simulation does not produce a ${m.type} metric ${JSON.stringify(b.metric.name)}; it has ${names.join(', ')}`,
        );
        return null;
      }
      if (b.metric.selector !== undefined)
        fail([...path, member, 'metric', 'selector'], 'metric label selectors are not modelled', true);
      const t = target(fail, tp, m.type, b.target);
      if (!t) return null;
      if (m.type === 'Pods') return { type: 'Pods', pods: { metricName: b.metric.name, target: t } };
      if (m.type === 'External')
        return { type: 'External', external: { metricName: b.metric.name, target: t } };
      return {
        type: 'Object',
        object: { metricName: b.metric.name, describedObject: b.describedObject!, target: t },
      };
    }
  }
}

type RulesFile = NonNullable<NonNullable<ManifestSpec['spec']['behavior']>['scaleUp']>;

/** API defaulting of behavior (SPEC.md §5.1), per direction, only when behavior is given. */
export function resolveBehavior(b: NonNullable<ManifestSpec['spec']['behavior']>): HpaBehavior {
  const rules = (r: RulesFile | undefined, dir: 'up' | 'down'): HpaRules => ({
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? (dir === 'up' ? 0 : null),
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies:
      r?.policies?.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })) ??
      (dir === 'up'
        ? [
            { type: 'Pods', value: 4, periodSeconds: 15 },
            { type: 'Percent', value: 100, periodSeconds: 15 },
          ]
        : [{ type: 'Percent', value: 100, periodSeconds: 15 }]),
    tolerance: r?.tolerance !== undefined ? quantityMilli(r.tolerance) / 1000 : null,
  });
  return { scaleUp: rules(b.scaleUp, 'up'), scaleDown: rules(b.scaleDown, 'down') };
}
