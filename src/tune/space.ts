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
 *   parameters:                          # paths into the autoscaling/v2 HPA's spec
 *     metrics[0].target.averageValue: [0.8, 1, 1.2]
 *     behavior.scaleDown.stabilizationWindowSeconds: { min: 0, max: 600, step: 60 }
 *     autoscaler: [hpa]
 *   objective: cost                      # or a list: ties go to the next
 *   constraints: ['dropPercent <= 1']
 *
 *   read (YAML with positions) -> schema (unknown keys, types) -> resolve against the scenario:
 *   services, parameter paths (tried on each service's HPA with every listed value and each range's
 *   ends), strategy and budget, objective and constraints -> TuneSpace
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ConfigIssue } from '../errors.js';
import { parseDurationUs } from '../scenario/duration.js';
import { HpaManifest } from '../scenario/k8s-schema.js';
import { Duration, Obj } from '../scenario/schema-base.js';
import {
  readMappingFile,
  type PathSegment,
  type ReadResult,
  type ScenarioSource,
} from '../scenario/source.js';
import type { Scenario } from '../scenario/types.js';
import { schemaIssues } from '../scenario/validate.js';
import { TUNABLE_AUTOSCALERS, TUNABLE_AUTOSCALER_NAMES, cloneJson, type ObjectNames } from './autoscalers.js';
import { specPath, type Json } from './hpa-manifest.js';
import { KPIS, isPriced, type KpiName } from './kpis.js';
import { STRATEGIES, STRATEGY_NAMES, gridSize, type Domain, type StrategyName } from './strategies.js';

export const MAX_CANDIDATES = 100_000;
export const DEFAULT_SEEDS_PER_CANDIDATE = 3;

