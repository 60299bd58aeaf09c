/**
 * simulate(scenario, options) -> RunResult: the one core function (DESIGN.md). Pure and
 * deterministic: the same scenario and seed give the same result and the same rows, in the same
 * order. It reads no clock, no environment and no Math.random.
 *
 *   build the world -> schedule time 0 -> run events in (time, priority, sequence) order
 *     -> every step: sample each service into a time-series row and each node pool into a node
 *        row (both streamed to the sink); track recovery after load steps
 *   -> summarize KPIs
 */
import { InvariantError } from '../errors.js';
import type { LatencyHistogram } from '../metrics/histogram.js';
import { LatencyHistogram as Histogram } from '../metrics/histogram.js';
import type { Scenario } from '../scenario/types.js';
import type { Sampler } from './distributions.js';
import { Ev, PRIORITY } from './events.js';
import { loadStepsUs } from './load-steps.js';
import { DEFAULT_RECOVERY_DROP_PERCENT, RecoveryTracker, type LoadStepRecovery } from './recovery.js';
import { Phase, World, type RunEvent, type ServiceState } from './world.js';

export type { RunEvent } from './world.js';

/** One row of timeseries.csv: one step of one service. */
export interface TimeseriesRow {
  timeS: number;
  service: string;
  replicas: number;
  readyReplicas: number;
  queueLength: number;
  offeredFps: number;
  inferFps: number;
  dropFps: number;
  /** Mean of the Ready pods' latest ei_scale_ratio gauges; null before any pod reported. */
  scaleRatio: number | null;
  /** CPU used / CPU requested (as the HPA computes it); per pod in cores when pods request none. */
  cpuUtilization: number | null;
  /** Percentiles of queue wait + service of the frames finished in the step; null when none finished. */
  latencyP50S: number | null;
  latencyP95S: number | null;
  latencyP99S: number | null;
  /** Replicas the autoscaler (or the last manual scale) asks for. */
  desiredReplicas: number;
  /** The first HPA metric as the HPA saw it at its last sync (percent for Utilization), and its target. */
  hpaMetric: number | null;
  hpaTarget: number | null;
}

/** One row of nodes.csv: one step of one node pool. */
export interface NodeRow {
  timeS: number;
  pool: string;
  nodes: number;
  /** The pool's cores: nodes x cores per node. */
  cpuCores: number;
  /** CPU requested by the pods bound to the pool's nodes at the end of the step. */
  cpuRequestedCores: number;
  /** Core-seconds the pool's pods were busy in the step / the step's length (background load not included). */
  cpuUsedCores: number;
  /** cpuUsedCores / cpuCores; null for a pool without nodes. */
  cpuUtilization: number | null;
}

/**
 * One step of one Kubernetes-Ready pod (what Prometheus would scrape from it at the step's end):
 * its seed gauges as last reported (0 before its first report) and its cumulative CPU.
 */
export interface PodRow {
  timeS: number;
  service: string;
  /** The pod's ordinal in its service (0, 1, ...: creation order). */
  ordinal: number;
  inferFps: number;
  dropFps: number;
  scaleRatio: number;
  /** Core-seconds the pod has used since it started (container_cpu_usage_seconds_total). */
  cpuSeconds: number;
}

export interface RunSink {
  row?(row: TimeseriesRow): void;
  /** Each Ready pod at each step (after the service's row); only called when given. */
  pod?(row: PodRow): void;
  node?(row: NodeRow): void;
  event?(event: RunEvent): void;
}

export interface SimulateOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Overrides the scenario's duration, µs. */
  durationUs?: number;
  sink?: RunSink;
  /** Check frame conservation at every step (default true; costs O(services) per step). */
  checkInvariants?: boolean;
  /** Every periodic frame as an event (world.ts, WorldOptions): for the test that compares the two ways. */
  eventPerFrame?: boolean;
  /**
   * Hot draws made ahead of time by another thread (world.ts, WorldOptions): the same run, sooner. They
   * continue their streams, so one prefetch serves one run.
   */
  draws?: ReadonlyMap<string, Sampler>;
}

