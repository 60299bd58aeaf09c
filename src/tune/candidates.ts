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
import type { InputFile, Scenario } from '../scenario/types.js';
import {
  TUNABLE_AUTOSCALERS,
  cloneJson,
  ownAutoscaler,
  type ObjectNames,
  type PolicyObjects,
  type TunableAutoscalerName,
} from './autoscalers.js';
import type { Json } from './hpa-manifest.js';
import { meanStartSeconds } from '../autoscale/oracle/plan.js';
import { policyPart } from './autoscalers.js';
import { baseInput, candidateGroups, type TuneSpace } from './space.js';
import { STRATEGIES, type CandidateValue, type ParamValue } from './strategies.js';

export const CONTEXT_FORMAT = 'inferscale-tune/2';

export interface Candidate {
  id: number;
  /** One value per space parameter, in the space's order; null where it does not apply. */
  values: CandidateValue[];
}

/** A tuned service's policy: its autoscaler and the object of each of that autoscaler's parts. */
export interface ServicePolicy {
  service: string;
  autoscaler: TunableAutoscalerName;
  object: PolicyObjects;
}

export interface TuneContext {
  format: typeof CONTEXT_FORMAT;
  scenario: string;
  space: TuneSpace;
  /** Seeds every candidate runs: the scenario's seed and the next ones. */
  seeds: number[];
  /**
   * Each tuned service's own autoscaler and, for every autoscaler its candidates may run, the policy
   * they start from (its own as the scenario has it, or one made from its HPA).
   */
  bases: {
    service: string;
    autoscaler: TunableAutoscalerName;
    /** The names its written objects carry. */
    names: ObjectNames;
    policies: Partial<Record<TunableAutoscalerName, PolicyObjects>>;
  }[];
  candidates: Candidate[];
  /**
   * The files read to make the scenario, then the space file (as a report lists them); outside the
   * fingerprint. Absent in checkpoints written before it existed.
   */
  inputFiles?: InputFile[];
  /**
   * What the oracle reference meets (the scenario's slo, or the space's drop % and p95 latency
   * constraints when it has none); null: no oracle run, no regret.
   */
  oracleSlo: Scenario['slo'] | null;
  /** The fluid engine when the scenario asks for it (its KPIs are then the fluid engine's). */
  engine?: Scenario['engine'];
  /** sha256 of the scenario as run (duration applied), the space and the candidates. */
  fingerprint: string;
}

export function buildContext(scenario: Scenario, space: TuneSpace, scenarioValue: Json): TuneContext {
  // 1. The candidates: each group's rows from the strategy, placed in the space's columns.
  const strategy = STRATEGIES[space.strategy];
  const auto = space.parameters.findIndex((p) => p.target === 'autoscaler');
  const groups = candidateGroups(space.parameters, space.budget ?? 0);
  const rows: CandidateValue[][] = [];
  for (const g of groups) {
    const generated =
      g.params.length === 0 && g.autoscaler !== null
        ? [[]] // an autoscaler with no parameter of its own: its base policy, once
        : strategy.generate({
            names: g.params.map((i) => space.parameters[i].name),
            domains: g.params.map((i) => space.parameters[i].domain),
            budget: g.budget,
            seed: space.seed,
            stream: groups.length > 1 ? (g.autoscaler ?? '') : '',
          });
    for (const values of generated) {
      const row: CandidateValue[] = space.parameters.map(() => null);
      if (auto >= 0) row[auto] = g.autoscaler;
      g.params.forEach((i, k) => (row[i] = values[k]));
      rows.push(row);
    }
  }
  const candidates = rows.map((values, id) => ({ id, values }));
  // 2. The policies candidates start from.
  const runs =
    auto >= 0 ? (space.parameters[auto].domain as { values: TunableAutoscalerName[] }).values : null;
  const bases = space.services.map((service) => {
    const input = baseInput(scenario, scenarioValue, service);
    const own = ownAutoscaler(input.svc)!;
    const policies: Partial<Record<TunableAutoscalerName, PolicyObjects>> = {};
    for (const a of runs ?? [own]) policies[a] = TUNABLE_AUTOSCALERS[a].base(input)!;
    return { service, autoscaler: own, names: input.names, policies };
  });
  const seeds = Array.from({ length: space.seedsPerCandidate }, (_, i) => scenario.seed + i);
  const oracleSlo = oracleSloOf(scenario, space);
  // What the runs depend on: not where the scenario sits, nor its bytes (a comment edit keeps the checkpoint).
  const { sourceFile: _file, inputFiles: _inputs, ...asRun } = { ...scenario, durationUs: space.durationUs };
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({ format: CONTEXT_FORMAT, scenario: asRun, space, seeds, bases, candidates, oracleSlo }),
    )
    .digest('hex');
  return {
    format: CONTEXT_FORMAT,
    scenario: scenario.name,
    space,
    seeds,
    bases,
    candidates,
    oracleSlo,
    ...(scenario.engine ? { engine: scenario.engine } : {}),
    fingerprint,
  };
}

