/**
 * One candidate's simulations, as a worker thread runs them: every seed, its KPIs, their medians.
 * The inputs are the candidate's scenario and the seeds; nothing else, so any thread gives the same.
 */
import { simulate } from '../model/simulate.js';
import { roundDeep } from '../report/format.js';
import type { Scenario } from '../scenario/types.js';
import { medianKpis, runKpis, type Kpis } from './kpis.js';

export interface EvaluateJob {
  scenario: Scenario;
  seeds: number[];
}

export interface Evaluation {
  kpis: Kpis;
  /** Per seed, in seed order, rounded to 6 decimals. */
  perSeed: Kpis[];
}

export function evaluateCandidate(job: EvaluateJob): Evaluation {
  const perSeed = job.seeds.map((seed) => roundDeep(runKpis(job.scenario, simulate(job.scenario, { seed }))));
  return { kpis: medianKpis(perSeed), perSeed };
}
