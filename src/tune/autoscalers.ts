/**
 * Autoscalers a space may tune, by the name its `autoscaler:` parameter uses, and the objects a
 * parameter path addresses, by the path's first word:
 *
 *   part         object (as a user writes it)                     a path like
 *   hpa          autoscaling/v2 HorizontalPodAutoscaler (spec)    hpa.maxReplicas (or maxReplicas: no prefix)
 *   keda         keda.sh/v1alpha1 ScaledObject (spec)             keda.pollingInterval, keda.triggers[0].metadata.listLength
 *   kpa          the `kpa:` settings (Knative annotations)        kpa.target, kpa.stableWindow
 *   predictive   the `predictive:` settings                       predictive.horizon, predictive.alpha
 *
 *   autoscaler   its parts          base: the service's own policy, or one made from its HPA
 *   hpa          hpa                the HPA
 *   predictive   hpa + predictive   the HPA, fed Holt-Winters forecasts (defaults)
 *   keda         keda               a ScaledObject on the service's Redis list, the HPA's bounds
 *   kpa          kpa                Knative's defaults, the HPA's bounds as min/max-scale
 *
 * A candidate's policy for a service is one object per part of its autoscaler; a parameter of a part
 * its autoscaler lacks does not apply to it (candidates.ts never varies it there). Each object
 * resolves to what the simulation runs through the scenario loader's own code, so a candidate the
 * loader would refuse is an infeasible candidate with the loader's message.
 */
import type { TSchema } from '@sinclair/typebox';
import type { KpaSpec } from '../autoscale/kpa/types.js';
import { resolvePredictive, type PredictiveSettingsSpec } from '../scenario/forecast-resolve.js';
import { PredictiveSettings } from '../scenario/forecast-schema.js';
import { HpaManifest } from '../scenario/k8s-schema.js';
import { queueListName, resolveKeda, scaledObjectInput } from '../scenario/keda-resolve.js';
import type { ScaledObjectManifestSpec } from '../scenario/keda-resolve.js';
import { ScaledObjectManifest } from '../scenario/keda-schema.js';
import { resolveKpa, type KpaSettingsSpec } from '../scenario/kpa-resolve.js';
import { KpaSettings } from '../scenario/kpa-schema.js';
import type { PathSegment } from '../scenario/source.js';
import type { Scenario, ServiceConfig } from '../scenario/types.js';
import {
  behaviorManifest,
  cloneJson,
  fieldOf,
  hpaObject,
  hpaSpecManifest,
  resolveHpaManifest,
  setPath,
  setSpecPath,
  shapeProblems,
  specPath,
  type Json,
} from './hpa-manifest.js';

/** Names the written objects carry: the HPA's (or ScaledObject's) own and its scale target's. */
export interface ObjectNames {
  hpa: string;
  deployment: string;
  service: string;
}

export const POLICY_PARTS = ['hpa', 'keda', 'kpa', 'predictive'] as const;
export type PolicyPart = (typeof POLICY_PARTS)[number];
/** A service's policy in a candidate: the object of each part of its autoscaler. */
export type PolicyObjects = Partial<Record<PolicyPart, Json>>;

export interface PolicyPartEntry {
  /** What a path of this part addresses, for messages. */
  description: string;
  /** The object's schema (field kinds, shape checks). */
  schema: TSchema;
  /** Where `path` (as written after the prefix) lands in the object. */
  fullPath(object: Json, path: readonly PathSegment[]): PathSegment[];
  /** Sets one parameter in a copy-owned object; a problem when the path does not exist there. */
  set(object: Json, path: readonly PathSegment[], value: unknown): string | null;
  /** Fields that take whole numbers although the schema says number (KEDA's metadata strings). */
  integerField?(full: readonly PathSegment[]): boolean;
}

