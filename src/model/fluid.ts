/**
 * The fluid engine: an optional fast path (scenario `engine: { kind: fluid }`, or `simulate --engine
 * fluid`). The exact engine stays the default. Frames are counts, not events: every tick (100 ms
 * unless the scenario sets `engine.tick`) each service takes the frames its streams pushed since the
 * last tick, its Ready pods serve what their speed allows, and the rest waits or is dropped.
 * Everything that is not a frame stays event by event: pods start and stop, the metrics pipeline
 * scrapes them, autoscalers sync, stream counts change.
 *
 *   arrivals   stream-seconds since the last tick x fps (Poisson: x rate, its mean only; traces:
 *              the recorded frames in the span), as whole frames with the fraction carried over
 *   capacity   each Ready pod: span x (CFS share x node sharing factor) / work per frame, where the
 *              work is the model's mean service time or the node's frame time; the node's sharing
 *              factor comes from the busy threads of the previous tick
 *   served     min(queued + arrived, capacity), whole frames (a fraction of capacity is carried
 *              over only while the service is saturated); shared among the pods by capacity
 *   dropped    what is above the queue's capacity (trim-on-pop: only in a tick where a pod pops)
 *   latency    FIFO wait (frames ahead / service rate, at the tick's start and at its end) + service
 *              time, spread over the model's service-time distribution (19 weighted points, finer in the tail)
 *
 * Frames are conserved exactly (offered = inferred + dropped + queued; none is "in service" at a
 * tick). The error against the exact engine (README, "The fluid engine") comes from what a count
 * cannot hold: the randomness of Poisson arrivals and of service times in the queue (so drops near
 * saturation are underestimated), the poll wake-up's delay, and timing within a tick. It draws no
 * random number per frame, so it is deterministic like the exact engine.
 */
import { randomStream } from '../engine/rng.js';
import { LatencyHistogram } from '../metrics/histogram.js';
import { distMean, sampler } from './distributions.js';
import { Ev } from './events.js';
import { contentionFactor } from './throughput.js';
import { chargeCpu, Phase, type GroupState, type World } from './world.js';

/**
 * The service-time distribution as weighted points, each the mean of its draws between two
 * quantiles: sixteenths up to the 93.75th percentile, then finer bins so that a p99 reads the tail
 * and not the 97th percentile that a sixteenth's midpoint would give.
 */
const SHAPE_EDGES = [...Array.from({ length: 16 }, (_, j) => j / 16), 0.98, 0.995, 0.999, 1];
/** Draws that estimate those points, once per service at the start (the last bin holds 16 of them). */
const SHAPE_DRAWS = 16384;

/** A service's time distribution for the latency of a tick's frames: multiples of the mean, weights. */
interface Shape {
  points: Float64Array;
  weights: Float64Array;
}

export class FluidEngine {
  private lastTickUs = 0;
  /** Per stream group: active stream-µs since the last tick, since when the count is unchanged, carry. */
  private readonly streamUs: Float64Array;
  private readonly sinceUs: Float64Array;
  private readonly carry: Float64Array;
  /** Per trace group: the next recorded frame. */
  private readonly traceNext: Int32Array;
  /** Per service: frames arrived in the current tick, capacity carried over, work per frame (µs; NaN: the pod's). */
  private readonly arrived: Float64Array;
  /** Per service: the arrival rate of the current tick before rounding to whole frames, per µs. */
  private readonly arrivalRate: Float64Array;
  private readonly capacityCarry: Float64Array;
  private readonly meanWorkUs: Float64Array;
  /** Per service: its service-time distribution as weighted points, multiples of the mean. */
  private readonly shape: Shape[];
  /** Per pod of the current service (reused): capacity in frames this tick, work per frame at its speed. */
  private capacity = new Float64Array(64);
  private frameTimeUs = new Float64Array(64);

  constructor(
    private readonly world: World,
    readonly tickUs: number,
  ) {
    const groups = world.groups.length;
    this.streamUs = new Float64Array(groups);
    this.sinceUs = new Float64Array(groups);
    this.carry = new Float64Array(groups);
    this.traceNext = new Int32Array(groups);
    const n = world.services.length;
    this.arrived = new Float64Array(n);
    this.arrivalRate = new Float64Array(n);
    this.capacityCarry = new Float64Array(n);
    this.meanWorkUs = new Float64Array(n);
    this.shape = world.services.map((svc, i) => {
      const dist = svc.model.serviceTime;
      if (!dist) {
        this.meanWorkUs[i] = NaN;
        return { points: new Float64Array([1]), weights: new Float64Array([1]) };
      }
      // The distribution from draws of a stream of its own: the exact engine's streams are
      // untouched, and the same seed gives the same shape.
      const draw = sampler(dist, randomStream(world.seed, `fluid:${svc.cfg.name}:service-shape`));
      const draws = new Float64Array(SHAPE_DRAWS);
      for (let k = 0; k < SHAPE_DRAWS; k++) draws[k] = draw();
      draws.sort();
      const drawn = draws.reduce((a, v) => a + v, 0) / SHAPE_DRAWS;
      // The work per frame is the model's mean, not the draws' (a few % off for a skewed
      // distribution); but a normal cut at 0 (resampled below it) has a higher mean than its
      // parameter once the mean is within 3 sd of 0, and there the draws' mean is the better one.
      const truncated = dist.type === 'normal' && dist.mean < 3 * dist.sd;
      const mean = truncated ? drawn : distMean(dist);
      this.meanWorkUs[i] = mean * 1e6;
      const bins = SHAPE_EDGES.length - 1;
      const points = new Float64Array(bins);
      const weights = new Float64Array(bins);
      for (let j = 0; j < bins; j++) {
        const from = Math.round(SHAPE_EDGES[j] * SHAPE_DRAWS);
        const to = Math.round(SHAPE_EDGES[j + 1] * SHAPE_DRAWS);
        let sum = 0;
        for (let k = from; k < to; k++) sum += draws[k];
        points[j] = mean > 0 ? sum / (to - from) / mean : 1;
        weights[j] = (to - from) / SHAPE_DRAWS;
      }
      return { points, weights };
    });
  }

