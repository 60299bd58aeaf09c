/**
 * What a run will cost before it starts, read off the resolved scenario: frames the streams will
 * push, events the engine will process, rows the time series will hold. A run far past what the
 * machine can do in reasonable time or memory is refused up front with these figures, instead of
 * running for days or into an out-of-memory crash:
 *
 *   events = 2 per frame (arrival, then inference or drop) + 1 per time-series row
 *            (the fluid engine: 1 per tick instead of 2 per frame)
 *   rows   = steps x (services + node pools)          (timeseries.csv and nodes.csv)
 *
 * Frames are exact for step and ramp schedules (the integral of the stream count) and an upper
 * bound for sines (the peak count all the time).
 */
import type { CountSchedule, Scenario } from '../scenario/types.js';

export interface RunEstimate {
  /** Frames all streams push over the run. */
  frames: number;
  events: number;
  rows: number;
}

/** The default budget: about a day of a 2,000-camera city at 25 FPS fits, a year of it does not. */
export const DEFAULT_MAX_EVENTS = 1e10;
/** Time-series rows kept for the report; about 1-2 GB of memory. */
export const DEFAULT_MAX_ROWS = 2e7;

export function estimateRun(
  scenario: Scenario,
  durationUs = scenario.durationUs,
  stepUs = scenario.stepUs,
): RunEstimate {
  let frames = 0;
  for (const g of scenario.streams) {
    const fps = g.arrivals === 'poisson' ? g.ratePerStream : g.fps;
    frames += fps * streamSeconds(g.count, durationUs);
  }
  const steps = Math.ceil(durationUs / Math.min(stepUs, durationUs));
  const rows = steps * (scenario.services.length + scenario.nodePools.length);
  // The fluid engine has no event per frame: one per tick (and per step's end) instead.
  const frameEvents = scenario.engine ? Math.ceil(durationUs / scenario.engine.tickUs) + steps : 2 * frames;
  return { frames, events: frameEvents + rows, rows };
}

/** Stream-seconds a schedule has in [0, durationUs]: the integral of its count. */
function streamSeconds(schedule: CountSchedule, durationUs: number): number {
  if (schedule.kind === 'sine') {
    return (Math.max(0, schedule.mean + Math.abs(schedule.amplitude)) * durationUs) / 1e6;
  }
  let total = 0;
  const changes = schedule.changes;
  for (let i = 0; i < changes.length; i++) {
    const from = Math.min(changes[i].atUs, durationUs);
    const to = Math.min(i + 1 < changes.length ? changes[i + 1].atUs : durationUs, durationUs);
    if (to > from) total += (changes[i].count * (to - from)) / 1e6;
  }
  return total;
}

export interface RunLimits {
  maxEvents: number;
  maxRows: number;
}

/** Why a run of `runs` such estimates does not fit the limits; empty when it does. */
export function budgetProblems(
  estimate: RunEstimate,
  runs: number,
  limits: RunLimits,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const events = estimate.events * runs;
  const rows = estimate.rows * runs;
  const per =
    runs > 1
      ? `${runs} seeds × ${sci(estimate.events)} events, ${sci(estimate.frames)} frames each`
      : `${sci(estimate.frames)} frames`;
  if (events > limits.maxEvents)
    problems.push({
      field: '--max-events',
      message:
        `this run would process about ${sci(events)} events (${per}), ` +
        `over the budget of ${sci(limits.maxEvents)}. Shorten it (--duration), simulate fewer or slower ` +
        `streams, or raise the budget with --max-events if you mean to wait for it`,
    });
  if (rows > limits.maxRows)
    problems.push({
      field: '--max-rows',
      message:
        `this run would keep about ${sci(rows)} time-series rows${runs > 1 ? ` (${runs} seeds)` : ''}, ` +
        `over the budget of ${sci(limits.maxRows)}. Use a coarser step (--step, e.g. --step 1m), ` +
        `a shorter run (--duration), or raise the budget with --max-rows`,
    });
  return problems;
}

/**
 * Estimated events a worker thread must have to pay for starting: a worker loads the simulator and,
 * for about its first second, runs slower code while V8 compiles it (its compiler threads share the
 * cores with the busy threads). Measured on 2 cores (simulate --seeds 20 of the default scenario):
 * 20 x 30 min (9e6 events) took 1.44 s on 1 thread and 1.57 s on 2; 20 x 1 h (1.8e7) 1.95 and 1.96 s;
 * 20 x 2 h (3.7e7) 2.84 and 2.46 s; 4 seeds x 5 min of the city (1.2e8) 17.2 and 9.4 s.
 */
export const EVENTS_PER_WORKER = 1.5e7;

/**
 * `--workers` when not given: as many threads as the cores, but no more than the run's estimated
 * events pay for (EVENTS_PER_WORKER each), and 1 for a run too small to gain from a second.
 */
export function defaultWorkers(estimate: RunEstimate, runs: number, cores: number): number {
  return Math.max(1, Math.min(cores, runs, Math.floor((estimate.events * runs) / EVENTS_PER_WORKER)));
}

/** 3.8e12, 2e7, 4,200: short and exact enough for a message. */
function sci(n: number): string {
  if (n < 1e6) return Math.round(n).toLocaleString('en-US');
  return n.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
}