export interface FrameKpis {
  offeredFrames: number;
  inferredFrames: number;
  droppedFrames: number;
  queuedAtEnd: number;
  inServiceAtEnd: number;
  dropRatio: number;
  offeredFps: number;
  inferFps: number;
  dropFps: number;
  meanQueueWaitSeconds: number | null;
  latencyP50Seconds: number | null;
  latencyP95Seconds: number | null;
  latencyP99Seconds: number | null;
  replicaSeconds: number;
  /**
   * Replica-seconds that only the HPA's scale-down stabilization window kept: per sync interval,
   * the live pods beyond what that sync would have set with no window, up to the desired count.
   */
  replicaSecondsHeldByStabilization: number;
  maxReplicas: number;
  cpuCoreSeconds: number;
}

export interface ServiceSummary extends FrameKpis {
  service: string;
  meanReplicas: number;
  podsCreated: number;
  podsPendingAtEnd: number;
  /** Changes of the desired replica count (HPA rescales and manual scales), and per simulated hour. */
  scaleEvents: number;
  scaleEventsPerHour: number;
  /** Seconds in steps whose drop % or p95 latency broke the scenario's `slo` (0 without one). */
  sloViolationSeconds: number;
  /** Frames dropped in steps that ended with fewer Ready pods than desired. */
  framesDroppedWhileScalingUp: number;
  /** Each rise of the scheduled offered load (load-steps.ts) and the time to recover from it (recovery.ts). */
  loadSteps: LoadStepRecovery[];
  /** The longest recoverySeconds; null when a load step never recovered or there is none. */
  maxRecoverySeconds: number | null;
  /** Load steps whose recoverySeconds is null. */
  unrecoveredLoadSteps: number;
}

export interface RunResult {
  scenario: string;
  seed: number;
  durationSeconds: number;
  stepSeconds: number;
  /**
   * Present only for a run of the fluid engine (model/fluid.ts): its KPIs are within the error the
   * README states of the exact engine's, not the exact engine's own.
   */
  engine?: { kind: 'fluid'; tickSeconds: number };
  /** A step whose drop % is above this has not recovered from a load step (slo.maxDropPercent, else 1). */
  recoveryMaxDropPercent: number;
  services: ServiceSummary[];
  total: FrameKpis;
  events: number;
  /** Node-hours of every pool's nodes over the run (nodes are static), and their cost at pricePerHour. */
  nodeHours: number;
  cost: number;
}

export function simulate(scenario: Scenario, options: SimulateOptions = {}): RunResult {
  const run = startRun(scenario, options);
  run.advance(Infinity);
  return run.finish();
}

/**
 * A run that advances in slices, for a caller that must stay responsive between them (the CLI
 * handles Ctrl-C there). Slicing changes nothing: the events run in the same order as in one go.
 */
export interface SimulationRun {
  /** Runs up to `maxEvents` more events; true once the run has reached its end. */
  advance(maxEvents: number): boolean;
  /** Simulated µs reached so far. */
  readonly nowUs: number;
  /** The run's result; only after advance() returned true. */
  finish(): RunResult;
}

