/**
 * The simulated world: nodes, services (one queue each), pods and streams, and the handlers of
 * the model's events. `simulate.ts` builds it and drives the engine; this file owns the semantics
 * of DESIGN.md (Domain semantics) and reference/seed/original-system.md.
 */
import { EventHeap } from '../engine/heap.js';
import { roundUs } from '../engine/time.js';
import { randomStream, type RandomStream } from '../engine/rng.js';
import { InvariantError } from '../errors.js';
import { LatencyHistogram } from '../metrics/histogram.js';
import type { Scenario, ServiceConfig, StreamGroupConfig, NodePoolConfig } from '../scenario/types.js';
import type { CpuTypeEntry } from './catalog.js';
import { sampler, type Sampler } from './distributions.js';
import { groupComponent, hotDraw, unitExponential, workComponent } from './draws.js';
import { Ev, PRIORITY } from './events.js';
import { FrameQueue } from './queue.js';
import { sineCount } from './schedule.js';
import { cfsFactor, contentionFactor, frameSecondsAtFullSpeed } from './throughput.js';
import {
  scrapeMetricsServer,
  scrapePod,
  scrapeQueue,
  schedulePodScrapes,
  startPipeline,
} from '../metrics/pipeline.js';
import { controllerConfig, onAutoscalerTick, startAutoscalers } from './autoscaling.js';
import type { ControllerConfig } from '../autoscale/hpa/index.js';
import { FluidEngine } from './fluid.js';
import { FrameRing, frameTimeUs, wholePeriodUs } from './frame-ring.js';

// The hot handlers push their events straight onto the heap, with these priorities.
const PRIORITY_SERVICE_DONE = PRIORITY[Ev.ServiceDone];
const PRIORITY_PERIODIC = PRIORITY[Ev.PeriodicFrame];
const PRIORITY_POISSON = PRIORITY[Ev.PoissonFrame];
// Whether an event of each kind that takes frames sees the frames arriving at its own time (see World).
const DONE_SEES_FRAMES_AT_NOW = PRIORITY_SERVICE_DONE > PRIORITY_PERIODIC;
const READY_SEES_FRAMES_AT_NOW = PRIORITY[Ev.PodReady] > PRIORITY_PERIODIC;
const POLL_SEES_FRAMES_AT_NOW = PRIORITY[Ev.Poll] > PRIORITY_PERIODIC;

const enum CatchUp {
  /** A frame, or a completion or poll (each catches up its own service when it takes frames). */
  None = 0,
  /** Every queue with the frames before now: the event sorts before frames. */
  BeforeNow = 1,
  /** And those at now: the event sorts after frames. */
  AtNow = 2,
}
/** By kind: what an event sees of the frames made on demand before it runs (see World). */
const CATCH_UP: readonly CatchUp[] = PRIORITY.map((priority, kind) =>
  [Ev.PeriodicFrame, Ev.PoissonFrame, Ev.TraceFrame, Ev.FluidTick, Ev.ServiceDone, Ev.Poll].includes(kind)
    ? CatchUp.None
    : priority > PRIORITY_PERIODIC
      ? CatchUp.AtNow
      : CatchUp.BeforeNow,
);

/** Taken entries at the head of a notify idle list below which it is not worth compacting. */
const IDLE_COMPACT_MIN = 16;

/**
 * The first value of a field that holds µs times or sums of them. Times pass 2^31 µs after 35.8
 * simulated minutes, beyond V8's small integers: a field that had held only small integers until
 * then changes representation there, the objects' hidden classes are deprecated and the functions
 * compiled against them are thrown away and compiled again, and the code that follows was measured
 * 5-10% slower for the rest of the run than code that saw doubles from the start (seed demo and
 * M/M/c/K, 60,000 s, user CPU). So such a field is declared with this non-integer value, which makes
 * it a double field from its object's creation, and set to its real first value in the constructor;
 * nothing ever reads the 0.5.
 */
export const AS_DOUBLE = 0.5;

export const enum Phase {
  Pending = 0,
  Starting = 1,
  Ready = 2,
  Terminating = 3,
  Gone = 4,
}

export interface RunEvent {
  timeUs: number;
  service: string;
  event: string;
  detail: string;
}

/** A node pool's nodes and what their pods use, for the per-pool rows of nodes.csv. */
export class PoolState {
  /** CPU requested by the pods bound to the pool's nodes. */
  allocatedCpu = 0;
  /** Core-µs the pool's pods used in the current step. */
  stepCpuCoreUs = AS_DOUBLE;
  constructor(
    readonly cfg: NodePoolConfig,
    readonly index: number,
  ) {
    // The real first values of the fields declared AS_DOUBLE.
    this.stepCpuCoreUs = 0;
  }
}

export class NodeState {
  allocatedCpu = 0;
  busyThreads = 0;
  readonly busyPods: Pod[] = [];
  factor = 1;
  /** The fluid engine: busy threads (fractional) in its last tick, and the sharing factor they give. */
  fluidBusyThreads = 0;
  fluidFactor = 1;
  /** The pool's cores and background cores, as fields of the node (read on every frame). */
  readonly cores: number;
  readonly backgroundCores: number;
  constructor(
    readonly pool: NodePoolConfig,
    readonly poolState: PoolState,
    readonly name: string,
    readonly cpu: CpuTypeEntry,
  ) {
    this.cores = pool.cores;
    this.backgroundCores = pool.backgroundCores;
  }

  addBusy(pod: Pod): void {
    pod.busyIndex = this.busyPods.length;
    this.busyPods.push(pod);
  }

  removeBusy(pod: Pod): void {
    const last = this.busyPods.pop()!;
    if (last !== pod) {
      this.busyPods[pod.busyIndex] = last;
      last.busyIndex = pod.busyIndex;
    }
    pod.busyIndex = -1;
  }
}