/** A candidate's value of each parameter that applies to it, by name. */
export function candidateParams(ctx: TuneContext, c: Candidate): Record<string, ParamValue> {
  return Object.fromEntries(
    ctx.space.parameters.flatMap((p, i) => (c.values[i] === null ? [] : [[p.name, c.values[i]]])),
  );
}

/** Each tuned service's policy with the candidate's values set; a problem when a path is missing. */
export function candidateObjects(
  ctx: TuneContext,
  c: Candidate,
): { ok: true; objects: ServicePolicy[] } | { ok: false; problems: string[] } {
  const auto = ctx.space.parameters.findIndex((p) => p.target === 'autoscaler');
  const problems: string[] = [];
  const objects = ctx.bases.map((b) => {
    const autoscaler = (auto >= 0 ? c.values[auto] : b.autoscaler) as TunableAutoscalerName;
    const object = cloneJson(b.policies[autoscaler]!);
    ctx.space.parameters.forEach((p, i) => {
      const value = c.values[i];
      if (p.target !== 'policy' || value === null || !object[p.part!]) return;
      const problem = policyPart(p.part!).set(object[p.part!]!, p.path, value);
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

/**
 * The two runs every tune compares its candidates with, recorded like candidates under ids below 0:
 * `baseline` (-1), the scenario as written (each service's own policy), and `oracle` (-2), each tuned
 * service run by the oracle (the fewest replicas that meet the SLO, knowing the future load and the
 * start delays: the lower bound a candidate's regret is measured against).
 */
export const REFERENCES = { baseline: -1, oracle: -2 } as const;
export type ReferenceName = keyof typeof REFERENCES;

/** The reference runs of a tune, by id (the oracle only when there is an SLO for it to meet). */
export function referenceIds(ctx: TuneContext): number[] {
  return ctx.oracleSlo ? [REFERENCES.baseline, REFERENCES.oracle] : [REFERENCES.baseline];
}

export function isReference(id: number): boolean {
  return id < 0;
}

function oracleSloOf(scenario: Scenario, space: TuneSpace): Scenario['slo'] | null {
  if (scenario.slo.maxDropPercent !== null || scenario.slo.maxP95LatencySeconds !== null) return scenario.slo;
  const bound = (kpi: string) => {
    const c = space.constraints.filter((x) => x.kpi === kpi && (x.op === '<=' || x.op === '<'));
    return c.length > 0 ? Math.min(...c.map((x) => x.value)) : null;
  };
  const slo = { maxDropPercent: bound('dropPercent'), maxP95LatencySeconds: bound('latencyP95Seconds') };
  return slo.maxDropPercent !== null || slo.maxP95LatencySeconds !== null ? slo : null;
}

/** The scenario a reference runs (duration from the space). */
export function referenceScenario(scenario: Scenario, ctx: TuneContext, id: number): Scenario {
  const durationUs = ctx.space.durationUs;
  if (id === REFERENCES.baseline) return { ...scenario, durationUs };
  if (id !== REFERENCES.oracle || !ctx.oracleSlo) throw new Error(`no reference run ${id}`);
  const services = scenario.services.map((svc) => {
    if (!ctx.space.services.includes(svc.name)) return svc;
    const { autoscaler: _a, ...rest } = svc;
    return {
      ...rest,
      hpa: null,
      autoscaler: {
        policy: 'oracle' as const,
        oracle: { leadSeconds: meanStartSeconds(svc), minReplicas: 0, maxReplicas: 100 },
      },
    };
  });
  return { ...scenario, durationUs, services, slo: ctx.oracleSlo };
}
