/**
 * From a scenario and its space to the candidates a tune runs, and from a candidate to the
 * scenario it simulates:
 *
 *   space -> strategy -> candidates [{ id, values }]   (id = index: stable for a space and seed)
 *   candidate -> each tuned service's object = its base object with every parameter set
 *             -> resolved by the scenario loader's rules -> scenario with those policies, or the
 *                problems that make the candidate invalid (min > max, a target of 0, ...)
 *
 * A TuneContext is everything about a tune except its results: it goes at the head of every
 * checkpoint, so `tune merge` and a resumed run render exactly what an uninterrupted one would,
 * and its fingerprint tells a checkpoint of another scenario or space apart.
 */
import { createHash } from 'node:crypto';
import type { Scenario } from '../scenario/types.js';
import { TUNABLE_AUTOSCALERS, cloneJson, type TunableAutoscalerName } from './autoscalers.js';
import type { Json } from './hpa-manifest.js';
import { objectNames, type TuneSpace } from './space.js';
import { STRATEGIES, type ParamValue } from './strategies.js';

export const CONTEXT_FORMAT = 'inferscale-tune/1';

export interface Candidate {
  id: number;
  /** One value per space parameter, in the space's order. */
  values: ParamValue[];
}

export interface TuneContext {
  format: typeof CONTEXT_FORMAT;
  scenario: string;
  space: TuneSpace;
  /** Seeds every candidate runs: the scenario's seed and the next ones. */
  seeds: number[];
  /** Each tuned service's policy as the scenario has it, as a manifest object. */
  bases: { service: string; autoscaler: TunableAutoscalerName; object: Json }[];
  candidates: Candidate[];
  /** sha256 of the scenario as run (duration applied), the space and the candidates. */
  fingerprint: string;
}

export function buildContext(scenario: Scenario, space: TuneSpace, scenarioValue: Json): TuneContext {
  const strategy = STRATEGIES[space.strategy];
  const rows = strategy.generate({
    names: space.parameters.map((p) => p.name),
    domains: space.parameters.map((p) => p.domain),
    budget: space.budget ?? 0,
    seed: space.seed,
  });
  const candidates = rows.map((values, id) => ({ id, values }));
  const bases = space.services.map((service) => {
    const svc = scenario.services.find((s) => s.name === service)!;
    return {
      service,
      autoscaler: 'hpa' as const,
      object: TUNABLE_AUTOSCALERS.hpa.base(svc, objectNames(scenarioValue, service))!,
    };
  });
  const seeds = Array.from({ length: space.seedsPerCandidate }, (_, i) => scenario.seed + i);
  const { sourceFile: _file, ...asRun } = { ...scenario, durationUs: space.durationUs };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ format: CONTEXT_FORMAT, scenario: asRun, space, seeds, bases, candidates }))
    .digest('hex');
  return { format: CONTEXT_FORMAT, scenario: scenario.name, space, seeds, bases, candidates, fingerprint };
}

/** A candidate's value of each parameter, by name. */
export function candidateParams(ctx: TuneContext, c: Candidate): Record<string, ParamValue> {
  return Object.fromEntries(ctx.space.parameters.map((p, i) => [p.name, c.values[i]]));
}

/** Each tuned service's object with the candidate's values set; a problem when a path is missing. */
export function candidateObjects(
  ctx: TuneContext,
  c: Candidate,
): { ok: true; objects: TuneContext['bases'] } | { ok: false; problems: string[] } {
  const auto = ctx.space.parameters.findIndex((p) => p.target === 'autoscaler');
  const problems: string[] = [];
  const objects = ctx.bases.map((b) => {
    const autoscaler = (auto >= 0 ? c.values[auto] : b.autoscaler) as TunableAutoscalerName;
    const entry = TUNABLE_AUTOSCALERS[autoscaler];
    const object = cloneJson(b.object);
    ctx.space.parameters.forEach((p, i) => {
      if (p.target !== 'policy') return;
      const problem = entry.set(object, p.path, c.values[i]);
      if (problem) problems.push(`${b.service}: ${problem}`);
    });
    return { service: b.service, autoscaler, object };
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, objects };
}

/** The scenario a candidate runs (duration from the space), or why it cannot run. */
export function applyCandidate(
  scenario: Scenario,
  ctx: TuneContext,
  c: Candidate,
): { ok: true; scenario: Scenario } | { ok: false; problems: string[] } {
  const built = candidateObjects(ctx, c);
  if (!built.ok) return built;
  const problems: string[] = [];
  const services = scenario.services.map((svc) => {
    const o = built.objects.find((x) => x.service === svc.name);
    if (!o) return svc;
    const r = TUNABLE_AUTOSCALERS[o.autoscaler].apply(scenario, svc, o.object);
    if (!r.ok) {
      problems.push(...r.problems.map((p) => `${svc.name}: ${p}`));
      return svc;
    }
    return r.service;
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, scenario: { ...scenario, durationUs: ctx.space.durationUs, services } };
}
