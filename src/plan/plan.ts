/**
 * `inferscale plan`: how many replicas and nodes of which CPU a scenario's streams need to meet its
 * SLO, and what that costs.
 *
 *   scenario (with slo) -> peak load per service (workload.ts)
 *   for each node pool (a CPU type, a node size, a price) x precision (fp32, int8) x service:
 *     1. analytic: the fewest replicas the queueing closed forms say meet the SLO (queueing.ts)
 *     2. simulated: from that guess, the fewest replicas that meet the SLO on every seed, by
 *        simulation of the service alone at its peak (confirm.ts), searching up or down
 *   per pool x precision: every service's pods packed first-fit decreasing on the pool's nodes;
 *     node count, cost per month, feasible or which constraint fails and by how much
 *   the cheapest feasible plan; per service an HPA (min, max, CPU target) for the chosen plan
 *
 * Every search is a job run on worker threads in a fixed order, so the plan is the same for any
 * worker count.
 */
import type { PrecisionName } from '../scenario/schema.js';
import type { Scenario, ServiceConfig } from '../scenario/types.js';
import { runPool } from '../parallel/pool.js';
import { firstFitDecreasing, podsOf } from './binpack.js';
import { confirm, meetsSlo, type ConfirmOutcome, type Slo } from './confirm.js';
import { evaluateReplicas, minReplicas, type QueueingInput, type ReplicaEvaluation } from './queueing.js';
import { arrivalProcess, serviceLoads, serviceTime, type ServiceLoad } from './workload.js';

export const HOURS_PER_MONTH = 730;
/** The highest CPU utilization target a plan's HPA gets (see hpaFor). */
export const MAX_CPU_TARGET = 80;
export const PRECISIONS: readonly PrecisionName[] = ['fp32', 'int8'];

export interface PlanOptions {
  /** Seeds each simulated check runs (the SLO must hold on all). */
  seeds: number[];
  /** Simulated length of each check. */
  confirmDurationUs: number;
  /** Skip the simulated stage (analytic figures only). */
  confirm: boolean;
  workers: number;
  precisions: readonly PrecisionName[];
  onProgress?: (done: number, of: number) => void;
}

export interface AnalyticFigures {
  replicas: number | null;
  dropPercent: number | null;
  p95LatencySeconds: number | null;
  utilisation: number | null;
  formula: string | null;
  exact: boolean;
  /** Why no replica count meets the SLO analytically, when none does. */
  infeasible: string | null;
  /** True when no replica count can help (a latency objective below the service time itself, zero drops with random arrivals): nothing is simulated. */
  hopeless: boolean;
}

export interface SimulatedFigures {
  replicas: number | null;
  /** Worst seed at `replicas`. */
  dropPercent: number | null;
  p95LatencySeconds: number | null;
  /** Worst seed at `replicas - 1` (null at 1 replica): what one fewer misses. */
  fewer: { dropPercent: number; p95LatencySeconds: number | null } | null;
  /** Replica counts simulated, in order, with the worst seed's figures and the verdict. */
  tried: { replicas: number; meets: boolean; dropPercent: number; p95LatencySeconds: number | null }[];
  infeasible: string | null;
}

export interface ServicePlan {
  service: string;
  pool: string;
  cpuType: string;
  precision: PrecisionName;
  peakFps: number;
  minFps: number;
  arrivals: string;
  serviceTimeSeconds: number;
  serviceTimeScv: number;
  /** Frames per second one replica infers when busy all the time. */
  replicaFps: number;
  cpuPerPod: number;
  maxReplicas: number;
  analytic: AnalyticFigures;
  simulated: SimulatedFigures | null;
  /** The replica count the plan uses: the simulated one when simulated, else the analytic one. */
  replicas: number | null;
  /** simulated − analytic, when both exist. */
  analyticError: number | null;
  /** The analytic drop % and p95 around the plan (for the SLO chart). */
  curve: { replicas: number; dropPercent: number; p95LatencySeconds: number | null }[];
  hpa: { minReplicas: number; maxReplicas: number; targetCpuUtilization: number } | null;
}

export interface PoolPlan {
  pool: string;
  cpuType: string;
  cpuDescription: string;
  cpuSource: string;
  isa: string[];
  precision: PrecisionName;
  nodeCores: number;
  allocatableCores: number;
  pricePerHour: number;
  nodesAvailable: number;
  services: ServicePlan[];
  nodes: number | null;
  podsPerNode: { owner: string; pods: number }[][];
  costPerMonth: number | null;
  feasible: boolean;
  /** What fails, when infeasible: a service's SLO, a pod too big for a node, too few nodes. */
  problems: string[];
}