export function startRun(scenario: Scenario, options: SimulateOptions = {}): SimulationRun {
  const seed = options.seed ?? scenario.seed;
  const endUs = options.durationUs ?? scenario.durationUs;
  const stepUs = Math.min(scenario.stepUs, endUs);
  const sink = options.sink ?? {};
  const check = options.checkInvariants ?? true;
  let events = 0;

  // 1. Build the world and schedule what exists at time 0.
  const world = new World(
    scenario,
    seed,
    endUs,
    { event: (e) => sink.event?.(e) },
    { eventPerFrame: options.eventPerFrame, draws: options.draws },
  );
  const recoveryDropPercent = scenario.slo.maxDropPercent ?? DEFAULT_RECOVERY_DROP_PERCENT;
  const recovery = loadStepsUs(scenario, endUs).map((steps) => new RecoveryTracker(steps, stepUs));
  const heap = world.heap;
  const steps = Math.ceil(endUs / stepUs);
  heap.push(Math.min(stepUs, endUs), PRIORITY[Ev.Sample], Ev.Sample, 0, 0);
  world.start();

  // 2. Run events in order until the end.
  let lastSampleUs = 0;
  let done = false;
  const advance = (maxEvents: number): boolean => {
    // A local count: the closure's `events` is updated once per slice, not once per event.
    let n = events;
    const stop = n + maxEvents;
    // The world schedules nothing after the end, so every event in the heap belongs to the run.
    while (n < stop) {
      if (!heap.pop()) {
        done = true;
        break;
      }
      world.now = heap.timeUs;
      n++;
      if (heap.eventKind === Ev.Sample) {
        const k = heap.a;
        // The step's frames up to and including now (world.ts, Frames on demand).
        world.catchUpAll(PRIORITY[Ev.Sample] > PRIORITY[Ev.PeriodicFrame]);
        sample(world, world.now - lastSampleUs, sink, recovery, recoveryDropPercent);
        if (check) world.checkConservation();
        lastSampleUs = world.now;
        if (k + 1 < steps)
          heap.push(Math.min((k + 2) * stepUs, endUs), PRIORITY[Ev.Sample], Ev.Sample, k + 1, 0);
        continue;
      }
      world.dispatch(heap.eventKind, heap.a, heap.b);
    }
    events = n;
    if (done && lastSampleUs !== endUs)
      throw new InvariantError(`the last sample is at ${lastSampleUs}us, not at the end ${endUs}us`);
    return done;
  };
  return {
    advance,
    get nowUs() {
      return world.now;
    },
    finish: () => {
      if (!done) throw new InvariantError('finish() before the run reached its end');
      // The frames made on demand count as the events they stand for.
      return summarize(
        scenario,
        world,
        recovery,
        recoveryDropPercent,
        seed,
        endUs,
        stepUs,
        events + world.ringEvents,
      );
    },
  };
}

function summarize(
  scenario: Scenario,
  world: World,
  recovery: RecoveryTracker[],
  recoveryDropPercent: number,
  seed: number,
  endUs: number,
  stepUs: number,
  events: number,
): RunResult {
  // 3. Summarize.
  world.now = endUs;
  world.flushCpu();
  const durationS = endUs / 1e6;
  const services = world.services.map((svc) =>
    serviceSummary(world, svc, durationS, recovery[svc.index].results()),
  );
  const all = new Histogram();
  for (const svc of world.services) all.merge(svc.latency);
  const sum = (f: (s: ServiceSummary) => number) => services.reduce((a, s) => a + f(s), 0);
  const waitCount = world.services.reduce((a, s) => a + s.waitCount, 0);
  const waitSum = world.services.reduce((a, s) => a + s.waitSumUs, 0);
  const total = kpis(
    {
      offered: sum((s) => s.offeredFrames),
      inferred: sum((s) => s.inferredFrames),
      dropped: sum((s) => s.droppedFrames),
      queued: sum((s) => s.queuedAtEnd),
      inService: sum((s) => s.inServiceAtEnd),
      waitSumUs: waitSum,
      waitCount,
      latency: all,
      replicaSeconds: sum((s) => s.replicaSeconds),
      replicaSecondsHeldByStabilization: sum((s) => s.replicaSecondsHeldByStabilization),
      maxReplicas: sum((s) => s.maxReplicas),
      cpuCoreSeconds: sum((s) => s.cpuCoreSeconds),
    },
    durationS,
  );
  return {
    scenario: scenario.name,
    seed,
    durationSeconds: durationS,
    stepSeconds: stepUs / 1e6,
    ...(scenario.engine
      ? { engine: { kind: 'fluid' as const, tickSeconds: scenario.engine.tickUs / 1e6 } }
      : {}),
    recoveryMaxDropPercent: recoveryDropPercent,
    services,
    total,
    events,
    nodeHours: scenario.nodePools.reduce((a, p) => a + p.count, 0) * (durationS / 3600),
    cost: scenario.nodePools.reduce((a, p) => a + p.count * p.pricePerHour, 0) * (durationS / 3600),
  };
}