  start(): void {
    this.scheduleNext();
  }

  /** Before a group's stream count changes: its stream-µs so far at the old count. */
  countChanging(g: GroupState): void {
    const now = this.world.now;
    this.streamUs[g.index] += g.active * (now - this.sinceUs[g.index]);
    this.sinceUs[g.index] = now;
  }

  /** The span since the last tick: arrivals, then each service's queue and pods. */
  tick(): void {
    const world = this.world;
    const now = world.now;
    const spanUs = now - this.lastTickUs;
    if (spanUs > 0) {
      this.arrivals(now);
      for (const svc of world.services) this.serve(svc.index, now, spanUs);
      // The sharing factor of each node for the next tick, from the busy threads of this one.
      for (const node of world.nodes) {
        node.fluidFactor = contentionFactor(
          node.pool.cores,
          node.fluidBusyThreads,
          node.pool.backgroundCores,
        );
        node.fluidBusyThreads = 0;
      }
    }
    this.lastTickUs = now;
    this.scheduleNext();
  }

  /** The next tick: the next multiple of the tick, or the next step's end when that comes first. */
  private scheduleNext(): void {
    const world = this.world;
    const now = world.now;
    if (now >= world.endUs) return;
    const stepUs = Math.min(world.scenario.stepUs, world.endUs);
    const next = Math.min(
      (Math.floor(now / this.tickUs) + 1) * this.tickUs,
      (Math.floor(now / stepUs) + 1) * stepUs,
      world.endUs,
    );
    world.schedule(next, Ev.FluidTick, 0, 0);
  }

  private arrivals(now: number): void {
    this.arrived.fill(0);
    this.arrivalRate.fill(0);
    const spanUs = now - this.lastTickUs;
    for (const g of this.world.groups) {
      const i = g.index;
      let frames: number;
      if (g.cfg.arrivals === 'trace') {
        const times = g.cfg.arrivalTimesUs!;
        let k = this.traceNext[i];
        const first = k;
        while (k < times.length && times[k] <= now) k++;
        this.traceNext[i] = k;
        frames = k - first;
        this.arrivalRate[g.service.index] += frames / spanUs;
      } else {
        const streamUs = this.streamUs[i] + g.active * (now - this.sinceUs[i]);
        this.streamUs[i] = 0;
        this.sinceUs[i] = now;
        const perStream = g.cfg.arrivals === 'poisson' ? g.cfg.ratePerStream : g.cfg.fps;
        this.arrivalRate[g.service.index] += (streamUs * perStream) / 1e6 / spanUs;
        // Whole frames; the fraction (and float noise below a millionth of a frame) is carried.
        const exact = this.carry[i] + (streamUs * perStream) / 1e6;
        frames = Math.floor(exact + 1e-6);
        this.carry[i] = Math.max(0, exact - frames);
      }
      this.arrived[g.service.index] += frames;
    }
  }

