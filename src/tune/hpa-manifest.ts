/**
 * The HPA as a tuner sees it: the autoscaling/v2 manifest shape, where a parameter is a path such as
 * `metrics[0].target.averageValue` or `behavior.scaleDown.stabilizationWindowSeconds`.
 *
 *   resolved HpaSpec -> autoscaling/v2 manifest (hpaManifest)            the base every candidate starts from
 *   manifest + path = value (setSpecPath)                                  one parameter of a candidate
 *   manifest -> schema check + resolveAutoscaling -> HpaSpec or problems  (resolveHpaManifest)
 *
 * resolveHpaManifest runs the same code a scenario's `hpa:` goes through, so a candidate that
 * resolves here loads back from best-hpa.yaml unchanged, and one that does not (min > max, a target
 * of 0) is an infeasible candidate with the loader's own message.
 */
import type { HpaBehavior, HpaRules, HpaSpec, MetricSpec, MetricTarget } from '../autoscale/hpa/index.js';
import type { TSchema } from '@sinclair/typebox';
import { LineCounter, stringify } from 'yaml';
import { defaultBehavior } from '../autoscale/hpa/defaults.js';
import { resolveAutoscaling } from '../scenario/hpa-resolve.js';
import { HpaManifest } from '../scenario/k8s-schema.js';
import { parseScenarioText, ScenarioSource, type PathSegment } from '../scenario/source.js';
import { schemaIssues } from '../scenario/validate.js';

export type Json = Record<string, unknown>;

/** A quantity in milli-units as Kubernetes would print it: whole units as numbers, else `NNNm`. */
export function milliQuantity(milli: number): number | string {
  return milli % 1000 === 0 ? milli / 1000 : `${milli}m`;
}

function target(t: MetricTarget): Json {
  switch (t.type) {
    case 'Utilization':
      return { type: 'Utilization', averageUtilization: t.averageUtilization };
    case 'AverageValue':
      return { type: 'AverageValue', averageValue: milliQuantity(t.averageValueMilli) };
    case 'Value':
      return { type: 'Value', value: milliQuantity(t.valueMilli) };
  }
}

function metric(m: MetricSpec): Json {
  switch (m.type) {
    case 'Resource':
      return { type: 'Resource', resource: { name: m.resource.name, target: target(m.resource.target) } };
    case 'ContainerResource':
      return {
        type: 'ContainerResource',
        containerResource: {
          name: m.containerResource.name,
          container: m.containerResource.container,
          target: target(m.containerResource.target),
        },
      };
    case 'Pods':
      return { type: 'Pods', pods: { metric: { name: m.pods.metricName }, target: target(m.pods.target) } };
    case 'Object':
      return {
        type: 'Object',
        object: {
          metric: { name: m.object.metricName },
          describedObject: { ...m.object.describedObject },
          target: target(m.object.target),
        },
      };
    case 'External':
      return {
        type: 'External',
        external: { metric: { name: m.external.metricName }, target: target(m.external.target) },
      };
  }
}

function rules(r: HpaRules): Json {
  return {
    ...(r.stabilizationWindowSeconds !== null
      ? { stabilizationWindowSeconds: r.stabilizationWindowSeconds }
      : {}),
    selectPolicy: r.selectPolicy,
    policies: r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
    ...(r.tolerance !== null ? { tolerance: milliQuantity(Math.round(r.tolerance * 1000)) } : {}),
  };
}

export function behaviorManifest(b: HpaBehavior): Json {
  return { scaleUp: rules(b.scaleUp), scaleDown: rules(b.scaleDown) };
}

/** The `spec` of an autoscaling/v2 HPA that resolves to `spec` (every default written out). */
export function hpaSpecManifest(spec: HpaSpec): Json {
  return {
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    metrics: spec.metrics.map(metric),
    ...(spec.behavior ? { behavior: behaviorManifest(spec.behavior) } : {}),
  };
}

/** A whole autoscaling/v2 HorizontalPodAutoscaler object for a service's Deployment. */
export function hpaObject(spec: Json, names: { hpa: string; deployment: string; service: string }): Json {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: names.hpa, annotations: { 'inferscale.io/service': names.service } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.deployment },
      ...spec,
    },
  };
}