/** The latency percentiles of each step's row, in one pass over its histogram. */
const STEP_QUANTILES = [0.5, 0.95, 0.99] as const;
const stepQuantiles = new Float64Array(STEP_QUANTILES.length);

function sample(
  world: World,
  stepUs: number,
  sink: RunSink,
  recovery: RecoveryTracker[],
  recoveryDropPercent: number,
): void {
  world.flushCpu();
  const stepS = stepUs / 1e6;
  for (const svc of world.services) {
    let replicas = 0;
    let ready = 0;
    let ratioSum = 0;
    let ratioN = 0;
    for (const p of svc.pods) {
      if (p.phase === Phase.Terminating) continue;
      replicas++;
      if (p.phase === Phase.Ready && world.now >= p.k8sReadyUs) ready++;
      if (p.phase === Phase.Ready) {
        if (p.reported) {
          ratioSum += p.scaleRatio;
          ratioN++;
        }
      }
    }
    // KPIs per step: the SLO (drop % and p95 latency of the step) and drops during a scale-up.
    const slo = world.scenario.slo;
    const dropPct = svc.stepOffered > 0 ? (100 * svc.stepDropped) / svc.stepOffered : 0;
    const latencyKnown = svc.stepLatency.total > 0;
    if (latencyKnown) svc.stepLatency.quantilesUs(STEP_QUANTILES, stepQuantiles);
    const p95 = latencyKnown ? stepQuantiles[1] / 1e6 : null;
    if (
      (slo.maxDropPercent !== null && dropPct > slo.maxDropPercent) ||
      (slo.maxP95LatencySeconds !== null && p95 !== null && p95 > slo.maxP95LatencySeconds)
    ) {
      svc.sloViolationUs += stepUs;
    }
    if (ready < svc.desired) svc.droppedWhileScalingUp += svc.stepDropped;
    recovery[svc.index].step(world.now, dropPct > recoveryDropPercent);
    if (sink.row) {
      const usedCores = svc.stepCpuCoreUs / stepUs;
      const denominator = svc.cfg.cpuRequest > 0 ? replicas * svc.cfg.cpuRequest : replicas;
      sink.row({
        timeS: world.now / 1e6,
        service: svc.cfg.name,
        replicas,
        readyReplicas: ready,
        queueLength: svc.queue.length,
        offeredFps: svc.stepOffered / stepS,
        inferFps: svc.stepInferred / stepS,
        dropFps: svc.stepDropped / stepS,
        scaleRatio: ratioN > 0 ? ratioSum / ratioN : null,
        cpuUtilization: denominator > 0 ? usedCores / denominator : null,
        latencyP50S: latencyKnown ? stepQuantiles[0] / 1e6 : null,
        latencyP95S: p95,
        latencyP99S: latencyKnown ? stepQuantiles[2] / 1e6 : null,
        desiredReplicas: svc.desired,
        hpaMetric: svc.hpaMetricValue,
        hpaTarget: svc.hpaMetricTarget,
      });
    }
    if (sink.pod) {
      for (const p of svc.pods) {
        if (p.phase !== Phase.Ready || world.now < p.k8sReadyUs) continue;
        sink.pod({
          timeS: world.now / 1e6,
          service: svc.cfg.name,
          ordinal: p.ordinal,
          inferFps: p.reported ? p.inferFps : 0,
          dropFps: p.reported ? p.dropFps : 0,
          scaleRatio: p.reported ? p.scaleRatio : 0,
          cpuSeconds: p.cpuCoreUs / 1e6,
        });
      }
    }
    svc.stepOffered = 0;
    svc.stepInferred = 0;
    svc.stepDropped = 0;
    svc.stepCpuCoreUs = 0;
    // Both engines count a frame's latency in the step's histogram only; the run's takes it here.
    svc.latency.absorb(svc.stepLatency);
  }
  for (const pool of world.pools) {
    if (sink.node) {
      const cores = pool.cfg.count * pool.cfg.cores;
      const used = pool.stepCpuCoreUs / stepUs;
      sink.node({
        timeS: world.now / 1e6,
        pool: pool.cfg.name,
        nodes: pool.cfg.count,
        cpuCores: cores,
        cpuRequestedCores: pool.allocatedCpu,
        cpuUsedCores: used,
        cpuUtilization: cores > 0 ? used / cores : null,
      });
    }
    pool.stepCpuCoreUs = 0;
  }
}