export interface Plan {
  scenario: string;
  slo: Slo;
  seeds: number[];
  confirmSeconds: number;
  confirmed: boolean;
  loads: ServiceLoad[];
  candidates: PoolPlan[];
  /** Index into candidates of the cheapest feasible plan; null when none is feasible. */
  best: number | null;
}

export { arrivalProcess } from './workload.js';

/** CPU a pod requests: what its threads keep busy (capped by its limit), or more if it asks for more. */
export function cpuPerPod(svc: ServiceConfig): number {
  const busy = svc.cpuLimit === null ? svc.threads : Math.min(svc.threads, svc.cpuLimit);
  return Math.max(svc.cpuRequest, busy);
}

function analyticFigures(
  e: ReplicaEvaluation | null,
): Omit<AnalyticFigures, 'replicas' | 'infeasible' | 'hopeless'> {
  return {
    dropPercent: e?.dropPercent ?? null,
    p95LatencySeconds: e && Number.isFinite(e.p95LatencySeconds) ? e.p95LatencySeconds : null,
    utilisation: e?.utilisation ?? null,
    formula: e?.formula ?? null,
    exact: e?.exact ?? false,
  };
}

/** One service on one pool at one precision: the analytic stage (cheap, in this thread). */
function analyticStage(
  scenario: Scenario,
  svc: ServiceConfig,
  load: ServiceLoad,
  pool: Scenario['nodePools'][number],
  precision: PrecisionName,
  slo: Slo,
): { input: QueueingInput; plan: ServicePlan } {
  const st = serviceTime(scenario, svc, pool.cpuType, precision);
  const cpu = cpuPerPod(svc);
  const allocatable = pool.cores - pool.backgroundCores;
  const podsPerNode = Math.floor(allocatable / cpu + 1e-9);
  const maxReplicas = Math.max(0, pool.count * podsPerNode);
  const input: QueueingInput = {
    arrivals: arrivalProcess(scenario, svc.name),
    arrivalRatePerSecond: load.peakFps,
    service: { meanSeconds: st.meanSeconds, scv: st.scv },
    queue: { capacity: svc.queueCapacity, dropPolicy: svc.dropPolicy },
    maxReplicas: Math.max(1, maxReplicas),
  };
  let analytic: AnalyticFigures;
  if (podsPerNode === 0) {
    analytic = {
      ...analyticFigures(null),
      replicas: null,
      hopeless: true,
      infeasible: `a pod requests ${cpu} CPU; a ${pool.name} node has ${allocatable} allocatable`,
    };
  } else if (load.peakFps === 0) {
    analytic = { ...analyticFigures(null), replicas: 0, infeasible: null, hopeless: false };
  } else {
    const r = minReplicas(input, slo);
    analytic = r.feasible
      ? { ...analyticFigures(r.evaluation), replicas: r.replicas, infeasible: null, hopeless: false }
      : {
          ...analyticFigures(r.evaluation),
          replicas: null,
          infeasible: r.message,
          hopeless: r.reason !== 'max-replicas',
        };
  }
  return {
    input,
    plan: {
      service: svc.name,
      pool: pool.name,
      cpuType: pool.cpuType,
      precision,
      peakFps: load.peakFps,
      minFps: load.minFps,
      arrivals: input.arrivals.kind,
      serviceTimeSeconds: st.meanSeconds,
      serviceTimeScv: st.scv,
      replicaFps: 1 / st.meanSeconds,
      cpuPerPod: cpu,
      maxReplicas,
      analytic,
      simulated: null,
      replicas: analytic.replicas,
      analyticError: null,
      hpa: null,
      curve: [],
    },
  };
}

/** Analytic figures from a few replicas under the plan to a few over it. */
function curveAround(input: QueueingInput, center: number, max: number): ServicePlan['curve'] {
  const out: ServicePlan['curve'] = [];
  for (let c = Math.max(1, center - 6); c <= Math.min(max, center + 3); c++) {
    const e = evaluateReplicas(input, c);
    out.push({
      replicas: c,
      dropPercent: e.dropPercent,
      p95LatencySeconds: Number.isFinite(e.p95LatencySeconds) ? e.p95LatencySeconds : null,
    });
  }
  return out;
}

/** A simulated search, as a worker runs it. */
export interface SearchJob {
  scenario: Scenario;
  service: string;
  pool: string;
  precision: PrecisionName;
  cpuPerPod: number;
  start: number;
  maxReplicas: number;
  seeds: number[];
  durationUs: number;
  slo: Slo;
}