export class Pod {
  phase: Phase = Phase.Pending;
  node: NodeState | null = null;
  /** When the pod was bound to a node (Kubernetes' status.startTime). */
  scheduledUs = AS_DOUBLE;
  /** When the pod can serve: its containers run and its model is loaded. */
  readyUs = AS_DOUBLE;
  /** When Kubernetes reports it Ready (with a probe: the first probe after readyUs). */
  k8sReadyUs = Infinity;
  goneUs = AS_DOUBLE;
  // metrics-server: the last two CPU samples (cumulative core-µs, at time µs).
  msPrevCpu = AS_DOUBLE;
  msPrevUs = AS_DOUBLE;
  msLastCpu = AS_DOUBLE;
  msLastUs = AS_DOUBLE;
  // Prometheus: the latest scrape of this pod's gauges.
  promUs = AS_DOUBLE;
  promInfer = 0;
  promDrop = 0;
  promRatio = 0;
  // Work in service.
  busy = false;
  batchArrivals: Float64Array;
  batchCount = 0;
  workRemainingUs = AS_DOUBLE;
  rate = 1;
  lastRateUs = AS_DOUBLE;
  workVersion = 0;
  busyIndex = -1;
  /** Base frame time at full speed on this pod's node, µs (when the model has no serviceTime). */
  frameUs = AS_DOUBLE;
  cfs = 1;
  // Idle: polls (poll wake-up) or the idle list (notify wake-up).
  idleVersion = 0;
  idleSinceUs = AS_DOUBLE;
  idleTimerPending = false;
  emptyPolls = 0;
  // The seed's per-replica gauges (reference/seed/original-system.md, Metrics).
  framesSinceReport = 0;
  dropsSinceReport = 0;
  lastReportUs = AS_DOUBLE;
  maxInferFps = 0;
  reported = false;
  inferFps = 0;
  dropFps = 0;
  scaleRatio = 0;
  cpuCoreUs = AS_DOUBLE;
  readonly createdUs: number = AS_DOUBLE;
  constructor(
    readonly id: number,
    readonly service: ServiceState,
    readonly ordinal: number,
    createdUs: number,
  ) {
    this.createdUs = createdUs;
    this.batchArrivals = new Float64Array(service.cfg.batchSize);
    // The real first values of the fields declared AS_DOUBLE.
    this.scheduledUs = -1;
    this.readyUs = -1;
    this.goneUs = -1;
    this.msPrevCpu = -1;
    this.msPrevUs = -1;
    this.msLastCpu = -1;
    this.msLastUs = -1;
    this.promUs = -1;
    this.workRemainingUs = 0;
    this.lastRateUs = 0;
    this.frameUs = 0;
    this.idleSinceUs = 0;
    this.lastReportUs = 0;
    this.cpuCoreUs = 0;
  }
}

export class ServiceState {
  readonly queue: FrameQueue;
  /** Live pods (not Gone) in creation order. */
  pods: Pod[] = [];
  /**
   * Notify wake-up: idle Ready pods, first idle first woken: idle[idleHead .. idleLen). The array is
   * never shortened (entries from idleLen on are stale): setting an array's length is a call into
   * V8's runtime that trims its store, which the next push then grows again, and an M/M/c/K run
   * emptied the list at every other frame.
   */
  idle: Pod[] = [];
  idleHead = 0;
  idleLen = 0;
  desired: number;
  readonly workSampler: Sampler | null;
  readonly startupSampler: Sampler;
  // The configuration the hot path reads, as plain fields of this object (cfg's never change).
  readonly batchSize: number;
  readonly threads: number;
  readonly queueCapacity: number;
  readonly trimOnPop: boolean;
  readonly dropNewest: boolean;
  readonly pollWakeup: boolean;
  readonly pollIntervalUs: number;
  readonly reportIntervalUs: number;
  /** The heap lane of this service's polls (world.ts, assignLanes), or -1 for the heap itself. */
  pollLane = -1;
  /** The heap lane of this service's completions (a model with no serviceTime), or -1. */
  doneLane = -1;
  /**
   * The pending periodic frames of a service whose frames are made on demand (World, "Frames on
   * demand"), one ring per FPS among its stream groups; null when each frame is an event.
   */
  frameRings: FrameRing[] | null = null;
  // Run totals.
  offered = 0;
  inferred = 0;
  dropped = 0;
  inService = 0;
  waitSumUs = AS_DOUBLE;
  waitCount = 0;
  readonly latency = new LatencyHistogram();
  replicaUs = AS_DOUBLE;
  maxReplicas = 0;
  lastReplicaChangeUs = AS_DOUBLE;
  liveCount = 0;
  // Current step.
  stepOffered = 0;
  stepInferred = 0;
  stepDropped = 0;
  stepCpuCoreUs = AS_DOUBLE;
  readonly stepLatency = new LatencyHistogram();
  nextOrdinal = 0;
  /** Changes of the desired replica count. */
  scaleEvents = 0;
  /** Time in steps that broke the scenario's SLO, µs. */
  sloViolationUs = AS_DOUBLE;
  /** Frames dropped in steps that ended with fewer Ready pods than desired (a scale-up under way). */
  droppedWhileScalingUp = 0;
  /**
   * The count the HPA's last sync would have set without its scale-down stabilization window
   * (null before the first sync, without an HPA, or when that sync used no metrics).
   */
  desiredWithoutStabilization: number | null = null;
  /** Replica-µs the scale-down stabilization window alone kept (see accountReplicas). */
  heldByStabilizationUs = AS_DOUBLE;
  /**
   * Frames in flight (queued + in service) integrated over time, frame-µs, up to inflightSinceUs:
   * what Knative's queue-proxy averages as concurrency. On the exact engine it is updated before every
   * change of the count, in a service with a KPA only (tracksInflight); the fluid engine integrates it
   * at each tick for every service.
   */
  inflightAreaUs = AS_DOUBLE;
  /** Only a KPA reads the in-flight area: other services skip it (two updates per frame). */
  readonly tracksInflight: boolean;
  inflightSinceUs = AS_DOUBLE;
  /** A KPA's last per-second scrape: when, the in-flight area and the frames offered then. */
  scrapeMark: { atUs: number; areaUs: number; offered: number; ticks: number } | null = null;
  // Prometheus: the latest scrape of the queue length.
  promQueueUs = AS_DOUBLE;
  promQueue = 0;
  /** When Prometheus first stored each metric of this service (for the adapter's discovery). */
  readonly firstSeenUs = new Map<string, number>();
  /** The service's autoscaling policy (autoscale/policy.ts) and its state, opaque to the world. */
  autoscaler: unknown = null;
  autoscalerState: unknown = null;
  /** Desired replicas as the last HPA sync set them; null without an HPA. */
  hpaDesired: number | null = null;
  /** The first metric the HPA saw at its last sync, in its own unit, and its target. */
  hpaMetricValue: number | null = null;
  hpaMetricTarget: number | null = null;

