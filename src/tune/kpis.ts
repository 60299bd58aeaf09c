/**
 * What a tuned policy is judged by: one number per KPI for a run, summed over services, and the
 * median over a candidate's seeds.
 *
 * `cost` is the price of the CPU the pods hold: per service, replica-seconds x the CPU a pod takes
 * (its request, at least what its threads keep busy up to its limit, as `plan` packs pods) x the
 * price per core-hour of the first node pool its pods may run on. The run's own `cost` (summary.json)
 * prices the node pools, which are static, so it is the same for every policy and cannot rank them.
 */
import type { RunResult } from '../model/simulate.js';
import { cpuPerPod } from '../plan/plan.js';
import { band } from '../report/replications.js';
import type { Scenario, ServiceConfig } from '../scenario/types.js';

/** KPIs a space file may minimise or constrain; all are "less is better" except in a `>=` constraint. */
export const KPIS = [
  'cost',
  'dropPercent',
  'sloViolationSeconds',
  'scaleEventsPerHour',
  'replicaSeconds',
  'latencyP95Seconds',
] as const;
export type KpiName = (typeof KPIS)[number];
export type Kpis = Record<KpiName, number | null>;

export const KPI_DESCRIPTIONS: Record<KpiName, string> = {
  cost: 'price of the CPU the pods held over the run (replica-seconds x CPU per pod x price per core-hour)',
  dropPercent: 'dropped frames / offered frames x 100, over all services',
  sloViolationSeconds: "seconds in steps that broke the scenario's slo, summed over services",
  scaleEventsPerHour: 'changes of the desired replica count per simulated hour, summed over services',
  replicaSeconds: 'replica-seconds, summed over services',
  latencyP95Seconds: '95th percentile of queue wait + service over all frames',
};

/** Price per core-hour of the first node pool whose labels match the service's nodeSelector. */
export function pricePerCoreHour(scenario: Scenario, svc: ServiceConfig): number {
  const sel = Object.entries(svc.nodeSelector);
  const pool = scenario.nodePools.find((p) => p.cores > 0 && sel.every(([k, v]) => p.labels[k] === v));
  return pool ? pool.pricePerHour / pool.cores : 0;
}

/** True when some service's pods have a price: `cost` then ranks policies; else replica-seconds stands in. */
export function isPriced(scenario: Scenario): boolean {
  return scenario.services.some((s) => pricePerCoreHour(scenario, s) * cpuPerPod(s) > 0);
}

/** The KPIs of one run. */
export function runKpis(scenario: Scenario, result: RunResult): Kpis {
  let cost = 0;
  let slo = 0;
  let scale = 0;
  for (const s of result.services) {
    const svc = scenario.services.find((x) => x.name === s.service)!;
    cost += (s.replicaSeconds / 3600) * cpuPerPod(svc) * pricePerCoreHour(scenario, svc);
    slo += s.sloViolationSeconds;
    scale += s.scaleEventsPerHour;
  }
  const t = result.total;
  return {
    cost,
    dropPercent: t.offeredFrames > 0 ? (100 * t.droppedFrames) / t.offeredFrames : 0,
    sloViolationSeconds: slo,
    scaleEventsPerHour: scale,
    replicaSeconds: t.replicaSeconds,
    latencyP95Seconds: t.latencyP95Seconds,
  };
}

/** Each KPI's median over seeds (type 7, as `simulate --seeds` reports them), rounded to 6 decimals. */
export function medianKpis(perSeed: readonly Kpis[]): Kpis {
  const out = {} as Kpis;
  for (const k of KPIS) out[k] = band(perSeed.map((p) => p[k]))?.median ?? null;
  return out;
}
