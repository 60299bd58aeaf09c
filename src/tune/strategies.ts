/**
 * Search strategies: how a space's parameters become a list of candidates. One registry; the space
 * file's `strategy` choices and the "valid options are ..." message come from its keys.
 *
 *   grid    every combination, the last parameter varying fastest; a range needs a `step`
 *           (integer fields step by 1 when none is given)
 *   random  `budget` candidates, each parameter drawn uniformly on its own
 *   lhs     Latin hypercube: `budget` candidates; each parameter's range is cut into `budget` equal
 *           strata and every stratum is used once, in a random order per parameter
 *
 * Draws come only from seeded streams (src/engine/rng.ts) named after the strategy and parameter,
 * so the same space and `seed` always give the same candidates, in the same order.
 */
import { randomStream } from '../engine/rng.js';

export type ParamValue = number | string;
/** A candidate's value of a parameter; null where the parameter does not apply (another autoscaler's). */
export type CandidateValue = ParamValue | null;

export type Domain =
  | { kind: 'list'; values: ParamValue[] }
  /** `step`: values are min + k x step; `integer`: values are whole numbers. */
  | { kind: 'range'; min: number; max: number; step: number | null; integer: boolean };

export interface StrategyInput {
  names: string[];
  domains: Domain[];
  budget: number;
  seed: number;
  /** Names the draws' streams apart for groups of one space (an autoscaler's share); '' or absent: none. */
  stream?: string;
}

export interface Strategy {
  description: string;
  /** Each candidate's values, in parameter order. */
  generate(input: StrategyInput): ParamValue[][];
}

/** Rounds away binary noise (0.1 + 0.2) so values print as written. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/** The points of a range with a step (or whole numbers): min, min + step, ... <= max. */
export function rangePoints(d: Extract<Domain, { kind: 'range' }>): number[] | null {
  if (d.step === null && !d.integer) return null;
  if (d.step === null) {
    const out: number[] = [];
    for (let v = Math.ceil(d.min); v <= Math.floor(d.max); v++) out.push(v);
    return out;
  }
  const n = Math.floor((d.max - d.min) / d.step + 1e-9) + 1;
  return Array.from({ length: n }, (_, k) => {
    const v = clean(d.min + k * d.step!);
    return d.integer ? Math.round(v) : v;
  });
}

/** The value at u in [0, 1) of a domain: a uniform pick of its points, or of the continuous range. */
export function valueAt(d: Domain, u: number): ParamValue {
  if (d.kind === 'list') return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))];
  const points = rangePoints(d);
  if (points) return points[Math.min(points.length - 1, Math.floor(u * points.length))];
  return Number((d.min + u * (d.max - d.min)).toFixed(6));
}

/** How many candidates a grid over these domains has (Infinity when a range has no step). */
export function gridSize(domains: readonly Domain[]): number {
  let n = 1;
  for (const d of domains) n *= d.kind === 'list' ? d.values.length : (rangePoints(d)?.length ?? Infinity);
  return n;
}

const grid: Strategy = {
  description: 'every combination of the values (ranges need a step)',
  generate({ domains }) {
    const levels = domains.map((d) => (d.kind === 'list' ? d.values : rangePoints(d)!));
    const out: ParamValue[][] = [];
    const total = levels.reduce((n, l) => n * l.length, 1);
    for (let i = 0; i < total; i++) {
      const row: ParamValue[] = new Array(levels.length);
      let rest = i;
      for (let p = levels.length - 1; p >= 0; p--) {
        row[p] = levels[p][rest % levels[p].length];
        rest = Math.floor(rest / levels[p].length);
      }
      out.push(row);
    }
    return out;
  },
};

const random: Strategy = {
  description: 'budget candidates, each value drawn uniformly (seeded)',
  generate({ domains, budget, seed, stream }) {
    const rng = randomStream(seed, stream ? `tune:random:${stream}` : 'tune:random');
    return Array.from({ length: budget }, () => domains.map((d) => valueAt(d, rng.next())));
  },
};

const lhs: Strategy = {
  description: 'Latin hypercube: budget candidates, every stratum of every parameter used once (seeded)',
  generate({ names, domains, budget, seed, stream }) {
    const columns = domains.map((d, p) => {
      const rng = randomStream(seed, `tune:lhs:${stream ? `${stream}:` : ''}${names[p]}`);
      const strata = Array.from({ length: budget }, (_, k) => k);
      // Fisher-Yates: a uniform random order of the strata.
      for (let k = budget - 1; k > 0; k--) {
        const j = Math.floor(rng.next() * (k + 1));
        [strata[k], strata[j]] = [strata[j], strata[k]];
      }
      return strata.map((s) => valueAt(d, Math.min((s + rng.next()) / budget, 1 - 1e-12)));
    });
    return Array.from({ length: budget }, (_, i) => columns.map((c) => c[i]));
  },
};

export const STRATEGIES = { grid, random, lhs } as const satisfies Record<string, Strategy>;
export type StrategyName = keyof typeof STRATEGIES;
export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];