  constructor(
    readonly index: number,
    readonly cfg: ServiceConfig,
    seed: number,
    readonly model: Scenario['models'][string],
    draws?: ReadonlyMap<string, Sampler>,
  ) {
    // The real first values of the fields declared AS_DOUBLE.
    this.waitSumUs = 0;
    this.replicaUs = 0;
    this.lastReplicaChangeUs = 0;
    this.stepCpuCoreUs = 0;
    this.sloViolationUs = 0;
    this.heldByStabilizationUs = 0;
    this.inflightAreaUs = 0;
    this.inflightSinceUs = 0;
    this.promQueueUs = -1;
    this.queue = new FrameQueue(Math.min(cfg.queueCapacity + 1, 1 << 16));
    this.desired = cfg.replicas;
    this.batchSize = cfg.batchSize;
    this.threads = cfg.threads;
    this.queueCapacity = cfg.queueCapacity;
    this.trimOnPop = cfg.dropPolicy === 'trim-on-pop';
    this.dropNewest = cfg.dropPolicy === 'drop-newest';
    this.pollWakeup = cfg.wakeup === 'poll';
    this.pollIntervalUs = cfg.pollIntervalUs;
    this.reportIntervalUs = cfg.reportIntervalUs;
    this.tracksInflight = cfg.autoscaler?.policy === 'kpa';
    this.workSampler = model.serviceTime
      ? (draws?.get(workComponent(cfg.name)) ??
        hotDraw(seed, { component: workComponent(cfg.name), dist: model.serviceTime }))
      : null;
    const total = sampler(cfg.startupDelay, randomStream(seed, `service:${cfg.name}:startup`));
    const stages = cfg.startupStages.map((s) =>
      sampler(s.dist, randomStream(seed, `service:${cfg.name}:${s.stage}`)),
    );
    this.startupSampler = stages.length === 0 ? total : () => stages.reduce((a, draw) => a + draw(), total());
  }
}

class Stream {
  epoch = 0;
  active = false;
  startUs = AS_DOUBLE;
  k = 0;
  constructor(
    readonly id: number,
    readonly group: GroupState,
    readonly indexInGroup: number,
  ) {
    // The real first values of the fields declared AS_DOUBLE.
    this.startUs = 0;
  }
}

export class GroupState {
  readonly streams: Stream[] = [];
  active = 0;
  epoch = 0;
  readonly periodUs: number;
  /** frame-ring.ts, wholePeriodUs. */
  readonly wholePeriodUs: number;
  readonly jitterUs: number;
  /** The heap lane of this group's arrivals (world.ts, assignLanes), or -1 for the heap itself. */
  lane = -1;
  /** The ring of this group's pending frames when its service's frames are made on demand, else null. */
  ring: FrameRing | null = null;
  constructor(
    readonly index: number,
    readonly cfg: StreamGroupConfig,
    readonly service: ServiceState,
    readonly rng: RandomStream,
    /** A Poisson group's gaps at rate 1, -log(u), from `rng` or made ahead of time from its stream (draws.ts). */
    readonly unitGap: Sampler,
  ) {
    this.periodUs = 1e6 / cfg.fps;
    this.wholePeriodUs = wholePeriodUs(cfg.fps);
    this.jitterUs = cfg.jitterUs;
  }
}

export interface WorldSink {
  event(e: RunEvent): void;
}

export interface WorldOptions {
  /**
   * Every periodic frame as an event of its own, as for a service that cannot have its frames made on
   * demand (below). Only the test that compares the two ways sets it: they give the same run.
   */
  eventPerFrame?: boolean;
  /**
   * Hot draws made ahead of time by another thread (model/draws.ts, parallel/draw-prefetch.ts), by
   * random stream name; a stream not in it is drawn from here. The same numbers either way.
   */
  draws?: ReadonlyMap<string, Sampler>;
}

/**
 * Frames on demand. A periodic frame into a service whose pods poll changes nothing but the queue and
 * the service's counters: no pod is woken, and (without jitter) its time needs no random draw. Such a
 * service's frames are not events: each stream's next frame waits in the service's FrameRing, and the
 * frames due are pushed into the queue, in time order and with the same drop rules as `arrive`, when
 * something is about to look at the queue or the counters: a pod taking frames (after a completion
 * or at a poll), the step's sample, and every event other than frames, completions and polls (scrapes,
 * autoscaler ticks, count changes, ...). "Due" follows the event order: an event of priority p at t
 * sees the frames before t, and those at t when p runs after frames (PRIORITY). Frames at the same time
 * hold the same value, so their order among themselves cannot show. Each frame taken from a ring counts
 * as the event it replaces (a stream's frame made stale by a count change too), so `events` is the
 * same. The frame-per-event run stays for the rest: notify wake-up (an arrival wakes a pod), a KPA's
 * in-flight area, jitter, Poisson and trace arrivals, and the fluid engine.
 */
export class World {
  readonly heap = new EventHeap(256);
  readonly nodes: NodeState[] = [];
  readonly pools: PoolState[];
  readonly services: ServiceState[];
  readonly pods: Pod[] = [];
  readonly streams: Stream[] = [];
  readonly groups: GroupState[];
  private pendingPods: Pod[] = [];
  readonly hpaConfig: ControllerConfig;
  /** The fluid engine when the scenario asks for it; null for the exact engine (the default). */
  readonly fluid: FluidEngine | null;
  now = AS_DOUBLE;
  /** The services whose frames are made on demand (see World). */
  private readonly onDemand: ServiceState[] = [];
  /** Frames taken from the rings: the events they stand for (see World). */
  ringEvents = 0;