/**
 * The fewest replicas in [1, maxReplicas] that meet the SLO on every seed, assuming more replicas
 * never do worse: from `start`, walk down while the count meets it (or up, doubling the step, until
 * it does), then bisect the bracket.
 */
export function searchReplicas(job: SearchJob): SimulatedFigures {
  const tried: SimulatedFigures['tried'] = [];
  const seen = new Map<number, ConfirmOutcome>();
  const check = (replicas: number): ConfirmOutcome => {
    let o = seen.get(replicas);
    if (!o) {
      o = confirm({ ...job, replicas }, job.slo);
      seen.set(replicas, o);
      tried.push({
        replicas,
        meets: o.meets,
        dropPercent: o.dropPercent,
        p95LatencySeconds: o.p95LatencySeconds,
      });
    }
    return o;
  };
  let start = Math.min(Math.max(1, job.start), job.maxReplicas);
  // A bracket: bad < good, bad fails (or is 0), good meets.
  let good: number;
  let bad: number;
  if (check(start).meets) {
    good = start;
    bad = start - 1;
    let step = 1;
    while (bad >= 1 && check(bad).meets) {
      good = bad;
      step *= 2;
      bad = Math.max(0, good - step);
    }
  } else {
    bad = start;
    let step = 1;
    for (;;) {
      if (bad >= job.maxReplicas) {
        const o = check(job.maxReplicas);
        return {
          replicas: null,
          dropPercent: o.dropPercent,
          p95LatencySeconds: o.p95LatencySeconds,
          fewer: null,
          tried,
          infeasible: `even ${job.maxReplicas} replicas (all the pool holds) miss the SLO: ${missText(o, job.slo)}`,
        };
      }
      const next = Math.min(job.maxReplicas, bad + step);
      if (check(next).meets) {
        good = next;
        break;
      }
      bad = next;
      step *= 2;
    }
  }
  while (good - bad > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (check(mid).meets) good = mid;
    else bad = mid;
  }
  const at = check(good);
  const fewer = good > 1 ? check(good - 1) : null;
  return {
    replicas: good,
    dropPercent: at.dropPercent,
    p95LatencySeconds: at.p95LatencySeconds,
    fewer: fewer && { dropPercent: fewer.dropPercent, p95LatencySeconds: fewer.p95LatencySeconds },
    tried,
    infeasible: null,
  };
}

function missText(o: ConfirmOutcome, slo: Slo): string {
  const parts: string[] = [];
  if (slo.maxDropPercent !== null && o.dropPercent > slo.maxDropPercent)
    parts.push(
      `drop ${o.dropPercent.toFixed(2)}% > ${slo.maxDropPercent}% by ${(o.dropPercent - slo.maxDropPercent).toFixed(2)} points`,
    );
  if (slo.maxP95LatencySeconds !== null) {
    const p = o.p95LatencySeconds;
    if (p === null) parts.push('no frame finished');
    else if (p > slo.maxP95LatencySeconds)
      parts.push(
        `p95 ${p.toFixed(3)} s > ${slo.maxP95LatencySeconds} s by ${(p - slo.maxP95LatencySeconds).toFixed(3)} s`,
      );
  }
  return parts.join('; ');
}

/** The HPA that keeps the plan's per-replica load: min for the quietest load, max for the peak. */
function hpaFor(p: ServicePlan, input: QueueingInput, slo: Slo): ServicePlan['hpa'] {
  if (p.replicas === null || p.replicas === 0) return null;
  const atPeak = evaluateReplicas(input, p.replicas, false);
  let minReplicas = 1;
  if (p.minFps > 0) {
    const quiet = minReplicasAt({ ...input, arrivalRatePerSecond: p.minFps }, slo);
    minReplicas = Math.min(p.replicas, Math.max(1, quiet ?? p.replicas));
  }
  // CPU use per pod over its request is the busy share of its threads: aim where the peak plan has
  // it, but never above MAX_CPU_TARGET. A pod at its CPU limit reads 100%, so with a target above
  // 100 / (1 + tolerance) ≈ 91% an overloaded service would look within tolerance and never grow.
  const target = Math.max(10, Math.min(MAX_CPU_TARGET, Math.floor(atPeak.utilisation * 100)));
  return { minReplicas, maxReplicas: p.replicas, targetCpuUtilization: target };
}

function minReplicasAt(input: QueueingInput, slo: Slo): number | null {
  const r = minReplicas(input, slo);
  return r.feasible ? r.replicas : null;
}