const PARTS: Record<PolicyPart, PolicyPartEntry> = {
  hpa: {
    description: "the autoscaling/v2 HPA's spec",
    schema: HpaManifest,
    fullPath: (object, path) => ['spec', ...specPath(object.spec as Json, path)],
    set: (object, path, value) => {
      const spec = object.spec as Json;
      return setSpecPath(spec, specPath(spec, path), value);
    },
  },
  keda: {
    description: "the KEDA ScaledObject's spec",
    schema: ScaledObjectManifest,
    fullPath: (_object, path) => ['spec', ...path],
    // KEDA reads trigger metadata as strings ("5"): a number set there is written as one, so the
    // ScaledObject is what the KEDA CRD accepts.
    set: (object, path, value) =>
      setPath(
        object.spec as Json,
        'spec',
        path,
        path[0] === 'triggers' && path[2] === 'metadata' && typeof value === 'number' ? String(value) : value,
      ),
    integerField: (full) =>
      full[1] === 'triggers' &&
      full[3] === 'metadata' &&
      (full[4] === 'listLength' || full[4] === 'activationListLength'),
  },
  kpa: {
    description: 'the kpa: settings',
    schema: KpaSettings,
    fullPath: (_object, path) => [...path],
    set: (object, path, value) => setPath(object, '', path, value),
  },
  predictive: {
    description: 'the predictive: settings',
    schema: PredictiveSettings,
    fullPath: (_object, path) => [...path],
    set: (object, path, value) => setPath(object, '', path, value),
  },
};

export function policyPart(part: PolicyPart): PolicyPartEntry {
  return PARTS[part];
}

/** Problems of one part's object's shape (unknown keys, types, bounds), as `field: message`. */
export function partShapeProblems(part: PolicyPart, object: Json): string[] {
  return shapeProblems(object, PARTS[part].schema);
}

/** What a service's policy is made from: the resolved service and the scenario file as written. */
export interface BaseInput {
  svc: ServiceConfig;
  names: ObjectNames;
  /** The service's entry in the scenario file as written (its inline keda:, kpa:, predictive:). */
  written: Json;
  /** The service's ScaledObject manifest when it comes from its `manifests` file. */
  scaledObject: Json | null;
}

export type Applied = { ok: true; service: ServiceConfig } | { ok: false; problems: string[] };

export interface TunableAutoscaler {
  description: string;
  /** The objects its policy has: which parameter paths apply to it. */
  parts: readonly PolicyPart[];
  /** The service's own policy when it runs this autoscaler, else one made from its HPA; null when it has neither. */
  base(input: BaseInput): PolicyObjects | null;
  /** The service with the policy applied, or why it cannot run (an infeasible candidate). */
  apply(scenario: Scenario, svc: ServiceConfig, policy: PolicyObjects): Applied;
}

/** The autoscaler a service runs in the scenario, when it is one that can be tuned. */
export function ownAutoscaler(svc: ServiceConfig): TunableAutoscalerName | null {
  const other = svc.autoscaler?.policy;
  if (other === 'oracle') return null;
  if (other) return other;
  return svc.hpa ? 'hpa' : null;
}

/** The service without its autoscalers: what every candidate's policy is applied to. */
function bare(svc: ServiceConfig): ServiceConfig {
  const { autoscaler: _autoscaler, ...rest } = svc;
  return { ...rest, hpa: null };
}

/** Problems of a shape check, each placed under its part (`keda spec.minReplicaCount: ...`). */
function under(part: PolicyPart, problems: string[]): string[] {
  return problems.map((p) => `${part} ${p}`);
}

function resolveHpa(scenario: Scenario, svc: ServiceConfig, object: Json) {
  const r = resolveHpaManifest(object, svc.containerName, scenario.controller.featureGates.HPAScaleToZero);
  if (!r.ok) return r;
  // The scenario loader's rule: a service starts within its HPA's range.
  if (svc.replicas < r.spec.minReplicas || svc.replicas > r.spec.maxReplicas)
    return {
      ok: false as const,
      problems: [
        `the service starts with ${svc.replicas} replica(s), outside the HPA's [${r.spec.minReplicas}, ${r.spec.maxReplicas}] (its replicas in the scenario)`,
      ],
    };
  return r;
}

const hpa: TunableAutoscaler = {
  description: 'the Kubernetes HorizontalPodAutoscaler (autoscaling/v2), exact',
  parts: ['hpa'],
  base({ svc, names }) {
    return svc.hpa ? { hpa: hpaObject(hpaSpecManifest(svc.hpa), names) } : null;
  },
  apply(scenario, svc, policy) {
    const r = resolveHpa(scenario, svc, policy.hpa!);
    if (!r.ok) return r;
    return { ok: true, service: { ...bare(svc), hpa: r.spec } };
  },
};