const MEMBER: Record<string, string> = {
  Resource: 'resource',
  ContainerResource: 'containerResource',
  Pods: 'pods',
  Object: 'object',
  External: 'external',
};

/**
 * The path as it runs in the manifest's `spec`: `metrics[i].target...` gains the metric's own member
 * (`metrics[0].pods.target.averageValue` for a Pods metric), so one space file reads for any source.
 */
export function specPath(spec: Json, path: readonly PathSegment[]): PathSegment[] {
  if (path[0] === 'metrics' && typeof path[1] === 'number' && path[2] === 'target') {
    const m = (spec.metrics as Json[] | undefined)?.[path[1]];
    const member = m ? MEMBER[String(m.type)] : undefined;
    if (member) return ['metrics', path[1], member, ...path.slice(2)];
  }
  return [...path];
}

/**
 * Sets `path` (relative to `spec`) to `value` in place. Missing mappings on the way are created; a
 * `behavior` that was not there starts as the API defaults (so `behavior.scaleUp.policies[0].value`
 * has a policy to change). Returns a problem when the path runs through something that is not a
 * mapping or past the end of a list.
 */
export function setSpecPath(spec: Json, path: readonly PathSegment[], value: unknown): string | null {
  if (path[0] === 'behavior' && spec.behavior === undefined)
    // What the API server fills in for `behavior: {}`: a tuned behavior field starts from it.
    spec.behavior = behaviorManifest(defaultBehavior({}));
  return setPath(spec, 'spec', path, value);
}

/** Sets `path` under `root` (named `label` in messages) to `value`, creating missing mappings. */
export function setPath(
  root: Json,
  label: string,
  path: readonly PathSegment[],
  value: unknown,
): string | null {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    const here = fieldOf(label, path.slice(0, i));
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return `${here} is not a list`;
      if (seg >= node.length) return `${here} has ${node.length} item(s); there is no [${seg}]`;
      if (last) node[seg] = value;
      else node = node[seg];
      continue;
    }
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return `${here} is not a mapping`;
    const obj = node as Json;
    if (last) obj[seg] = value;
    else {
      if (obj[seg] === undefined) obj[seg] = typeof path[i + 1] === 'number' ? [] : {};
      node = obj[seg];
    }
  }
  return null;
}

export function fieldOf(label: string, path: readonly PathSegment[]): string {
  let s = label;
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

export function cloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** A source without a document, for a check whose issues are not reported. */
const UNLOCATED = new ScenarioSource('(candidate)', null, new LineCounter());

/** Problems of an object's shape against a schema (unknown keys, types, bounds), as `field: message`. */
export function shapeProblems(object: Json, schema: TSchema): string[] {
  // Most candidates are valid: the object itself is checked first (on the main thread, for every
  // candidate, before the workers get them), and only one with a problem takes the YAML round trip
  // that gives each message its field.
  if (schemaIssues(UNLOCATED, object, schema).length === 0) return [];
  const parsed = parseScenarioText(stringify(object), '(candidate)');
  if (!parsed.ok) return parsed.issues.map((i) => `${i.field}: ${i.message}`);
  return schemaIssues(parsed.source, parsed.value, schema).map((i) => `${i.field}: ${i.message}`);
}

/** Problems of an HPA object's shape (unknown keys, types, bounds), as `field: message`. */
export function hpaShapeProblems(object: Json): string[] {
  return shapeProblems(object, HpaManifest);
}

/**
 * An HPA object to the spec the controller runs, through the scenario loader's own resolution;
 * every problem it finds as `field: message`.
 */
export function resolveHpaManifest(
  object: Json,
  containerName: string,
  scaleToZeroGate: boolean,
): { ok: true; spec: HpaSpec } | { ok: false; problems: string[] } {
  const shape = hpaShapeProblems(object);
  if (shape.length > 0) return { ok: false, problems: shape };
  const problems: string[] = [];
  const fail = (p: PathSegment[], m: string) => {
    problems.push(`${fieldOf('spec', p[0] === 'spec' ? p.slice(1) : p)}: ${m}`);
  };
  const spec = resolveAutoscaling(
    fail,
    [],
    containerName,
    { value: object as never, fail },
    undefined,
    scaleToZeroGate,
  );
  if (problems.length > 0 || spec === null) return { ok: false, problems };
  return { ok: true, spec };
}