/** Plans `scenario` (which must have an slo) over every node pool and precision. */
export async function planScenario(scenario: Scenario, options: PlanOptions): Promise<Plan> {
  const slo = scenario.slo;
  const loads = serviceLoads(scenario);
  // 1. The analytic stage for every pool x precision x service.
  const candidates: PoolPlan[] = [];
  const inputs: QueueingInput[][] = [];
  for (const pool of scenario.nodePools) {
    const cpu = scenario.cpuCatalog[pool.cpuType];
    for (const precision of options.precisions) {
      const stages = scenario.services.map((svc, i) =>
        analyticStage(scenario, svc, loads[i], pool, precision, slo),
      );
      inputs.push(stages.map((s) => s.input));
      candidates.push({
        pool: pool.name,
        cpuType: pool.cpuType,
        cpuDescription: cpu.description,
        cpuSource: cpu.source,
        isa: [...cpu.isa],
        precision,
        nodeCores: pool.cores,
        allocatableCores: pool.cores - pool.backgroundCores,
        pricePerHour: pool.pricePerHour,
        nodesAvailable: pool.count,
        services: stages.map((s) => s.plan),
        nodes: null,
        podsPerNode: [],
        costPerMonth: null,
        feasible: false,
        problems: [],
      });
    }
  }
  // 2. The simulated stage: one search per service plan that has a guess (or that needs one).
  if (options.confirm) {
    const jobs: { at: [number, number]; job: SearchJob }[] = [];
    candidates.forEach((c, ci) =>
      c.services.forEach((s, si) => {
        if (s.maxReplicas === 0 || s.peakFps === 0 || s.analytic.hopeless) return;
        jobs.push({
          at: [ci, si],
          job: {
            scenario,
            service: s.service,
            pool: c.pool,
            precision: c.precision,
            cpuPerPod: s.cpuPerPod,
            start: s.analytic.replicas ?? s.maxReplicas,
            maxReplicas: s.maxReplicas,
            seeds: options.seeds,
            durationUs: options.confirmDurationUs,
            slo,
          },
        });
      }),
    );
    let done = 0;
    const results = await runPool(
      jobs.map((j) => j.job),
      {
        workerUrl: new URL('./search-worker.js', import.meta.url),
        workers: options.workers,
        inline: searchReplicas,
        onDone: () => options.onProgress?.(++done, jobs.length),
      },
    );
    results.forEach((r, k) => {
      const [ci, si] = jobs[k].at;
      const s = candidates[ci].services[si];
      s.simulated = r;
      s.replicas = r.replicas;
      s.analyticError =
        r.replicas !== null && s.analytic.replicas !== null ? r.replicas - s.analytic.replicas : null;
    });
  }
  // 3. Nodes, cost, feasibility per candidate; HPAs.
  candidates.forEach((c, ci) => {
    for (const [si, s] of c.services.entries()) {
      const why = s.simulated?.infeasible ?? s.analytic.infeasible;
      if (s.replicas === null) c.problems.push(`${s.service}: ${why ?? 'no replica count meets the SLO'}`);
      else s.hpa = hpaFor(s, inputs[ci][si], slo);
      if (s.replicas !== null && s.replicas > 0)
        s.curve = curveAround(inputs[ci][si], s.replicas, Math.max(1, s.maxReplicas));
    }
    if (c.problems.length > 0) return;
    const packing = firstFitDecreasing(
      podsOf(c.services.map((s) => ({ service: s.service, replicas: s.replicas!, cpu: s.cpuPerPod }))),
      c.allocatableCores,
    );
    c.nodes = packing.nodes;
    c.podsPerNode = packing.perNode;
    c.costPerMonth = packing.nodes * c.pricePerHour * HOURS_PER_MONTH;
    if (packing.nodes > c.nodesAvailable)
      c.problems.push(
        `needs ${packing.nodes} nodes; the pool has ${c.nodesAvailable} (${packing.nodes - c.nodesAvailable} short)`,
      );
    c.feasible = c.problems.length === 0;
  });
  // 4. The cheapest feasible candidate (ties: fewer nodes, then the earlier candidate).
  let best: number | null = null;
  candidates.forEach((c, i) => {
    if (!c.feasible) return;
    const b = best === null ? null : candidates[best];
    if (!b || c.costPerMonth! < b.costPerMonth! || (c.costPerMonth === b.costPerMonth && c.nodes! < b.nodes!))
      best = i;
  });
  return {
    scenario: scenario.name,
    slo,
    seeds: options.seeds,
    confirmSeconds: options.confirmDurationUs / 1e6,
    confirmed: options.confirm,
    loads,
    candidates,
    best,
  };
}

export { meetsSlo };