/** The predictive settings with every default written out (the horizon: the mean pod start delay). */
function predictiveSettings(svc: ServiceConfig, written: Json | undefined): Json {
  const p = resolvePredictive((written ?? {}) as PredictiveSettingsSpec, svc, () => {});
  return {
    alpha: p.alpha,
    beta: p.beta,
    gamma: p.gamma,
    ...(p.seasonPeriodSeconds !== null ? { seasonPeriod: p.seasonPeriodSeconds } : {}),
    horizon: p.horizonSeconds,
  };
}

const predictive: TunableAutoscaler = {
  description: "the service's HPA on Holt-Winters forecasts of its metrics",
  parts: ['hpa', 'predictive'],
  base({ svc, names, written }) {
    if (!svc.hpa) return null;
    const own = svc.autoscaler?.policy === 'predictive' ? (written.predictive as Json) : undefined;
    return { hpa: hpaObject(hpaSpecManifest(svc.hpa), names), predictive: predictiveSettings(svc, own) };
  },
  apply(scenario, svc, policy) {
    const shape = partShapeProblems('predictive', policy.predictive!);
    if (shape.length > 0) return { ok: false, problems: under('predictive', shape) };
    const r = resolveHpa(scenario, svc, policy.hpa!);
    if (!r.ok) return r;
    const problems: string[] = [];
    const spec = resolvePredictive(policy.predictive as PredictiveSettingsSpec, svc, (p, m) =>
      problems.push(`predictive ${fieldOf('', p)}: ${m}`),
    );
    if (problems.length > 0) return { ok: false, problems };
    return {
      ok: true,
      service: { ...bare(svc), hpa: r.spec, autoscaler: { policy: 'predictive', predictive: spec } },
    };
  },
};

/**
 * A ScaledObject for a service that has only an HPA: a Redis list trigger on its queue at KEDA's
 * default listLength, the HPA's bounds (so no scale to zero unless minReplicaCount is tuned to 0),
 * KEDA's default timings, the HPA's behavior as the advanced HPA config.
 */
function kedaFromHpa(svc: ServiceConfig, names: ObjectNames): Json {
  const h = svc.hpa!;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: names.deployment, annotations: { 'inferscale.io/service': names.service } },
    spec: {
      scaleTargetRef: { name: names.deployment },
      pollingInterval: 30,
      cooldownPeriod: 300,
      minReplicaCount: h.minReplicas,
      maxReplicaCount: h.maxReplicas,
      ...(h.behavior
        ? { advanced: { horizontalPodAutoscalerConfig: { behavior: behaviorManifest(h.behavior) } } }
        : {}),
      triggers: [
        {
          type: 'redis',
          metadata: {
            address: 'ei-redis-svc:6379', // the seed's Redis Service; not used by the simulation
            listName: queueListName(svc.name),
            listLength: '5',
            activationListLength: '0',
          },
        },
      ],
    },
  };
}

/** The service's own ScaledObject as a manifest: from its manifests file, or its inline `keda:`. */
function ownScaledObject(input: BaseInput): Json {
  if (input.scaledObject) return cloneJson(input.scaledObject);
  const { name, annotations, ...spec } = input.written.keda as Json;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name: typeof name === 'string' ? name : input.names.service,
      annotations: {
        ...((annotations as Json | undefined) ?? {}),
        'inferscale.io/service': input.names.service,
      },
    },
    spec: cloneJson(spec),
  };
}

