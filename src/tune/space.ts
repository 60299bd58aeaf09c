/**
 * The search space file of `inferscale tune`, types first, read with positions so that every
 * problem is `file:line:col field: message`:
 *
 *   service: people                      # or a list; default: every service with an HPA
 *   duration: 5m                         # optional: overrides the scenario's duration
 *   strategy: lhs                        # grid (default), random or lhs
 *   budget: 40                           # candidates (random, lhs); a ceiling for grid
 *   seed: 1                              # of the random and Latin hypercube draws
 *   seedsPerCandidate: 3                 # the scenario's seed and the next ones; KPIs are medians
 *   parameters:                          # PART.path: hpa (the default), keda, kpa, predictive
 *     metrics[0].target.averageValue: [0.8, 1, 1.2]
 *     behavior.scaleDown.stabilizationWindowSeconds: { min: 0, max: 600, step: 60 }
 *     keda.pollingInterval: [15, 30]
 *     kpa.target: { min: 1, max: 4 }
 *     autoscaler: [hpa, keda, kpa, predictive]
 *   objective: cost                      # or a list: ties go to the next
 *   constraints: ['dropPercent <= 1']
 *
 *   read (YAML with positions) -> schema (unknown keys, types) -> resolve against the scenario:
 *   services, autoscalers, parameter paths (tried on the object of its part in every service and
 *   autoscaler it applies to, with every listed value and each range's ends), strategy and budget,
 *   objective and constraints -> TuneSpace
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { ConfigIssue } from '../errors.js';
import { parseDurationUs } from '../scenario/duration.js';
import { Duration, Obj } from '../scenario/schema-base.js';
import {
  readManifestFile,
  readMappingFile,
  type PathSegment,
  type ReadResult,
  type ScenarioSource,
} from '../scenario/source.js';
import type { Scenario } from '../scenario/types.js';
import { schemaIssues } from '../scenario/validate.js';
import {
  POLICY_PARTS,
  TUNABLE_AUTOSCALERS,
  TUNABLE_AUTOSCALER_NAMES,
  autoscalersWith,
  cloneJson,
  ownAutoscaler,
  partShapeProblems,
  policyPart,
  type BaseInput,
  type ObjectNames,
  type PolicyPart,
  type TunableAutoscalerName,
} from './autoscalers.js';
import type { Json } from './hpa-manifest.js';
import { KPIS, isPriced, type KpiName } from './kpis.js';
import { STRATEGIES, STRATEGY_NAMES, gridSize, type Domain, type StrategyName } from './strategies.js';

export const MAX_CANDIDATES = 100_000;
export const DEFAULT_SEEDS_PER_CANDIDATE = 3;

export const SpaceFile = Obj(
  {
    $schema: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    service: Type.Optional(
      Type.Unknown({
        description: 'A service name or a list of them; default: every service with an autoscaler to tune.',
      }),
    ),
    duration: Type.Optional(Duration),
    strategy: Type.Optional(
      Type.Union(
        STRATEGY_NAMES.map((n) => Type.Literal(n)),
        { description: 'grid (default), random or lhs (Latin hypercube).' },
      ),
    ),
    budget: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CANDIDATES })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })),
    seedsPerCandidate: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    parameters: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'PART.path (PART: hpa, the default, keda, kpa or predictive) -> a list of values, or {min, max, step?, integer?}; autoscaler -> a list of autoscalers.',
    }),
    objective: Type.Optional(
      Type.Unknown({ description: 'A KPI to minimise, or a list (ties go to the next).' }),
    ),
    constraints: Type.Optional(
      Type.Array(Type.String(), { description: "Each as 'KPI <= number' (or <, >=, >)." }),
    ),
  },
  { description: 'An inferscale tune search space.' },
);
export type SpaceFileSpec = Static<typeof SpaceFile>;

export interface Parameter {
  /** As written in the space file: the CSV column and the key in every record. */
  name: string;
  /** `autoscaler` picks the registered autoscaler; `policy` sets a field of its object. */
  target: 'autoscaler' | 'policy';
  /** The object a policy parameter sets a field of (its prefix); null for `autoscaler`. */
  part: PolicyPart | null;
  /** Relative to the part's object (its spec for manifests); empty for `autoscaler`. */
  path: PathSegment[];
  domain: Domain;
}

export type ConstraintOp = '<=' | '<' | '>=' | '>';