  constructor(
    readonly scenario: Scenario,
    readonly seed: number,
    readonly endUs: number,
    private readonly sink: WorldSink,
    options: WorldOptions = {},
  ) {
    this.now = 0; // declared AS_DOUBLE
    this.pools = scenario.nodePools.map((pool, i) => new PoolState(pool, i));
    for (const state of this.pools) {
      const pool = state.cfg;
      const cpu = scenario.cpuCatalog[pool.cpuType];
      for (let i = 0; i < pool.count; i++)
        this.nodes.push(new NodeState(pool, state, `${pool.name}-${i}`, cpu));
    }
    this.hpaConfig = controllerConfig(scenario);
    const draws = options.draws;
    this.services = scenario.services.map(
      (s, i) => new ServiceState(i, s, seed, scenario.models[s.model], draws),
    );
    const byName = new Map(this.services.map((s) => [s.cfg.name, s]));
    this.groups = scenario.streams.map((g, i) => {
      const component = groupComponent(i, g.name);
      const rng = randomStream(seed, component);
      return new GroupState(i, g, byName.get(g.type)!, rng, draws?.get(component) ?? unitExponential(rng));
    });
    this.fluid = scenario.engine ? new FluidEngine(this, scenario.engine.tickUs) : null;
    if (!this.fluid) {
      if (!options.eventPerFrame) this.assignRings();
      this.assignLanes();
    }
  }

  /** Gives each service whose frames can be made on demand (see World) a ring per FPS of its groups. */
  private assignRings(): void {
    for (const svc of this.services) {
      const groups = this.groups.filter((g) => g.service === svc);
      if (
        groups.length === 0 ||
        !svc.pollWakeup ||
        svc.tracksInflight ||
        !groups.every((g) => g.cfg.arrivals === 'periodic' && g.jitterUs === 0)
      )
        continue;
      const byFps = new Map<number, FrameRing>();
      for (const g of groups) {
        if (!byFps.has(g.cfg.fps)) byFps.set(g.cfg.fps, new FrameRing(g.cfg.fps));
        g.ring = byFps.get(g.cfg.fps)!;
      }
      svc.frameRings = [...byFps.values()];
      this.onDemand.push(svc);
    }
  }

  /**
   * Gives the events that are pushed in time order a heap lane (engine/heap.ts), while lanes last:
   * periodic frames, one lane per period (every camera of every group with that period appends:
   * its next frame is one period after the one that ran, so after all pending frames); a Poisson
   * group's or a trace's arrivals, one lane each; polls, one lane per interval; and the completions
   * of a service whose frames take a fixed time. A lane decides only what an event costs, never
   * when it runs.
   */
  private assignLanes(): void {
    const byPeriod = new Map<number, number>();
    for (const g of this.groups) {
      if (g.cfg.arrivals !== 'periodic' || g.ring !== null) continue;
      if (!byPeriod.has(g.periodUs)) byPeriod.set(g.periodUs, this.heap.addLane());
      g.lane = byPeriod.get(g.periodUs)!;
    }
    for (const g of this.groups) if (g.cfg.arrivals !== 'periodic') g.lane = this.heap.addLane();
    const byInterval = new Map<number, number>();
    for (const svc of this.services) {
      if (!svc.pollWakeup) continue;
      if (!byInterval.has(svc.pollIntervalUs)) byInterval.set(svc.pollIntervalUs, this.heap.addLane());
      svc.pollLane = byInterval.get(svc.pollIntervalUs)!;
    }
    // A frame's work is fixed by its model and node when the model has no serviceTime: a service
    // whose pods share a node type and run one frame at a time finishes frames in the order it
    // starts them, so its completions append to a lane (the others fall back to the heap).
    for (const svc of this.services) if (!svc.workSampler) svc.doneLane = this.heap.addLane();
  }

  /** `schedule` on a lane. */
  private scheduleLane(lane: number, timeUs: number, kind: Ev, a: number, b: number): void {
    if (timeUs > this.endUs) return;
    this.heap.pushLane(lane, timeUs, PRIORITY[kind], kind, a, b);
  }

  emit(service: ServiceState | null, event: string, detail: string): void {
    this.sink.event({ timeUs: this.now, service: service ? service.cfg.name : '', event, detail });
  }

  schedule(timeUs: number, kind: Ev, a: number, b: number): void {
    // Nothing after the end can change the run; leaving it out keeps the heap small and every
    // time below the heap's limit.
    if (timeUs > this.endUs) return;
    this.heap.push(timeUs, PRIORITY[kind], kind, a, b);
  }

  /** Schedules what exists at time 0: replicas, stream counts, manual scale events. */
  start(): void {
    for (const svc of this.services) {
      this.reconcile(svc);
      svc.cfg.scaleEvents.forEach((e, i) => this.schedule(e.atUs, Ev.ManualScale, svc.index, i));
    }
    for (const g of this.groups) {
      if (g.cfg.arrivals !== 'trace') this.applyCount(g, 0);
      else if (g.cfg.arrivalTimesUs!.length > 0 && !this.fluid)
        this.scheduleLane(g.lane, g.cfg.arrivalTimesUs![0], Ev.TraceFrame, g.index, 0);
    }
    this.fluid?.start();
    startPipeline(this);
    startAutoscalers(this);
  }

  dispatch(kind: number, a: number, b: number): void {
    const catchUp = CATCH_UP[kind];
    if (catchUp !== CatchUp.None && this.onDemand.length > 0) this.catchUpAll(catchUp === CatchUp.AtNow);
    switch (kind as Ev) {
      case Ev.PoissonFrame:
        return this.onPoissonFrame(a, b);
      case Ev.PeriodicFrame:
        return this.onPeriodicFrame(a, b);
      case Ev.ServiceDone:
        return this.onServiceDone(a, b);
      case Ev.Poll:
        return this.onPoll(a, b);
      case Ev.IdleReport:
        return this.onIdleReport(a);
      case Ev.PodReady:
        return this.onPodReady(a);
      case Ev.ManualScale:
        return this.onManualScale(a, b);
      case Ev.CountChange:
        return this.applyCount(this.groups[a], b);
      case Ev.MetricsServerScrape:
        return scrapeMetricsServer(this);
      case Ev.PromScrape:
        return scrapePod(this, this.pods[a]);
      case Ev.QueueScrape:
        return scrapeQueue(this, this.services[a]);
      case Ev.AutoscalerTick:
        return onAutoscalerTick(this, this.services[a], b);
      case Ev.TraceFrame:
        return this.onTraceFrame(a, b);
      case Ev.FluidTick:
        return this.fluid!.tick();
      case Ev.Sample:
        throw new InvariantError('Sample events belong to the driver');
      default: {
        const never: never = kind as never;
        throw new InvariantError(`unknown event kind ${String(never)}`);
      }
    }
  }

