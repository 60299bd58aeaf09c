/**
 * The model's event kinds and their priorities. At equal times, lower priority runs first; each
 * priority has a reason. Operands `a` and `b` are integers whose meaning each kind states.
 */
export const enum Ev {
  /** a = service index, b = scale event index. */
  ManualScale = 0,
  /** a = stream group index, b = index of the change in its schedule (sine: the tick). */
  CountChange = 1,
  /** a = pod id. */
  PodReady = 2,
  /** a = pod id, b = the pod's work version (stale when they differ). */
  ServiceDone = 3,
  /** a = stream id, b = the stream's epoch. */
  PeriodicFrame = 4,
  /** a = stream group index, b = the group's epoch. */
  PoissonFrame = 5,
  /** a = pod id, b = the pod's idle version. */
  Poll = 6,
  /** a = pod id, b = the pod's idle version (notify wake-up: the seed's idle report after ~30 s). */
  IdleReport = 7,
  /** a = step index. */
  Sample = 8,
  /** metrics-server scrapes every pod's CPU. */
  MetricsServerScrape = 9,
  /** Prometheus scrapes one pod's ei_* gauges; a = pod id. */
  PromScrape = 10,
  /** Prometheus scrapes one service's queue length (the seed's Redis list, via an exporter); a = service index. */
  QueueScrape = 11,
  /** One tick of a service's autoscaler (an HPA sync, a KEDA poll, ...); a = service index, b = which of its loops. */
  AutoscalerTick = 12,
  /** a = stream group index (arrivals: trace), b = index of the frame in its arrival times. */
  TraceFrame = 13,
  /** The fluid engine (fluid.ts) counts the frames of the span since its last tick. */
  FluidTick = 14,
}

/** Priority by kind (indexed by `Ev`), with the reason for each place. */
export const PRIORITY: readonly number[] = [
  // ManualScale, CountChange: control first; a scale or a stream-count change at t applies to
  // everything else at t.
  0, 0,
  // PodReady: a pod that becomes Ready at t can take a frame that arrives at t.
  1,
  // ServiceDone: completions before arrivals, so a server freed at t is free for a frame that
  // arrives at t.
  2,
  // PeriodicFrame, PoissonFrame.
  3, 3,
  // Poll, IdleReport: a poll at t sees the frames that arrived at t (a Redis LPOP after the RPUSH).
  4, 4,
  // Sample: closes the step (t - step, t] and sees everything that happened at t.
  9,
  // Scrapes see the state after the frames and polls at t.
  5, 5, 5,
  // AutoscalerTick: after the scrapes at t, so a sync reads a scrape taken at the same instant.
  6,
  // TraceFrame: a frame as the other arrivals.
  3,
  // FluidTick: the fluid engine's arrivals and completions, where the exact engine's would run.
  3,
];