export interface Constraint {
  kpi: KpiName;
  op: ConstraintOp;
  value: number;
  text: string;
}

export interface TuneSpace {
  description: string;
  services: string[];
  /** The scenario's duration unless the space overrides it. */
  durationUs: number;
  strategy: StrategyName;
  budget: number | null;
  seed: number;
  seedsPerCandidate: number;
  parameters: Parameter[];
  objective: KpiName[];
  /** The front's cost axis: `cost` when the pods have a price, else `replicaSeconds`. */
  paretoX: 'cost' | 'replicaSeconds';
  constraints: Constraint[];
}

export function readSpaceFile(file: string): ReturnType<typeof readMappingFile> {
  return readMappingFile(file, 'space', {
    empty: 'is empty; a tune space needs at least parameters',
    notMapping: 'a tune space must be a mapping of keys (parameters, strategy, objective, ...)',
  });
}

/** The names a service's written policy carries (from the scenario file's inline HPA when it has them). */
export function objectNames(scenarioValue: Json, service: string): ObjectNames {
  const svc = ((scenarioValue.services ?? {}) as Record<string, Json>)[service] ?? {};
  const hpa = (svc.hpa ?? {}) as {
    metadata?: { name?: unknown };
    spec?: { scaleTargetRef?: { name?: unknown } };
  };
  const fallback = `ei-infer-${service}`;
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null);
  const deployment = str(hpa.spec?.scaleTargetRef?.name) ?? fallback;
  return { hpa: str(hpa.metadata?.name) ?? deployment, deployment, service };
}

const SEGMENT = /^([A-Za-z][A-Za-z0-9]*)((?:\[[0-9]+\])*)$/;

/**
 * `keda.triggers[0].metadata.listLength` -> part keda, ['triggers', 0, 'metadata', 'listLength'];
 * a path without a part's prefix is the HPA's (`maxReplicas`, `hpa.spec.maxReplicas`). Manifests
 * (hpa, keda) may also spell out `spec.`. Null when malformed.
 */
export function parseParameterPath(name: string): { part: PolicyPart; path: PathSegment[] } | null {
  let parts = name.split('.');
  let part: PolicyPart = 'hpa';
  if ((POLICY_PARTS as readonly string[]).includes(parts[0])) {
    part = parts[0] as PolicyPart;
    parts = parts.slice(1);
  }
  if ((part === 'hpa' || part === 'keda') && parts[0] === 'spec') parts = parts.slice(1);
  if (parts.length === 0) return null;
  const out: PathSegment[] = [];
  for (const p of parts) {
    const m = SEGMENT.exec(p);
    if (!m) return null;
    out.push(m[1]);
    for (const idx of m[2].matchAll(/\[([0-9]+)\]/g)) {
      const i = Number(idx[1]);
      if (i > 1000) return null;
      out.push(i);
    }
  }
  return { part, path: out };
}

/** `hpa.spec.metrics[0].target.averageValue` -> ['metrics', 0, 'target', 'averageValue']; null when malformed or not the HPA's. */
export function parsePath(name: string): PathSegment[] | null {
  const p = parseParameterPath(name);
  return p && p.part === 'hpa' ? p.path : null;
}

/** What a service's policies are made from (autoscalers.ts BaseInput). */
export function baseInput(scenario: Scenario, scenarioValue: Json, service: string): BaseInput {
  const svc = scenario.services.find((s) => s.name === service)!;
  const written = (((scenarioValue.services ?? {}) as Record<string, Json>)[service] ?? {}) as Json;
  let scaledObject: Json | null = null;
  if (
    svc.autoscaler?.policy === 'keda' &&
    written.keda === undefined &&
    typeof written.manifests === 'string'
  ) {
    const base = scenario.sourceFile ? dirname(resolvePath(scenario.sourceFile)) : process.cwd();
    const read = readManifestFile(resolvePath(base, written.manifests));
    if (read.ok)
      scaledObject =
        (read.docs.map((d) => d.value as Json).find((v) => v.kind === 'ScaledObject') as Json | undefined) ??
        null;
  }
  return { svc, names: objectNames(scenarioValue, service), written, scaledObject };
}

type SchemaNode = {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  const?: unknown;
};

