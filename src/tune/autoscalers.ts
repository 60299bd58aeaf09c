/**
 * Autoscalers a space may tune, by the name its `autoscaler:` parameter uses. Each knows its
 * object as written in a manifest (what parameter paths address), how a candidate's value is set in
 * it, and how the object resolves to what the simulation runs, with the scenario loader's own checks.
 * Only `hpa` is registered; another autoscaler plugs in with an entry here.
 */
import type { Scenario, ServiceConfig } from '../scenario/types.js';
import type { PathSegment } from '../scenario/source.js';
import {
  cloneJson,
  hpaObject,
  hpaShapeProblems,
  hpaSpecManifest,
  resolveHpaManifest,
  setSpecPath,
  specPath,
  type Json,
} from './hpa-manifest.js';

/** Names the written object carries: the HPA's own and its scale target's. */
export interface ObjectNames {
  hpa: string;
  deployment: string;
  service: string;
}

export interface TunableAutoscaler {
  description: string;
  /** The service's current policy as the manifest object a candidate starts from; null when it has none. */
  base(svc: ServiceConfig, names: ObjectNames): Json | null;
  /** Sets one parameter in a copy-owned object; a problem when the path does not exist there. */
  set(object: Json, path: readonly PathSegment[], value: unknown): string | null;
  /** Problems of shape only (unknown keys, types, bounds): a space file error, not a candidate's. */
  shapeProblems(object: Json): string[];
  /** The service with the object applied, or why it cannot run (an infeasible candidate). */
  apply(
    scenario: Scenario,
    svc: ServiceConfig,
    object: Json,
  ): { ok: true; service: ServiceConfig } | { ok: false; problems: string[] };
}

const hpa: TunableAutoscaler = {
  description: 'the Kubernetes HorizontalPodAutoscaler (autoscaling/v2), exact',
  base(svc, names) {
    return svc.hpa ? hpaObject(hpaSpecManifest(svc.hpa), names) : null;
  },
  set(object, path, value) {
    const spec = object.spec as Json;
    return setSpecPath(spec, specPath(spec, path), value);
  },
  shapeProblems: hpaShapeProblems,
  apply(scenario, svc, object) {
    const r = resolveHpaManifest(object, svc.containerName, scenario.controller.featureGates.HPAScaleToZero);
    if (!r.ok) return r;
    // The scenario loader's rule: a service starts within its HPA's range.
    if (svc.replicas < r.spec.minReplicas || svc.replicas > r.spec.maxReplicas)
      return {
        ok: false,
        problems: [
          `the service starts with ${svc.replicas} replica(s), outside the HPA's [${r.spec.minReplicas}, ${r.spec.maxReplicas}] (its replicas in the scenario)`,
        ],
      };
    return { ok: true, service: { ...svc, hpa: r.spec } };
  },
};

export const TUNABLE_AUTOSCALERS = { hpa } as const satisfies Record<string, TunableAutoscaler>;
export type TunableAutoscalerName = keyof typeof TUNABLE_AUTOSCALERS;
export const TUNABLE_AUTOSCALER_NAMES = Object.keys(TUNABLE_AUTOSCALERS) as TunableAutoscalerName[];

export { cloneJson };