interface Tally {
  offered: number;
  inferred: number;
  dropped: number;
  queued: number;
  inService: number;
  waitSumUs: number;
  waitCount: number;
  latency: LatencyHistogram;
  replicaSeconds: number;
  replicaSecondsHeldByStabilization: number;
  maxReplicas: number;
  cpuCoreSeconds: number;
}

function kpis(t: Tally, durationS: number): FrameKpis {
  const q = (x: number) => (t.latency.total > 0 ? t.latency.quantileUs(x) / 1e6 : null);
  return {
    offeredFrames: t.offered,
    inferredFrames: t.inferred,
    droppedFrames: t.dropped,
    queuedAtEnd: t.queued,
    inServiceAtEnd: t.inService,
    dropRatio: t.offered > 0 ? t.dropped / t.offered : 0,
    offeredFps: t.offered / durationS,
    inferFps: t.inferred / durationS,
    dropFps: t.dropped / durationS,
    meanQueueWaitSeconds: t.waitCount > 0 ? t.waitSumUs / t.waitCount / 1e6 : null,
    latencyP50Seconds: q(0.5),
    latencyP95Seconds: q(0.95),
    latencyP99Seconds: q(0.99),
    replicaSeconds: t.replicaSeconds,
    replicaSecondsHeldByStabilization: t.replicaSecondsHeldByStabilization,
    maxReplicas: t.maxReplicas,
    cpuCoreSeconds: t.cpuCoreSeconds,
  };
}

function serviceSummary(
  world: World,
  svc: ServiceState,
  durationS: number,
  loadSteps: LoadStepRecovery[],
): ServiceSummary {
  const k = kpis(
    {
      offered: svc.offered,
      inferred: svc.inferred,
      dropped: svc.dropped,
      queued: svc.queue.length,
      inService: svc.inService,
      waitSumUs: svc.waitSumUs,
      waitCount: svc.waitCount,
      latency: svc.latency,
      replicaSeconds: svc.replicaUs / 1e6,
      replicaSecondsHeldByStabilization: svc.heldByStabilizationUs / 1e6,
      maxReplicas: svc.maxReplicas,
      cpuCoreSeconds: world.pods.filter((p) => p.service === svc).reduce((a, p) => a + p.cpuCoreUs, 0) / 1e6,
    },
    durationS,
  );
  return {
    service: svc.cfg.name,
    ...k,
    meanReplicas: svc.replicaUs / 1e6 / durationS,
    podsCreated: world.pods.filter((p) => p.service === svc).length,
    podsPendingAtEnd: svc.pods.filter((p) => p.phase === Phase.Pending).length,
    scaleEvents: svc.scaleEvents,
    sloViolationSeconds: svc.sloViolationUs / 1e6,
    framesDroppedWhileScalingUp: svc.droppedWhileScalingUp,
    scaleEventsPerHour: svc.scaleEvents / (durationS / 3600),
    loadSteps,
    maxRecoverySeconds: loadSteps.some((s) => s.recoverySeconds === null)
      ? null
      : loadSteps.reduce<number | null>((a, s) => Math.max(a ?? 0, s.recoverySeconds!), null),
    unrecoveredLoadSteps: loadSteps.filter((s) => s.recoverySeconds === null).length,
  };
}