/** The schema of the field at `path` in an object of `schema`, or null when the schema has no such field. */
function fieldSchema(schema: TSchema, path: readonly PathSegment[]): SchemaNode | null {
  let s: SchemaNode | undefined = schema as unknown as SchemaNode;
  for (const seg of path) {
    if (!s) return null;
    const options: SchemaNode[] = s.anyOf ?? [s];
    s = undefined;
    for (const o of options) {
      const next = typeof seg === 'number' ? o.items : o.properties?.[seg];
      if (next) {
        s = next;
        break;
      }
    }
  }
  return s ?? null;
}

function numericKind(s: SchemaNode | null): 'integer' | 'number' | null {
  if (!s) return null;
  if (s.type === 'integer') return 'integer';
  if (s.type === 'number') return 'number';
  if (s.anyOf?.some((v) => v.type === 'number')) return 'number';
  return null;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (v && typeof v === 'object') return 'a mapping';
  return String(v);
}

const CONSTRAINT =
  /^\s*([A-Za-z][A-Za-z0-9]*)\s*(<=|>=|<|>)\s*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*$/;

export function parseConstraint(text: string): Constraint | string {
  const m = CONSTRAINT.exec(text);
  if (!m) return `${JSON.stringify(text)} is not a constraint; write KPI <= number, e.g. 'dropPercent <= 1'`;
  if (!(KPIS as readonly string[]).includes(m[1]))
    return `${JSON.stringify(m[1])} is not a KPI; KPIs: ${KPIS.join(', ')}`;
  return {
    kpi: m[1] as KpiName,
    op: m[2] as ConstraintOp,
    value: Number(m[3]),
    text: `${m[1]} ${m[2]} ${Number(m[3])}`,
  };
}

export function meetsConstraint(c: Constraint, v: number | null): boolean {
  if (v === null) return false;
  switch (c.op) {
    case '<=':
      return v <= c.value;
    case '<':
      return v < c.value;
    case '>=':
      return v >= c.value;
    case '>':
      return v > c.value;
  }
}

/**
 * Checks a space file's value against the scenario it tunes; every problem placed in the space file.
 * `scenarioValue` is the scenario file as written (for the names its HPAs carry).
 */