  private serve(si: number, now: number, spanUs: number): void {
    const world = this.world;
    const svc = world.services[si];
    const cfg = svc.cfg;
    const pods = svc.pods;
    if (pods.length > this.capacity.length) {
      this.capacity = new Float64Array(pods.length * 2);
      this.frameTimeUs = new Float64Array(pods.length * 2);
    }
    // 1. Capacity: each Ready pod for the part of the span it was Ready.
    const meanWork = this.meanWorkUs[si];
    let capacity = 0;
    let ready = 0;
    for (let k = 0; k < pods.length; k++) {
      const p = pods[k];
      if (p.phase !== Phase.Ready) {
        this.capacity[k] = 0;
        continue;
      }
      ready++;
      const readyUs = Math.min(spanUs, now - p.readyUs);
      const rate = p.cfs * p.node!.fluidFactor;
      const work = meanWork === meanWork ? meanWork : p.frameUs;
      const frameTime = work / rate;
      this.frameTimeUs[k] = frameTime;
      const c = frameTime > 0 ? readyUs / frameTime : readyUs > 0 ? Infinity : 0;
      this.capacity[k] = c;
      capacity += c;
    }
    // 2. Frames served and dropped, whole.
    const queuedBefore = svc.queue.length;
    const arrived = this.arrived[si];
    const waiting = queuedBefore + arrived;
    const carryIn = this.capacityCarry[si];
    const budget = capacity + carryIn;
    const whole = budget === Infinity ? waiting : Math.floor(budget + 1e-9);
    const served = Math.min(waiting, whole);
    // Saturated: frames are left waiting for capacity (not merely none waiting and none served).
    const saturated = served < waiting && budget !== Infinity;
    this.capacityCarry[si] = saturated ? Math.max(0, budget - served) : 0;
    // The pods' busy share of the span: all of it while saturated (a frame longer than the tick is
    // served whole in one tick, but the pods worked on it through the ticks before); else what the
    // frames used of this tick's capacity, after the carried-over part.
    const utilisation =
      capacity === 0 || capacity === Infinity
        ? 0
        : saturated
          ? 1
          : Math.min(1, Math.max(0, (served - carryIn) / capacity));
    let queued = waiting - served;
    let dropped = 0;
    if (queued > cfg.queueCapacity && (cfg.dropPolicy !== 'trim-on-pop' || served > 0)) {
      dropped = queued - cfg.queueCapacity;
      queued = cfg.queueCapacity;
    }
    // 3. Latency: FIFO wait behind the frames queued at the span's start and at its end, at the
    // service rate, plus the service time (a batch's frames finish together).
    const servedPerUs = capacity / spanUs;
    let frameTimeSum = 0;
    let busy = 0;
    const batch = Math.max(1, Math.min(cfg.batchSize, Math.ceil(waiting / Math.max(1, ready))));
    for (let k = 0; k < pods.length; k++) {
      const c = this.capacity[k];
      if (c === 0) continue;
      const p = pods[k];
      const share = capacity === Infinity ? served / ready : (served * c) / capacity;
      const frameTime = this.frameTimeUs[k];
      frameTimeSum += share * frameTime;
      const busyUs = utilisation * Math.min(spanUs, now - p.readyUs);
      busy += busyUs / spanUs;
      chargeCpu(p, busyUs * p.cfs * p.node!.fluidFactor * cfg.threads);
      p.node!.fluidBusyThreads += (busyUs / spanUs) * cfg.threads;
      // The seed's gauges: a report after a finished frame once reportInterval has passed; an
      // idle report after the idle time (notify) or the empty polls (poll).
      if (share > 0) {
        p.framesSinceReport += share;
        if (dropped > 0 && cfg.dropPolicy === 'trim-on-pop') p.dropsSinceReport += (dropped * share) / served;
        p.idleSinceUs = now;
        if (now - p.lastReportUs > cfg.reportIntervalUs) world.report(p);
      } else if (now - Math.max(p.idleSinceUs, p.lastReportUs) >= world.idleReportAfterUs(svc)) {
        world.idleReport(p);
      }
    }
    if (served > 0) {
      const serviceUs = (frameTimeSum / served) * batch;
      // Frames ahead are served at the service rate; but when the oldest frames are the ones
      // dropped (drop-oldest, trim-on-pop) a full queue holds only the newest arrivals, and the one
      // served is as old as the span they cover.
      const full = queued >= cfg.queueCapacity && cfg.dropPolicy !== 'drop-newest';
      const perUs = full ? Math.max(servedPerUs, this.arrivalRate[si]) : servedPerUs;
      const waitStart = perUs > 0 ? queuedBefore / perUs : 0;
      const waitEnd = perUs > 0 ? queued / perUs : 0;
      // Poll wake-up: a frame that finds the queue empty waits for the first poll of the idle pods.
      // Each polls every interval since it went idle, at phases that are independent across pods:
      // the first of k polls comes after interval / (k + 1) on average (half an interval for one).
      const idle = ready - busy;
      const pollWait =
        cfg.wakeup === 'poll' && queuedBefore === 0 && idle > 0
          ? cfg.pollIntervalUs / (Math.max(1, idle) + 1)
          : 0;
      const { points, weights } = this.shape[si];
      for (let j = 0; j < points.length; j++) {
        const each = (served * weights[j]) / 2;
        const s = serviceUs * points[j] + pollWait;
        const b1 = LatencyHistogram.bucketOf(waitStart + s);
        const b2 = LatencyHistogram.bucketOf(waitEnd + s);
        // The step's histogram only: the run's takes it whole at the step's end (simulate.ts, sample).
        svc.stepLatency.addCount(b1, each);
        svc.stepLatency.addCount(b2, each);
      }
      svc.waitSumUs += served * ((waitStart + waitEnd) / 2 + pollWait);
    }
    // 4. Counters, the in-flight area (Knative's concurrency) and the queue.
    svc.inflightAreaUs += (now - svc.inflightSinceUs) * ((queuedBefore + queued) / 2 + busy * batch);
    svc.inflightSinceUs = now;
    svc.offered += arrived;
    svc.stepOffered += arrived;
    svc.inferred += served;
    svc.stepInferred += served;
    svc.dropped += dropped;
    svc.stepDropped += dropped;
    svc.waitCount += served;
    svc.queue.setCount(queued);
  }
}
