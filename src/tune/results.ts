/**
 * What a tune's records say, computed the same way wherever the records come from (one run, a
 * resumed run, merged shards): which candidates meet the constraints, the best by the objective,
 * and the Pareto front of cost (or replica-seconds without prices) against drop %.
 */
import type { CandidateRecord } from './checkpoint.js';
import type { TuneContext } from './candidates.js';
import { meetsConstraint } from './space.js';

export interface CandidateResult extends CandidateRecord {
  /** Valid, simulated, and every constraint met. */
  feasible: boolean;
  /** The constraints it misses, as `dropPercent 2.5 > 1`. */
  violations: string[];
  pareto: boolean;
}

export interface TuneResults {
  /** Every recorded candidate, by id. */
  candidates: CandidateResult[];
  /** Id of the best feasible candidate; null when none is feasible. */
  best: number | null;
  /** Ids on the Pareto front, by the cost axis then drop %. */
  front: number[];
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
  const candidates = [...records]
    .sort((a, b) => a.id - b.id)
    .map((r): CandidateResult => {
      const violations = violationsOf(ctx, r);
      return {
        ...r,
        feasible: r.valid && r.kpis !== null && violations.length === 0,
        violations,
        pareto: false,
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
  return { candidates, best: best?.id ?? null, front };
}