export function resolveSpace(
  source: ScenarioSource,
  value: unknown,
  scenario: Scenario,
  scenarioValue: Json,
): { ok: true; space: TuneSpace } | { ok: false; issues: ConfigIssue[] } {
  const structural = schemaIssues(source, value, SpaceFile);
  if (structural.length > 0) return { ok: false, issues: structural };
  const spec = value as SpaceFileSpec;
  const issues: ConfigIssue[] = [];
  const fail = (path: PathSegment[], message: string, atKey = false) =>
    issues.push(source.issue(path, message, atKey));

  // 1. Services: named ones must exist and have an autoscaler to tune; by default every such service.
  const tunable = scenario.services.filter((s) => ownAutoscaler(s) !== null).map((s) => s.name);
  let services: string[] = [];
  if (spec.service === undefined) {
    services = tunable;
    if (services.length === 0)
      fail(
        [],
        `the scenario ${JSON.stringify(scenario.name)} has no service with an autoscaler to tune (hpa, autoscale, keda, kpa or predictive)`,
      );
  } else {
    const named = typeof spec.service === 'string' ? [spec.service] : spec.service;
    if (!Array.isArray(named) || named.length === 0 || !named.every((n) => typeof n === 'string')) {
      fail(['service'], `must be a service name or a list of them, not ${describe(spec.service)}`);
    } else {
      named.forEach((n, i) => {
        const at: PathSegment[] = typeof spec.service === 'string' ? ['service'] : ['service', i];
        const svc = scenario.services.find((s) => s.name === n);
        if (!svc)
          fail(
            at,
            `unknown service ${JSON.stringify(n)}; the scenario has ${scenario.services.map((s) => s.name).join(', ')}`,
          );
        else if (ownAutoscaler(svc) === null)
          fail(
            at,
            `${n} has no autoscaler to tune (hpa, autoscale, keda, kpa or predictive); services with one: ${tunable.join(', ') || '(none)'}`,
          );
        else if (services.includes(n)) fail(at, `${n} is named twice`);
        else services.push(n);
      });
    }
  }
  const inputs = new Map(services.map((n) => [n, baseInput(scenario, scenarioValue, n)]));
  const own = (service: string) => ownAutoscaler(inputs.get(service)!.svc)!;

  // 2. The autoscalers candidates run: the `autoscaler` parameter's list, else each service's own.
  const parameters: Parameter[] = [];
  let autoscalers: TunableAutoscalerName[] | null = null;
  let autoscalersOk = true;
  if (Object.hasOwn(spec.parameters, 'autoscaler')) {
    const raw = spec.parameters.autoscaler;
    const at: PathSegment[] = ['parameters', 'autoscaler'];
    autoscalersOk = false;
    if (!Array.isArray(raw)) {
      fail(at, `lists autoscalers to try; registered: ${TUNABLE_AUTOSCALER_NAMES.join(', ')}`);
    } else if (raw.length === 0) {
      fail(at, 'must list at least one autoscaler');
    } else {
      let good = true;
      raw.forEach((v, i) => {
        if (typeof v !== 'string' || !(TUNABLE_AUTOSCALER_NAMES as string[]).includes(v)) {
          good = false;
          fail(
            [...at, i],
            `${describe(v)} is not an autoscaler that can be tuned; registered: ${TUNABLE_AUTOSCALER_NAMES.join(', ')}`,
          );
        } else if (raw.indexOf(v) !== i) {
          good = false;
          fail([...at, i], `${v} is listed twice`);
        } else {
          for (const service of services)
            if (TUNABLE_AUTOSCALERS[v as TunableAutoscalerName].base(inputs.get(service)!) === null) {
              good = false;
              fail(
                [...at, i],
                `${service} has no ${v} in the scenario and no HPA to make one from; give it one there`,
              );
            }
        }
      });
      if (good) {
        autoscalers = raw as TunableAutoscalerName[];
        autoscalersOk = true;
        parameters.push({
          name: 'autoscaler',
          target: 'autoscaler',
          part: null,
          path: [],
          domain: { kind: 'list', values: raw },
        });
      }
    }
  }

  // 3. Parameters: a path into one part's object and a domain; tried on that object in every tuned
  //    service and autoscaler it applies to.
  const names = Object.keys(spec.parameters).filter((n) => n !== 'autoscaler');
  if (names.length === 0 && !Object.hasOwn(spec.parameters, 'autoscaler'))
    fail(['parameters'], 'needs at least one parameter');
  for (const name of names) {
    const raw = spec.parameters[name];
    const at: PathSegment[] = ['parameters', name];
    const parsed = parseParameterPath(name);
    if (!parsed) {
      fail(
        at,
        'is not a field path; write PART.path as in that object: metrics[0].target.averageValue or behavior.scaleDown.stabilizationWindowSeconds (the HPA), keda.pollingInterval, kpa.target, predictive.horizon',
        true,
      );
      continue;
    }
    const { part, path } = parsed;
    const domain = parseDomain(raw, at, fail);
    if (!domain || !autoscalersOk) continue;
    const entry = policyPart(part);
    // The objects it lands in: one per tuned service whose candidates run an autoscaler with this part.
    const targets: { service: string; object: Json }[] = [];
    for (const service of services) {
      const runs = autoscalers ?? [own(service)];
      const a = runs.find((x) => TUNABLE_AUTOSCALERS[x].parts.includes(part));
      if (a) targets.push({ service, object: TUNABLE_AUTOSCALERS[a].base(inputs.get(service)!)![part]! });
    }
    if (targets.length === 0) {
      const want = autoscalersWith(part).join(' or ');
      fail(
        at,
        autoscalers
          ? `sets ${entry.description}, and no candidate runs ${want}: add it to autoscaler: [${autoscalers.join(', ')}]`
          : `sets ${entry.description}, and ${services.join(', ')} run(s) ${[...new Set(services.map(own))].join(', ')}: list autoscaler: [..., ${autoscalersWith(part)[0]}] to try ${want}`,
        true,
      );
      continue;
    }
    // Where the path lands: its schema says whether a range is possible and whether the field is
    // whole numbers; every listed value and each end of a range must fit it.
    let ok = true;
    for (const { service, object: base } of targets) {
      if (!ok) break;
      const label = `${service}'s ${PART_LABEL[part]}`;
      const full = entry.fullPath(base, path);
      const field = fieldSchema(entry.schema, full);
      const numeric = entry.integerField?.(full) ? 'integer' : numericKind(field);
      if (domain.kind === 'range') {
        if (field && !numeric) {
          fail(at, `${fieldLabel(full)} does not take numbers; give a list of values`);
          ok = false;
          break;
        }
        if (numeric === 'integer') domain.integer = true;
      }
      const probes: { value: unknown; where: PathSegment[] }[] =
        domain.kind === 'list'
          ? domain.values.map((v, i) => ({ value: v, where: [...at, i] }))
          : [
              { value: domain.integer ? Math.ceil(domain.min) : domain.min, where: [...at, 'min'] },
              { value: domain.integer ? Math.floor(domain.max) : domain.max, where: [...at, 'max'] },
            ];
      for (const p of probes) {
        const object = cloneJson(base);
        const missing = entry.set(object, path, p.value);
        if (missing) {
          fail(at, `${label}: ${missing}`, true);
          ok = false;
          break;
        }
        const shape = partShapeProblems(part, object);
        if (shape.length > 0) {
          const unknownKey = shape.find((x) => /unknown key/.test(x));
          if (unknownKey) fail(at, `${label} has no such field: ${unknownKey}`, true);
          else fail(p.where, `${label}: ${shape[0]}`);
          ok = false;
          break;
        }
      }
    }
    if (ok && domain.kind === 'range' && domain.integer && Math.ceil(domain.min) > Math.floor(domain.max)) {
      fail(at, `holds no whole number between min ${domain.min} and max ${domain.max}`);
      ok = false;
    }
    if (ok) parameters.push({ name, target: 'policy', part, path, domain });
  }

  const order = Object.keys(spec.parameters);
  parameters.sort((x, y) => order.indexOf(x.name) - order.indexOf(y.name));

  // 4. Strategy and budget.
  const strategy: StrategyName = spec.strategy ?? 'grid';
  const budget = spec.budget ?? null;
  if (issues.length === 0) {
    const groups = candidateGroups(parameters, budget ?? 0);
    if (strategy === 'grid') {
      parameters.forEach((p) => {
        if (p.domain.kind === 'range' && p.domain.step === null && !p.domain.integer)
          fail(
            ['parameters', p.name],
            'a grid needs a step for a range of fractional values (or use strategy: random or lhs)',
          );
      });
      const size = groups.reduce((n, g) => n + gridSize(g.params.map((i) => parameters[i].domain)), 0);
      if (issues.length === 0 && size > (budget ?? MAX_CANDIDATES))
        fail(
          budget !== null ? ['budget'] : ['parameters'],
          `the grid has ${size} candidates, more than ${budget !== null ? `the budget (${budget})` : `${MAX_CANDIDATES}`}; use fewer values or strategy: lhs`,
        );
    } else if (budget === null) {
      fail(['strategy'], `${strategy} needs a budget: how many candidates to draw`);
    } else if (groups.length > budget) {
      fail(['budget'], `must be at least the ${groups.length} autoscalers listed: each gets a share`);
    }
  }

  // 5. Objective, constraints, the front's axes.
  const priced = isPriced(scenario);
  let objective: KpiName[] = [priced ? 'cost' : 'replicaSeconds'];
  if (spec.objective !== undefined) {
    const list = typeof spec.objective === 'string' ? [spec.objective] : spec.objective;
    if (!Array.isArray(list) || list.length === 0) {
      fail(
        ['objective'],
        `must be a KPI or a list of them (${KPIS.join(', ')}), not ${describe(spec.objective)}`,
      );
    } else {
      objective = [];
      list.forEach((k, i) => {
        const where: PathSegment[] = typeof spec.objective === 'string' ? ['objective'] : ['objective', i];
        if (typeof k !== 'string' || !(KPIS as readonly string[]).includes(k))
          fail(where, `${describe(k)} is not a KPI; KPIs: ${KPIS.join(', ')}`);
        else if (k === 'cost' && !priced)
          fail(
            where,
            'no node pool the tuned pods run on has a pricePerHour (or the pods request no CPU), so cost is 0 for every candidate; minimise replicaSeconds, or give the pools a price',
          );
        else objective.push(k as KpiName);
      });
    }
  }
  const constraints: Constraint[] = [];
  (spec.constraints ?? []).forEach((text, i) => {
    const c = parseConstraint(text);
    if (typeof c === 'string') fail(['constraints', i], c);
    else constraints.push(c);
  });

  let durationUs = scenario.durationUs;
  if (spec.duration !== undefined) {
    durationUs = parseDurationUs(spec.duration);
    if (durationUs < 1e6) fail(['duration'], 'must be at least 1s');
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    space: {
      description: spec.description ?? '',
      services,
      durationUs,
      strategy,
      budget,
      seed: spec.seed ?? 1,
      seedsPerCandidate: spec.seedsPerCandidate ?? DEFAULT_SEEDS_PER_CANDIDATE,
      parameters,
      objective,
      paretoX: priced ? 'cost' : 'replicaSeconds',
      constraints,
    },
  };
}

