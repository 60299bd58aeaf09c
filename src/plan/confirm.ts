/**
 * The second stage of a plan: does `replicas` of a service meet the SLO at its peak load, simulated?
 *
 *   scenario, service, pool, precision, replicas
 *     -> a scenario of that service alone: its stream groups held at their peak count from t = 0,
 *        `replicas` pods Ready at t = 0 (no start-up delay, no HPA), enough nodes of the pool
 *     -> simulate it on every seed -> the worst seed's drop % and p95 latency against the SLO
 *
 * Each check is a pure function of its inputs (a SeedJob-like record), so checks can run on worker
 * threads and give the same answer anywhere.
 */
import { simulate } from '../model/simulate.js';
import type { PrecisionName } from '../scenario/schema.js';
import type { Scenario } from '../scenario/types.js';
import { countRange, modelAt } from './workload.js';

export interface Slo {
  maxDropPercent: number | null;
  maxP95LatencySeconds: number | null;
}

export interface ConfirmJob {
  scenario: Scenario;
  service: string;
  pool: string;
  precision: PrecisionName;
  replicas: number;
  /** CPU each pod requests (and the node packing uses). */
  cpuPerPod: number;
  seeds: number[];
  durationUs: number;
}

export interface ConfirmOutcome {
  replicas: number;
  /** The worst over the seeds. */
  dropPercent: number;
  p95LatencySeconds: number | null;
  /** Every seed met the SLO. */
  meets: boolean;
}

/** The single-service, peak-load scenario a check simulates. */
export function confirmScenario(job: ConfirmJob): Scenario {
  const s = job.scenario;
  const svc = s.services.find((x) => x.name === job.service);
  const pool = s.nodePools.find((p) => p.name === job.pool);
  if (!svc || !pool) throw new Error(`no service ${job.service} or pool ${job.pool}`);
  // The check runs at a fixed replica count: no autoscaler of any kind.
  const { autoscaler: _autoscaler, ...fixed } = svc;
  const allocatable = pool.cores - pool.backgroundCores;
  const podsPerNode = Math.max(1, Math.floor(allocatable / job.cpuPerPod + 1e-9));
  // Always the exact engine: the check decides on drop % and p95 near the SLO, where the fluid
  // engine is least accurate, and one service at fixed replicas for a short while is cheap anyway.
  const { engine: _engine, ...exact } = s;
  return {
    ...exact,
    name: `${s.name}-confirm-${job.service}`,
    durationUs: job.durationUs,
    stepUs: Math.min(s.stepUs, job.durationUs),
    nodePools: [{ ...pool, count: Math.ceil(job.replicas / podsPerNode) }],
    models: { ...s.models, [svc.model]: modelAt(s, svc, job.precision) },
    services: [
      {
        ...fixed,
        precision: job.precision,
        replicas: job.replicas,
        cpuRequest: job.cpuPerPod,
        hpa: null,
        scaleEvents: [],
        startupDelay: { type: 'constant', value: 0 },
        startupStages: [],
        readinessProbe: null,
        nodePool: pool.name,
        nodeSelector: {},
      },
    ],
    streams: s.streams
      .filter((g) => g.type === job.service)
      .map((g) => ({
        ...g,
        count: { kind: 'points' as const, changes: [{ atUs: 0, count: countRange(g.count).max }], ramps: [] },
      })),
    slo: { maxDropPercent: null, maxP95LatencySeconds: null },
  };
}

export function meetsSlo(dropPercent: number, p95: number | null, slo: Slo): boolean {
  if (slo.maxDropPercent !== null && dropPercent > slo.maxDropPercent) return false;
  if (slo.maxP95LatencySeconds !== null && (p95 === null || p95 > slo.maxP95LatencySeconds)) return false;
  return true;
}

/** Simulates one replica count on every seed; the worst seed decides. */
export function confirm(job: ConfirmJob, slo: Slo): ConfirmOutcome {
  const scenario = confirmScenario(job);
  let dropPercent = 0;
  let p95: number | null = null;
  for (const seed of job.seeds) {
    const r = simulate(scenario, { seed }).services[0];
    dropPercent = Math.max(dropPercent, r.dropRatio * 100);
    if (r.latencyP95Seconds !== null) p95 = Math.max(p95 ?? 0, r.latencyP95Seconds);
    else if (r.inferredFrames === 0 && r.offeredFrames > 0) p95 = Infinity;
  }
  return {
    replicas: job.replicas,
    dropPercent,
    p95LatencySeconds: p95,
    meets: meetsSlo(dropPercent, p95, slo),
  };
}