const keda: TunableAutoscaler = {
  description: 'a KEDA ScaledObject (its poll, activation, cooldown and the HPA it feeds)',
  parts: ['keda'],
  base(input) {
    if (input.svc.autoscaler?.policy === 'keda') return { keda: ownScaledObject(input) };
    return input.svc.hpa ? { keda: kedaFromHpa(input.svc, input.names) } : null;
  },
  apply(scenario, svc, policy) {
    const object = policy.keda!;
    const shape = partShapeProblems('keda', object);
    if (shape.length > 0) return { ok: false, problems: under('keda', shape) };
    const problems: string[] = [];
    const spec = resolveKeda(
      scaledObjectInput(object as unknown as ScaledObjectManifestSpec, (p, m) =>
        problems.push(`keda ${fieldOf('', p)}: ${m}`),
      ),
      svc.name,
      scenario.services.map((s) => s.name),
    );
    if (!spec || problems.length > 0) return { ok: false, problems };
    return { ok: true, service: { ...bare(svc), autoscaler: { policy: 'keda', keda: spec } } };
  },
};

/** The `kpa:` settings that resolve to `k`, every default written out. */
export function kpaSettings(k: KpaSpec): Json {
  return {
    metric: k.metric,
    target: k.target,
    targetUtilizationPercentage: k.targetUtilizationPercentage,
    containerConcurrency: k.containerConcurrency,
    targetBurstCapacity: k.targetBurstCapacity,
    stableWindow: k.stableWindowSeconds,
    panicWindowPercentage: k.panicWindowPercentage,
    panicThresholdPercentage: k.panicThresholdPercentage,
    maxScaleUpRate: k.maxScaleUpRate,
    maxScaleDownRate: k.maxScaleDownRate,
    scaleToZero: k.enableScaleToZero,
    scaleToZeroGracePeriod: k.scaleToZeroGracePeriodSeconds,
    scaleToZeroPodRetentionPeriod: k.scaleToZeroPodRetentionPeriodSeconds,
    scaleDownDelay: k.scaleDownDelaySeconds,
    minScale: k.minScale,
    maxScale: k.maxScale,
    ...(k.activationScale > 0 ? { activationScale: k.activationScale } : {}),
    progressDeadline: k.progressDeadlineSeconds,
    aggregation: k.aggregation,
  };
}

function resolveKpaSettings(svc: ServiceConfig, object: Json) {
  const problems: string[] = [];
  const spec = resolveKpa(object as KpaSettingsSpec, ['kpa'], svc.replicas, (p, m) =>
    problems.push(`${p[0] === 'kpa' ? fieldOf('kpa', p.slice(1)) : fieldOf('', p)}: ${m}`),
  );
  return spec && problems.length === 0 ? { ok: true as const, spec } : { ok: false as const, problems };
}

const kpa: TunableAutoscaler = {
  description: 'the Knative Pod Autoscaler (stable and panic windows, target per pod)',
  parts: ['kpa'],
  base({ svc, written }) {
    if (svc.autoscaler?.policy === 'kpa') return { kpa: cloneJson(written.kpa as Json) };
    if (!svc.hpa) return null;
    // Knative's defaults (its target of 100 in flight suits HTTP; tune kpa.target), the HPA's bounds.
    const r = resolveKpaSettings(svc, { minScale: svc.hpa.minReplicas, maxScale: svc.hpa.maxReplicas });
    return r.ok ? { kpa: kpaSettings(r.spec) } : null;
  },
  apply(_scenario, svc, policy) {
    const object = policy.kpa!;
    const shape = partShapeProblems('kpa', object);
    if (shape.length > 0) return { ok: false, problems: under('kpa', shape) };
    const r = resolveKpaSettings(svc, object);
    if (!r.ok) return r;
    return { ok: true, service: { ...bare(svc), autoscaler: { policy: 'kpa', kpa: r.spec } } };
  },
};

export const TUNABLE_AUTOSCALERS = { hpa, keda, kpa, predictive } as const satisfies Record<
  string,
  TunableAutoscaler
>;
export type TunableAutoscalerName = keyof typeof TUNABLE_AUTOSCALERS;
export const TUNABLE_AUTOSCALER_NAMES = Object.keys(TUNABLE_AUTOSCALERS) as TunableAutoscalerName[];

/** The autoscalers that have a part (those a parameter of that part applies to). */
export function autoscalersWith(part: PolicyPart): TunableAutoscalerName[] {
  return TUNABLE_AUTOSCALER_NAMES.filter((a) => TUNABLE_AUTOSCALERS[a].parts.includes(part));
}

export { cloneJson };