const PART_LABEL: Record<PolicyPart, string> = {
  hpa: 'HPA',
  keda: 'ScaledObject',
  kpa: 'kpa settings',
  predictive: 'predictive settings',
};

/** One autoscaler's share of the candidates: the parameters that vary in it and how many to draw. */
export interface CandidateGroup {
  /** The `autoscaler` value of its candidates; null without an `autoscaler` parameter (each service's own). */
  autoscaler: TunableAutoscalerName | null;
  /** Indices of the policy parameters that apply to it; the others are empty (null) in its candidates. */
  params: number[];
  /** Its share of a random or lhs budget. */
  budget: number;
}

/**
 * The candidates' groups: without an `autoscaler` parameter one, where every parameter varies; with
 * one, a group per listed autoscaler (in its order) where only the parameters of its parts vary, and
 * a random or lhs budget split evenly (the first ones get what does not divide).
 */
export function candidateGroups(parameters: readonly Parameter[], budget: number): CandidateGroup[] {
  const auto = parameters.find((p) => p.target === 'autoscaler');
  const policy = parameters.flatMap((p, i) => (p.target === 'policy' ? [i] : []));
  if (!auto || auto.domain.kind !== 'list') return [{ autoscaler: null, params: policy, budget }];
  const list = auto.domain.values as TunableAutoscalerName[];
  return list.map((a, k) => ({
    autoscaler: a,
    params: policy.filter((i) => TUNABLE_AUTOSCALERS[a].parts.includes(parameters[i].part!)),
    budget: Math.floor(budget / list.length) + (k < budget % list.length ? 1 : 0),
  }));
}