  // ----------------------------------------------------------------------------- streams

  private countAt(g: GroupState, tick: number): { count: number; nextTick: number; nextUs: number } {
    const c = g.cfg.count;
    if (c.kind === 'points') {
      const next = tick + 1 < c.changes.length ? c.changes[tick + 1].atUs : Infinity;
      return { count: c.changes[tick].count, nextTick: tick + 1, nextUs: next };
    }
    return { count: sineCount(c, tick), nextTick: tick + 1, nextUs: (tick + 1) * c.resolutionUs };
  }

  private applyCount(g: GroupState, tick: number): void {
    const { count, nextTick, nextUs } = this.countAt(g, tick);
    if (nextUs <= this.endUs) this.schedule(nextUs, Ev.CountChange, g.index, nextTick);
    if (count === g.active) return;
    const before = g.active;
    if (this.fluid) {
      // Counted per tick: the stream-seconds up to now at the old count, then the new one.
      this.fluid.countChanging(g);
      g.active = count;
    } else if (g.cfg.arrivals === 'poisson') {
      g.active = count;
      g.epoch++;
      if (count > 0) this.schedulePoisson(g);
    } else {
      for (let i = g.active; i < count; i++) this.activateStream(g, i);
      for (let i = g.active - 1; i >= count; i--) {
        const s = g.streams[i];
        s.active = false;
        s.epoch++;
        // The frame it had pending counts as the stale event it would have been.
        if (g.ring !== null && g.ring.remove(s.id)) this.ringEvents++;
      }
      g.active = count;
    }
    if (this.now > 0 || before !== 0)
      this.emit(g.service, 'streams', `${g.cfg.name}: ${before} -> ${count} streams`);
  }

  private activateStream(g: GroupState, i: number): void {
    let s = g.streams[i];
    if (!s) {
      s = new Stream(this.streams.length, g, i);
      this.streams.push(s);
      g.streams[i] = s;
    }
    s.active = true;
    s.epoch++;
    s.k = 0;
    const ph = g.cfg.phase;
    const offset =
      ph.mode === 'fixed'
        ? ph.offsetUs
        : ph.mode === 'spread'
          ? Math.round((g.periodUs * i) / Math.max(1, maxCount(g.cfg)))
          : Math.floor(g.rng.next() * g.periodUs);
    s.startUs = this.now + offset;
    if (g.ring !== null) g.ring.add(s.startUs, s.id, this.endUs);
    else this.scheduleNextFrame(s);
  }

  private scheduleNextFrame(s: Stream): void {
    const g = s.group;
    let t = frameTimeUs(s.startUs, s.k, g.wholePeriodUs, g.cfg.fps);
    if (g.jitterUs > 0) t += roundUs((2 * g.rng.next() - 1) * g.jitterUs);
    if (t < this.now) t = this.now;
    if (t <= this.endUs) this.heap.pushLane(g.lane, t, PRIORITY_PERIODIC, Ev.PeriodicFrame, s.id, s.epoch);
  }

  /**
   * Pushes a service's frames that are due into its queue (see World): those before now, and those at
   * now too when `atNow` (the event running now sorts after frames).
   */
  catchUp(svc: ServiceState, atNow: boolean): void {
    const rings = svc.frameRings!;
    // Times are whole µs: "before now, or at now too" is "before limit".
    const limit = atNow ? this.now + 1 : this.now;
    const endUs = this.endUs;
    const q = svc.queue;
    const trimOnPop = svc.trimOnPop;
    let offered = 0;
    let dropped = 0;
    for (;;) {
      let ring = rings[0];
      let t = ring.headTime();
      for (let r = 1; r < rings.length; r++) {
        const rt = rings[r].headTime();
        if (rt < t) {
          ring = rings[r];
          t = rt;
        }
      }
      if (!(t < limit)) break;
      // As onPeriodicFrame and arrive, for a service whose pods poll (nothing to wake) and no jitter.
      ring.advance(endUs);
      offered++;
      if (!trimOnPop && q.length >= svc.queueCapacity) {
        dropped++;
        if (svc.dropNewest) continue;
        q.shift(); // drop-oldest: the oldest makes room for the newest
      }
      q.push(t);
    }
    this.ringEvents += offered;
    svc.offered += offered;
    svc.stepOffered += offered;
    svc.dropped += dropped;
    svc.stepDropped += dropped;
  }

  /** `catchUp` for every service whose frames are made on demand. */
  catchUpAll(atNow: boolean): void {
    for (const svc of this.onDemand) this.catchUp(svc, atNow);
  }

  private onPeriodicFrame(id: number, epoch: number): void {
    const s = this.streams[id];
    if (s.epoch !== epoch) return;
    s.k++;
    this.scheduleNextFrame(s);
    this.arrive(s.group.service);
  }

  private schedulePoisson(g: GroupState): void {
    const rate = g.active * g.cfg.ratePerStream;
    const t = this.now + roundUs((g.unitGap() / rate) * 1e6);
    if (t <= this.endUs) this.heap.pushLane(g.lane, t, PRIORITY_POISSON, Ev.PoissonFrame, g.index, g.epoch);
  }

  private onPoissonFrame(gi: number, epoch: number): void {
    const g = this.groups[gi];
    if (g.epoch !== epoch) return;
    this.schedulePoisson(g);
    this.arrive(g.service);
  }

  /** The k-th frame of a recorded arrival trace; the next one is scheduled from the list. */
  private onTraceFrame(gi: number, k: number): void {
    const g = this.groups[gi];
    const times = g.cfg.arrivalTimesUs!;
    if (k + 1 < times.length) this.scheduleLane(g.lane, times[k + 1], Ev.TraceFrame, gi, k + 1);
    this.arrive(g.service);
  }

