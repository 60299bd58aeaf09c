/**
 * What a tune's records say, computed the same way wherever the records come from (one run, a
 * resumed run, merged shards): which candidates meet the constraints, the best by the objective,
 * and the Pareto front of cost (or replica-seconds without prices) against drop %.
 */
import type { CandidateRecord } from './checkpoint.js';
import { REFERENCES, isReference, type TuneContext } from './candidates.js';
import { meetsConstraint } from './space.js';

export interface CandidateResult extends CandidateRecord {
  /** Valid, simulated, and every constraint met. */
  feasible: boolean;
  /** The constraints it misses, as `dropPercent 2.5 > 1`. */
  violations: string[];
  pareto: boolean;
  /** KPI minus the oracle's (medians): on the front's cost axis and drop %; null without an oracle run. */
  regret: Regret | null;
}

export interface Regret {
  /** On the front's cost axis: cost, or replica-seconds without prices. */
  cost: number | null;
  /** Percentage points of drops above the oracle's. */
  dropPercent: number | null;
}

export interface TuneResults {
  /** Every recorded candidate, by id. */
  candidates: CandidateResult[];
  /** Id of the best feasible candidate; null when none is feasible. */
  best: number | null;
  /** Ids on the Pareto front, by the cost axis then drop %. */
  front: number[];
  /** The scenario's own policies, as run by the same seeds; null until recorded. */
  baseline: CandidateRecord | null;
  /** The oracle's run (the lower bound); null when the tune has none. */
  oracle: CandidateRecord | null;
  /** The baseline's regret. */
  baselineRegret: Regret | null;
}

const diff = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : Number((a - b).toFixed(6));

/** A run's regret against the oracle's (null without both). */
export function regretOf(
  ctx: TuneContext,
  r: CandidateRecord,
  oracle: CandidateRecord | null,
): Regret | null {
  if (!oracle?.kpis || !r.kpis) return null;
  const x = ctx.space.paretoX;
  return {
    cost: diff(r.kpis[x], oracle.kpis[x]),
    dropPercent: diff(r.kpis.dropPercent, oracle.kpis.dropPercent),
  };
}

const NEGATE: Record<string, string> = { '<=': '>', '<': '>=', '>=': '<', '>': '<=' };

/** The constraints a recorded candidate misses (none for an invalid one: it has no KPIs). */
export function violationsOf(ctx: TuneContext, r: CandidateRecord): string[] {
  const out: string[] = [];
  if (!r.valid || !r.kpis) return out;
  for (const c of ctx.space.constraints) {
    const v = r.kpis[c.kpi];
    if (!meetsConstraint(c, v))
      out.push(v === null ? `${c.kpi} has no value` : `${c.kpi} ${v} ${NEGATE[c.op]} ${c.value}`);
  }
  return out;
}

export function isFeasible(ctx: TuneContext, r: CandidateRecord): boolean {
  return r.valid && r.kpis !== null && violationsOf(ctx, r).length === 0;
}

/** True when `a` beats `b` by the objective (a list is compared in order; ties to the lower id). */
export function better(ctx: TuneContext, a: CandidateRecord, b: CandidateRecord): boolean {
  for (const k of ctx.space.objective) {
    const x = a.kpis?.[k] ?? Infinity;
    const y = b.kpis?.[k] ?? Infinity;
    if (x !== y) return x < y;
  }
  return a.id < b.id;
}

export function analyse(ctx: TuneContext, records: Iterable<CandidateRecord>): TuneResults {
  const all = [...records];
  const baseline = all.find((r) => r.id === REFERENCES.baseline) ?? null;
  const oracle = all.find((r) => r.id === REFERENCES.oracle) ?? null;
  const candidates = all
    .filter((r) => !isReference(r.id))
    .sort((a, b) => a.id - b.id)
    .map((r): CandidateResult => {
      const violations = violationsOf(ctx, r);
      return {
        ...r,
        feasible: r.valid && r.kpis !== null && violations.length === 0,
        violations,
        pareto: false,
        regret: regretOf(ctx, r, oracle),
      };
    });
  let best: CandidateResult | null = null;
  for (const c of candidates) if (c.feasible && (!best || better(ctx, c, best))) best = c;
  // The front: no other candidate is as good on both axes and better on one.
  const x = ctx.space.paretoX;
  const points = candidates
    .filter((c) => c.valid && c.kpis?.[x] != null && c.kpis?.dropPercent != null)
    .sort((a, b) => a.kpis![x]! - b.kpis![x]! || a.kpis!.dropPercent! - b.kpis!.dropPercent! || a.id - b.id);
  const front: number[] = [];
  let lowestDrop = Infinity;
  for (let i = 0; i < points.length;) {
    let j = i;
    while (j < points.length && points[j].kpis![x] === points[i].kpis![x]) j++;
    const groupLowest = points[i].kpis!.dropPercent!;
    if (groupLowest < lowestDrop) {
      for (let k = i; k < j && points[k].kpis!.dropPercent === groupLowest; k++) {
        points[k].pareto = true;
        front.push(points[k].id);
      }
      lowestDrop = groupLowest;
    }
    i = j;
  }
  return {
    candidates,
    best: best?.id ?? null,
    front,
    baseline,
    oracle,
    baselineRegret: baseline ? regretOf(ctx, baseline, oracle) : null,
  };
}