function fieldLabel(path: readonly PathSegment[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

const RANGE_KEYS = ['min', 'max', 'step', 'integer'];

/** A parameter's values: a list (any strategy) or a range {min, max, step?, integer?}. */
function parseDomain(
  raw: unknown,
  at: PathSegment[],
  fail: (path: PathSegment[], message: string, atKey?: boolean) => void,
): Domain | null {
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (Array.isArray(raw)) {
    if (raw.length === 0) return (fail(at, 'must list at least one value'), null);
    let ok = true;
    raw.forEach((v, i) => {
      if (!(finite(v) || (typeof v === 'string' && v !== ''))) {
        ok = false;
        fail([...at, i], `must be a number or a string, not ${describe(v)}`);
      }
    });
    if (raw.length > MAX_CANDIDATES) return (fail(at, `lists more than ${MAX_CANDIDATES} values`), null);
    return ok ? { kind: 'list', values: raw as (number | string)[] } : null;
  }
  if (raw && typeof raw === 'object') {
    const r = raw as Record<string, unknown>;
    let ok = true;
    for (const k of Object.keys(r))
      if (!RANGE_KEYS.includes(k)) {
        ok = false;
        fail([...at, k], `unknown key; valid keys here: ${RANGE_KEYS.join(', ')}`, true);
      }
    for (const k of ['min', 'max'])
      if (r[k] === undefined) {
        ok = false;
        fail(at, `a range needs ${k}`);
      } else if (!finite(r[k])) {
        ok = false;
        fail([...at, k], `must be a finite number, not ${describe(r[k])}`);
      }
    if (r.step !== undefined && !(finite(r.step) && (r.step as number) > 0)) {
      ok = false;
      fail([...at, 'step'], `must be a number greater than 0, not ${describe(r.step)}`);
    }
    if (r.integer !== undefined && typeof r.integer !== 'boolean') {
      ok = false;
      fail([...at, 'integer'], `must be true or false, not ${describe(r.integer)}`);
    }
    if (!ok) return null;
    const min = r.min as number;
    const max = r.max as number;
    if (min > max) return (fail([...at, 'min'], `must not exceed max (${min} > ${max})`), null);
    const step = (r.step as number | undefined) ?? null;
    if (step !== null && (max - min) / step > MAX_CANDIDATES)
      return (fail([...at, 'step'], `gives more than ${MAX_CANDIDATES} values`), null);
    return { kind: 'range', min, max, step, integer: (r.integer as boolean | undefined) ?? false };
  }
  fail(at, `must be a list of values or a range {min, max, step?}, not ${describe(raw)}`);
  return null;
}

export { STRATEGIES };