  // ----------------------------------------------------------------------------- queue

  /** A frame arrives at the service's queue now. */
  private arrive(svc: ServiceState): void {
    touchInflight(svc, this.now);
    svc.offered++;
    svc.stepOffered++;
    const now = this.now;
    if (svc.idleLen > svc.idleHead) {
      // notify wake-up: an idle Ready replica takes the frame at once.
      const pod = svc.idle[svc.idleHead++];
      if (svc.idleHead === svc.idleLen) {
        svc.idleLen = 0;
        svc.idleHead = 0;
      } else if (svc.idleHead >= IDLE_COMPACT_MIN && 2 * svc.idleHead >= svc.idleLen) {
        // A service that always has an idle pod never empties the list: drop the taken prefix
        // once it is at least half the list, so the list stays within about twice the pod count
        // (each move is paid for by the takes before it).
        svc.idle.copyWithin(0, svc.idleHead, svc.idleLen);
        svc.idleLen -= svc.idleHead;
        svc.idleHead = 0;
      }
      pod.idleVersion++;
      pod.batchArrivals[0] = now;
      pod.batchCount = 1;
      svc.waitCount++;
      this.startWork(pod);
      return;
    }
    const q = svc.queue;
    if (!svc.trimOnPop && q.length >= svc.queueCapacity) {
      svc.dropped++;
      svc.stepDropped++;
      if (svc.dropNewest) return;
      q.shift(); // drop-oldest: the oldest makes room for the newest
    }
    q.push(now);
  }

  /**
   * A Ready pod takes up to batchSize frames; trim-on-pop then trims (the seed's LPOP + LTRIM).
   * `atNow`: the frames arriving now came first (see World).
   */
  private takeFrames(pod: Pod, atNow: boolean): boolean {
    const svc = pod.service;
    if (svc.frameRings !== null) this.catchUp(svc, atNow);
    const q = svc.queue;
    if (q.length === 0) return false;
    const now = this.now;
    const n = Math.min(svc.batchSize, q.length);
    for (let i = 0; i < n; i++) {
      const arrival = q.shift();
      pod.batchArrivals[i] = arrival;
      svc.waitSumUs += now - arrival;
    }
    svc.waitCount += n;
    pod.batchCount = n;
    if (svc.trimOnPop && q.length > svc.queueCapacity) {
      touchInflight(svc, now);
      const extra = q.length - svc.queueCapacity;
      q.dropOldest(extra);
      svc.dropped += extra;
      svc.stepDropped += extra;
      pod.dropsSinceReport += extra;
    }
    return true;
  }

  // ----------------------------------------------------------------------------- work

  private startWork(pod: Pod): void {
    if (pod.phase !== Phase.Ready) throw new InvariantError(`pod ${pod.id} would serve before Ready`);
    const svc = pod.service;
    const n = pod.batchCount;
    svc.inService += n;
    pod.emptyPolls = 0;
    let workUs: number;
    const draw = svc.workSampler;
    if (draw !== null) {
      workUs = 0;
      for (let i = 0; i < n; i++) workUs += draw() * 1e6;
    } else workUs = pod.frameUs * n;
    pod.busy = true;
    pod.workRemainingUs = workUs;
    const node = pod.node!;
    node.addBusy(pod);
    if (this.changeBusy(node, svc.threads)) {
      const now = this.now;
      for (const p of node.busyPods) if (p !== pod) this.reschedule(p, now);
    }
    this.scheduleDone(pod, node.factor);
  }

  /**
   * Node busy threads change by `delta`; true when the processor-sharing factor changed, and the
   * node's other busy pods must be rescheduled at their new rate.
   */
  private changeBusy(node: NodeState, delta: number): boolean {
    node.busyThreads += delta;
    const f = contentionFactor(node.cores, node.busyThreads, node.backgroundCores);
    if (f === node.factor) return false;
    node.factor = f;
    return true;
  }

  /** The pod's work in service runs from now at its rate on the node: its completion event. */
  private scheduleDone(pod: Pod, factor: number): void {
    const now = this.now;
    const rate = pod.cfs * factor;
    pod.rate = rate;
    pod.lastRateUs = now;
    const version = ++pod.workVersion;
    const t = now + roundUs(pod.workRemainingUs / rate);
    if (t <= this.endUs)
      this.heap.pushLane(pod.service.doneLane, t, PRIORITY_SERVICE_DONE, Ev.ServiceDone, pod.id, version);
  }

  private reschedule(p: Pod, now: number): void {
    const elapsed = now - p.lastRateUs;
    p.workRemainingUs = Math.max(0, p.workRemainingUs - elapsed * p.rate);
    chargeCpu(p, elapsed * p.rate * p.service.threads);
    this.scheduleDone(p, p.node!.factor);
  }

  private onServiceDone(id: number, version: number): void {
    const pod = this.pods[id];
    if (pod.workVersion !== version || !pod.busy) return;
    const svc = pod.service;
    const now = this.now;
    const n = pod.batchCount;
    touchInflight(svc, now);
    for (let i = 0; i < n; i++) {
      // The step's histogram only (the run's takes it whole at the step's end: simulate.ts, sample),
      // bucketed later in a tight loop (histogram.ts, addLater).
      svc.stepLatency.addLater(now - pod.batchArrivals[i]);
    }
    svc.inferred += n;
    svc.stepInferred += n;
    svc.inService -= n;
    pod.batchCount = 0;
    chargeCpu(pod, (now - pod.lastRateUs) * pod.rate * svc.threads);
    pod.busy = false;
    pod.workVersion++;
    const node = pod.node!;
    node.removeBusy(pod);
    if (this.changeBusy(node, -svc.threads)) for (const p of node.busyPods) this.reschedule(p, now);
    // The seed's report: when a frame finishes and more than reportInterval passed since the last.
    pod.framesSinceReport += n;
    if (now - pod.lastReportUs > svc.reportIntervalUs) this.report(pod);
    if (pod.phase === Phase.Terminating) {
      this.remove(pod);
      return;
    }
    this.seekWork(pod, DONE_SEES_FRAMES_AT_NOW);
  }