export const SpaceFile = Obj(
  {
    $schema: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    service: Type.Optional(
      Type.Unknown({ description: 'A service name or a list of them; default: every service with an HPA.' }),
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
      description: 'Path into the HPA spec -> a list of values, or {min, max, step?, integer?}.',
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
  /** Relative to the object's spec (policy parameters). */
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

export function readSpaceFile(file: string): ReadResult {
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

/** `hpa.spec.metrics[0].target.averageValue` -> ['metrics', 0, 'target', 'averageValue']; null when malformed. */
export function parsePath(name: string): PathSegment[] | null {
  let parts = name.split('.');
  if (parts[0] === 'hpa') parts = parts.slice(1);
  if (parts[0] === 'spec') parts = parts.slice(1);
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
  return out;
}

type SchemaNode = {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  const?: unknown;
};

/** The schema of the field at `path` in an HPA object, or null when the schema has no such field. */
function fieldSchema(path: readonly PathSegment[]): SchemaNode | null {
  let s: SchemaNode | undefined = HpaManifest as unknown as SchemaNode;
  for (const seg of path) {
    if (!s) return null;
    s = typeof seg === 'number' ? s.items : s.properties?.[seg];
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

  // 1. Services: named ones must exist and have an HPA; by default every service with one.
  const withHpa = scenario.services.filter((s) => s.hpa !== null).map((s) => s.name);
  let services: string[] = [];
  if (spec.service === undefined) {
    services = withHpa;
    if (services.length === 0)
      fail(
        [],
        `the scenario ${JSON.stringify(scenario.name)} has no service with an HPA (hpa or autoscale) to tune`,
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
        else if (!svc.hpa)
          fail(at, `${n} has no HPA to tune; services with one: ${withHpa.join(', ') || '(none)'}`);
        else if (services.includes(n)) fail(at, `${n} is named twice`);
        else services.push(n);
      });
    }
  }

  // 2. Parameters: a path into the policy's object and a domain; tried on every tuned service.
  const parameters: Parameter[] = [];
  const names = Object.keys(spec.parameters);
  if (names.length === 0) fail(['parameters'], 'needs at least one parameter');
  for (const name of names) {
    const raw = spec.parameters[name];
    const at: PathSegment[] = ['parameters', name];
    if (name === 'autoscaler') {
      if (!Array.isArray(raw)) {
        fail(at, `lists autoscalers to try; registered: ${TUNABLE_AUTOSCALER_NAMES.join(', ')}`);
        continue;
      }
      let good = raw.length > 0;
      if (!good) fail(at, 'must list at least one autoscaler');
      raw.forEach((v, i) => {
        if (typeof v !== 'string' || !(TUNABLE_AUTOSCALER_NAMES as string[]).includes(v)) {
          good = false;
          fail(
            [...at, i],
            `${describe(v)} is not an autoscaler that can be tuned; registered: ${TUNABLE_AUTOSCALER_NAMES.join(', ')}`,
          );
        }
      });
      if (good)
        parameters.push({ name, target: 'autoscaler', path: [], domain: { kind: 'list', values: raw } });
      continue;
    }
    const path = parsePath(name);
    if (!path) {
      fail(
        at,
        'is not a field path; write it as in the HPA spec, e.g. metrics[0].target.averageValue or behavior.scaleDown.stabilizationWindowSeconds',
        true,
      );
      continue;
    }
    const domain = parseDomain(raw, at, fail);
    if (!domain) continue;
    // Where the path lands in each service's object: its schema says whether a range is possible and
    // whether the field is whole numbers; every listed value and each end of a range must fit it.
    let ok = true;
    for (const service of services) {
      if (!ok) break;
      const svc = scenario.services.find((s) => s.name === service)!;
      const base = TUNABLE_AUTOSCALERS.hpa.base(svc, objectNames(scenarioValue, service))!;
      const full = ['spec', ...specPath(base.spec as Json, path)];
      const numeric = numericKind(fieldSchema(full));
      if (domain.kind === 'range') {
        if (fieldSchema(full) && !numeric) {
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
        const missing = TUNABLE_AUTOSCALERS.hpa.set(object, path, p.value);
        if (missing) {
          fail(at, `${service}'s HPA: ${missing}`, true);
          ok = false;
          break;
        }
        const shape = TUNABLE_AUTOSCALERS.hpa.shapeProblems(object);
        if (shape.length > 0) {
          const unknownKey = shape.find((s) => /unknown key/.test(s));
          if (unknownKey) fail(at, `${service}'s HPA has no such field: ${unknownKey}`, true);
          else fail(p.where, `${service}'s HPA: ${shape[0]}`);
          ok = false;
          break;
        }
      }
    }
    if (ok && domain.kind === 'range' && domain.integer && Math.ceil(domain.min) > Math.floor(domain.max)) {
      fail(at, `holds no whole number between min ${domain.min} and max ${domain.max}`);
      ok = false;
    }
    if (ok) parameters.push({ name, target: 'policy', path, domain });
  }

  // 3. Strategy and budget.
  const strategy: StrategyName = spec.strategy ?? 'grid';
  const budget = spec.budget ?? null;
  if (issues.length === 0) {
    if (strategy === 'grid') {
      parameters.forEach((p) => {
        if (p.domain.kind === 'range' && p.domain.step === null && !p.domain.integer)
          fail(
            ['parameters', p.name],
            'a grid needs a step for a range of fractional values (or use strategy: random or lhs)',
          );
      });
      const size = gridSize(parameters.map((p) => p.domain));
      if (issues.length === 0 && size > (budget ?? MAX_CANDIDATES))
        fail(
          budget !== null ? ['budget'] : ['parameters'],
          `the grid has ${size} candidates, more than ${budget !== null ? `the budget (${budget})` : `${MAX_CANDIDATES}`}; use fewer values or strategy: lhs`,
        );
    } else if (budget === null) {
      fail(['strategy'], `${strategy} needs a budget: how many candidates to draw`);
    }
  }

  // 4. Objective, constraints, the front's axes.
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