  /** The seed's gauges from the frames and drops since the pod's last report. */
  report(pod: Pod): void {
    const seconds = (this.now - pod.lastReportUs) / 1e6;
    const infer = pod.framesSinceReport / seconds;
    const drop = pod.dropsSinceReport / seconds;
    if (infer > pod.maxInferFps) pod.maxInferFps = infer;
    pod.inferFps = infer;
    pod.dropFps = drop;
    pod.scaleRatio =
      pod.dropsSinceReport > 0 ? (infer + drop) / infer : pod.maxInferFps > 0 ? infer / pod.maxInferFps : 0;
    pod.reported = true;
    pod.framesSinceReport = 0;
    pod.dropsSinceReport = 0;
    pod.lastReportUs = this.now;
  }

  idleReport(pod: Pod): void {
    // After ~30 s without a frame the seed reports (0, 0, 0.5): "could scale down".
    pod.inferFps = 0;
    pod.dropFps = 0;
    pod.scaleRatio = 0.5;
    pod.reported = true;
    pod.framesSinceReport = 0;
    pod.dropsSinceReport = 0;
    pod.lastReportUs = this.now;
  }

  /** An idle Ready pod looks for work: takes frames (`atNow`: see takeFrames), or waits (poll or notify). */
  private seekWork(pod: Pod, atNow: boolean): void {
    if (this.takeFrames(pod, atNow)) {
      this.startWork(pod);
      return;
    }
    const svc = pod.service;
    pod.idleVersion++;
    pod.idleSinceUs = this.now;
    if (svc.pollWakeup) {
      this.scheduleLane(svc.pollLane, this.now + svc.pollIntervalUs, Ev.Poll, pod.id, pod.idleVersion);
    } else {
      svc.idle[svc.idleLen++] = pod;
      // One idle-report timer per pod at most: a timer per idle spell would fill the heap with
      // entries that are almost always stale (a busy service goes idle between most frames).
      if (!pod.idleTimerPending) {
        pod.idleTimerPending = true;
        this.schedule(this.now + this.idleReportAfterUs(svc), Ev.IdleReport, pod.id, 0);
      }
    }
  }

  idleReportAfterUs(svc: ServiceState): number {
    return svc.cfg.pollIntervalUs * svc.cfg.idleReportPolls;
  }

  private onPoll(id: number, version: number): void {
    const pod = this.pods[id];
    if (pod.idleVersion !== version || pod.phase !== Phase.Ready) return;
    if (this.takeFrames(pod, POLL_SEES_FRAMES_AT_NOW)) {
      this.startWork(pod);
      return;
    }
    pod.emptyPolls++;
    if (pod.emptyPolls >= pod.service.cfg.idleReportPolls) {
      pod.emptyPolls = 0;
      this.idleReport(pod);
    }
    const svc = pod.service;
    this.scheduleLane(svc.pollLane, this.now + svc.pollIntervalUs, Ev.Poll, pod.id, version);
  }

  private onIdleReport(id: number): void {
    const pod = this.pods[id];
    pod.idleTimerPending = false;
    if (pod.phase !== Phase.Ready || pod.busy) return; // the next idle spell starts a new timer
    const svc = pod.service;
    const after = this.idleReportAfterUs(svc);
    const due = Math.max(pod.idleSinceUs, pod.lastReportUs) + after;
    if (this.now >= due) this.idleReport(pod);
    pod.idleTimerPending = true;
    this.schedule(Math.max(due, this.now + (this.now >= due ? after : 0)), Ev.IdleReport, pod.id, 0);
  }

  // ----------------------------------------------------------------------------- pods

  private onManualScale(si: number, ei: number): void {
    const svc = this.services[si];
    const e = svc.cfg.scaleEvents[ei];
    this.emit(svc, 'scale', `manual scale ${svc.desired} -> ${e.replicas} replicas`);
    if (e.replicas !== svc.desired) svc.scaleEvents++;
    svc.desired = e.replicas;
    this.reconcile(svc);
  }

  /** Creates or removes pods until the live, non-terminating pods equal the desired count. */
  reconcile(svc: ServiceState): void {
    const live = svc.pods.filter((p) => p.phase !== Phase.Terminating);
    for (let n = live.length; n < svc.desired; n++) this.createPod(svc);
    if (live.length > svc.desired) {
      // ReplicaSet order: unscheduled first, then not Ready, then the newest.
      const victims = [...live].sort(
        (x, y) =>
          Number(x.node !== null) - Number(y.node !== null) || x.phase - y.phase || y.ordinal - x.ordinal,
      );
      for (const p of victims.slice(0, live.length - svc.desired)) this.terminate(p);
    }
  }

  /**
   * Replica-µs up to now, and those held by scale-down stabilization: the live pods beyond what
   * the HPA's last sync would have set without the window, up to the desired count.
   */
  accountReplicas(svc: ServiceState): void {
    const elapsedUs = this.now - svc.lastReplicaChangeUs;
    svc.replicaUs += svc.liveCount * elapsedUs;
    if (svc.desiredWithoutStabilization !== null) {
      const held = Math.min(svc.liveCount, svc.desired) - svc.desiredWithoutStabilization;
      if (held > 0) svc.heldByStabilizationUs += held * elapsedUs;
    }
    svc.lastReplicaChangeUs = this.now;
  }

  private createPod(svc: ServiceState): void {
    const pod = new Pod(this.pods.length, svc, svc.nextOrdinal++, this.now);
    this.pods.push(pod);
    svc.pods.push(pod);
    this.accountReplicas(svc);
    svc.liveCount++;
    if (svc.liveCount > svc.maxReplicas) svc.maxReplicas = svc.liveCount;
    this.emit(svc, 'pod-created', `pod ${podName(pod)}`);
    if (!this.bind(pod)) {
      this.pendingPods.push(pod);
      const req = svc.cfg.cpuRequest;
      const where = Object.keys(svc.cfg.nodeSelector).length
        ? ' among the pools its nodeSelector matches'
        : '';
      this.emit(svc, 'pod-pending', `pod ${podName(pod)}: no node has ${req} CPU free${where}`);
    }
  }

  /** Binds the pod to the first node (in a stable order) with its CPU request free; false if none. */
  private bind(pod: Pod): boolean {
    const svc = pod.service;
    const req = svc.cfg.cpuRequest;
    for (const node of this.nodes) {
      if (!fitsSelector(node.pool, svc.cfg.nodeSelector)) continue;
      if (node.allocatedCpu + req > node.pool.cores + 1e-9) continue;
      node.allocatedCpu += req;
      node.poolState.allocatedCpu += req;
      pod.node = node;
      pod.scheduledUs = this.now;
      pod.phase = Phase.Starting;
      pod.cfs = cfsFactor(svc.cfg.cpuLimit, svc.cfg.threads);
      if (!svc.workSampler) {
        pod.frameUs = frameSecondsAtFullSpeed(svc.model, svc.cfg.precision, node.cpu, svc.cfg.threads) * 1e6;
      }
      const delayUs = Math.max(0, Math.round(svc.startupSampler() * 1e6));
      this.emit(
        svc,
        'pod-scheduled',
        `pod ${podName(pod)} on node ${node.name}; ready in ${(delayUs / 1e6).toFixed(3)}s`,
      );
      this.schedule(this.now + delayUs, Ev.PodReady, pod.id, 0);
      return true;
    }
    return false;
  }

  private onPodReady(id: number): void {
    const pod = this.pods[id];
    if (pod.phase !== Phase.Starting) return;
    pod.phase = Phase.Ready;
    pod.readyUs = this.now;
    const probe = pod.service.cfg.readinessProbe;
    if (probe === null) pod.k8sReadyUs = this.now;
    else {
      // The kubelet probes from initialDelay after the container starts, every period.
      const first = pod.scheduledUs + probe.initialDelayUs;
      const k = Math.max(0, Math.ceil((this.now - first) / probe.periodUs));
      pod.k8sReadyUs = first + k * probe.periodUs;
    }
    pod.lastReportUs = this.now;
    this.emit(pod.service, 'pod-ready', `pod ${podName(pod)}`);
    schedulePodScrapes(this, pod);
    // The fluid engine gives the pod its share of the frames at its next tick.
    if (this.fluid) pod.idleSinceUs = this.now;
    else this.seekWork(pod, READY_SEES_FRAMES_AT_NOW);
  }

  private terminate(pod: Pod): void {
    const svc = pod.service;
    this.emit(svc, 'pod-terminating', `pod ${podName(pod)}${pod.busy ? ' (finishing its frame)' : ''}`);
    pod.phase = Phase.Terminating;
    pod.idleVersion++;
    if (!pod.busy) this.remove(pod);
  }

  private remove(pod: Pod): void {
    const svc = pod.service;
    pod.phase = Phase.Gone;
    pod.goneUs = this.now;
    this.accountReplicas(svc);
    svc.liveCount--;
    svc.pods = svc.pods.filter((p) => p !== pod);
    if (svc.idleLen > 0) {
      svc.idle = svc.idle.slice(svc.idleHead, svc.idleLen).filter((p) => p !== pod);
      svc.idleHead = 0;
      svc.idleLen = svc.idle.length;
    }
    const pi = this.pendingPods.indexOf(pod);
    if (pi >= 0) this.pendingPods.splice(pi, 1);
    this.emit(svc, 'pod-deleted', `pod ${podName(pod)}`);
    if (pod.node) {
      pod.node.allocatedCpu -= svc.cfg.cpuRequest;
      pod.node.poolState.allocatedCpu -= svc.cfg.cpuRequest;
      // Freed CPU: pods that waited for a node try again, oldest first.
      this.pendingPods = this.pendingPods.filter((p) => !this.bind(p));
    }
  }

  // ----------------------------------------------------------------------------- sampling

  /** Closes the current step for every service: CPU accounting of busy pods up to now. */
  flushCpu(): void {
    const now = this.now;
    for (const svc of this.services) {
      for (const p of svc.pods) {
        if (!p.busy) continue;
        const cpu = (now - p.lastRateUs) * p.rate * svc.threads;
        // Keep the remaining work consistent with the accounted time.
        p.workRemainingUs -= (now - p.lastRateUs) * p.rate;
        p.lastRateUs = now;
        chargeCpu(p, cpu);
      }
      this.accountReplicas(svc);
    }
  }

  /** Frames are conserved: offered = inferred + dropped + queued + in service (DESIGN.md, Invariants). */
  checkConservation(): void {
    for (const svc of this.services) {
      const rhs = svc.inferred + svc.dropped + svc.queue.length + svc.inService;
      if (svc.offered !== rhs) {
        throw new InvariantError(
          `frames not conserved in ${svc.cfg.name} at ${this.now}us: offered ${svc.offered} != ` +
            `inferred ${svc.inferred} + dropped ${svc.dropped} + queued ${svc.queue.length} + in service ${svc.inService}`,
        );
      }
    }
  }
}

/** Brings the service's in-flight area up to `now`, before its in-flight count changes. */
export function touchInflight(svc: ServiceState, now: number): void {
  if (!svc.tracksInflight) return;
  svc.inflightAreaUs += (now - svc.inflightSinceUs) * (svc.queue.length + svc.inService);
  svc.inflightSinceUs = now;
}

/** CPU a pod used (core-µs): its own total, its service's step and its node pool's step. */
export function chargeCpu(pod: Pod, coreUs: number): void {
  pod.cpuCoreUs += coreUs;
  pod.service.stepCpuCoreUs += coreUs;
  pod.node!.poolState.stepCpuCoreUs += coreUs;
}

function fitsSelector(pool: NodePoolConfig, selector: Record<string, string>): boolean {
  for (const k in selector) if (pool.labels[k] !== selector[k]) return false;
  return true;
}

function maxCount(g: StreamGroupConfig): number {
  return g.count.kind === 'points'
    ? Math.max(...g.count.changes.map((c) => c.count))
    : Math.ceil(g.count.mean + g.count.amplitude);
}

export function podName(pod: Pod): string {
  return `${pod.service.cfg.name}-${pod.ordinal}`;
}
