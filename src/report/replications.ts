/**
 * Several seeds of one scenario (`simulate --seeds N`), summarised:
 *
 *   seed s -> simulate (anywhere: this thread or a worker) -> { summary (rounded), chart points }
 *   all seeds, in seed order -> every numeric KPI as { p5, median, p95 }   (summary.json `replications`)
 *                            -> every chart point as the median, with p5 and p95 (bands.csv, the bands)
 *
 * Quantiles interpolate linearly between order statistics (Hyndman & Fan type 7, as numpy's default
 * and R's `quantile` do): with 20 seeds, p5 lies between the smallest and the second smallest.
 * Values that are null in some seeds (a latency with no frame finished) are summarised over the
 * seeds that have one; null when none has. The inputs are ordered by seed, never by which thread
 * finished first, so the result is the same for any number of workers.
 */
import { startRun, type RunResult, type SimulationRun } from '../model/simulate.js';
import type { Scenario } from '../scenario/types.js';
import { asWritten, roundDeep, round6 } from './format.js';
import { compact, MEASURES, ReportCollector, type Measure, type SeriesPoint } from './series.js';

/** p5, median and p95 of a value over seeds; null when no seed has the value. */
export type Band = { p5: number; median: number; p95: number } | null;

export interface ServiceBands {
  service: string;
  [kpi: string]: Band | string;
}

export interface Replications {
  /** The seeds run, in order; the folder's CSV files and top-level KPIs are the first one's. */
  seeds: number[];
  /** How the bands were computed, for whoever reads summary.json without this comment. */
  quantiles: string;
  services: ServiceBands[];
  total: Record<string, Band>;
  /** Run-wide figures: node-hours, cost, events. */
  run: Record<string, Band>;
}

/** A point's p5 and p95 per measure: `offered_fps_p5`, `offered_fps_p95`, … */
export type BandPoint = Record<`${Measure}_p5` | `${Measure}_p95`, number | null>;

export const QUANTILE_METHOD = 'p5, median, p95 over seeds; linear between order statistics (type 7)';

/** bands.csv: per chart point (time, service), every measure's p5, median and p95 over the seeds. */
export const BAND_COLUMNS: readonly string[] = [
  'time_s',
  'service',
  ...MEASURES.flatMap(([m]) => [`${m}_p5`, `${m}_median`, `${m}_p95`]),
];

/** bands.csv's records, from the medians, their bands and their times in seconds. */
export function bandRecords(points: SeriesPoint[], bands: BandPoint[], timesS: number[]): unknown[][] {
  const cell = (v: number | null) => (v === null ? '' : v);
  return points.map((p, i) => [
    timesS[i],
    p.service,
    ...MEASURES.flatMap(([m]) => [cell(bands[i][`${m}_p5`]), cell(p[m]), cell(bands[i][`${m}_p95`])]),
  ]);
}

/** The q-quantile of ascending `sorted` (type 7). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The band of some seeds' values (nulls left out), each bound rounded as summary.json rounds. */
export function band(values: readonly (number | null)[]): Band {
  const defined = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (defined.length === 0) return null;
  return {
    p5: round6(quantile(defined, 0.05))!,
    median: round6(quantile(defined, 0.5))!,
    p95: round6(quantile(defined, 0.95))!,
  };
}

/** The numeric fields of `objects` (the first one's keys, in its order), each as a band. */
function bandsOf(objects: readonly object[]): Record<string, Band> {
  const out: Record<string, Band> = {};
  const first = objects[0] as Record<string, unknown>;
  for (const [key, v] of Object.entries(first)) {
    if (typeof v !== 'number' && v !== null) continue;
    const values = objects.map((o) => (o as Record<string, unknown>)[key]);
    if (!values.every((x) => x === null || typeof x === 'number')) continue;
    out[key] = band(values as (number | null)[]);
  }
  return out;
}

/** Every numeric KPI of `results` (one per seed, in seed order) as a band. */
export function summarizeSeeds(results: readonly RunResult[]): Replications {
  const base = results[0];
  return {
    seeds: results.map((r) => r.seed),
    quantiles: QUANTILE_METHOD,
    services: base.services.map((s, i) => {
      const per = results.map((r) => {
        const mine = r.services[i];
        if (mine?.service !== s.service)
          throw new Error(`seed ${r.seed}: services differ from seed ${base.seed}`);
        return mine;
      });
      const { service: _service, ...kpis } = bandsOf(per);
      return { service: s.service, ...kpis };
    }),
    total: bandsOf(results.map((r) => r.total)),
    run: bandsOf(results.map((r) => ({ nodeHours: r.nodeHours, cost: r.cost, events: r.events }))),
  };
}

/**
 * The chart points of several seeds (each seed's points in the same order: same scenario, duration
 * and step) as one series of medians and their bands.
 */
export function bandPoints(perSeed: readonly SeriesPoint[][]): { points: SeriesPoint[]; bands: BandPoint[] } {
  const base = perSeed[0];
  const points: SeriesPoint[] = [];
  const bands: BandPoint[] = [];
  // One point's values of one measure over the seeds; sorted in place (a typed array sorts numerically).
  const scratch = new Float64Array(perSeed.length);
  for (let i = 0; i < base.length; i++) {
    for (const ps of perSeed) {
      const p = ps[i];
      if (p?.time !== base[i].time || p.service !== base[i].service)
        throw new Error('the seeds sampled different steps');
    }
    const point: Record<string, unknown> = { time: base[i].time, service: base[i].service };
    const b: Record<string, number | null> = {};
    for (let j = 0; j < MEASURES.length; j++) {
      const m = MEASURES[j][0];
      let n = 0;
      for (const ps of perSeed) {
        const v = ps[i][m];
        if (v !== null) scratch[n++] = v;
      }
      const values = scratch.subarray(0, n).sort();
      const has = n > 0;
      point[m] = has ? compact(quantile(values, 0.5)) : null;
      b[BAND_P5[j]] = has ? compact(quantile(values, 0.05)) : null;
      b[BAND_P95[j]] = has ? compact(quantile(values, 0.95)) : null;
    }
    points.push(point as unknown as SeriesPoint);
    bands.push(b as BandPoint);
  }
  return { points, bands };
}

/** Each measure's band keys, in MEASURES' order. */
const BAND_P5 = MEASURES.map(([m]) => `${m}_p5`);
const BAND_P95 = MEASURES.map(([m]) => `${m}_p95`);

/** One seed's work, as a worker does it. */
export interface SeedJob {
  scenario: Scenario;
  seed: number;
  durationUs?: number;
}

export interface SeedOutcome {
  /** As summary.json would hold it (rounded). */
  summary: RunResult;
  points: SeriesPoint[];
}

/** Simulates one seed, keeping its summary and its chart points (no files). */
export function runSeed(job: SeedJob): SeedOutcome {
  const seed = seedRun(job);
  seed.run.advance(Infinity);
  return seed.outcome();
}

/**
 * runSeed on the thread that also answers the pool's workers and Ctrl-C: the same run in slices of
 * `sliceEvents`, with a turn of the event loop after each one, the last included (slicing changes no
 * result), stopping with the signal's reason once it aborts. The last: seeds shorter than a slice,
 * run one after another, would otherwise never let the loop turn until all of them were done.
 */
export async function runSeedSliced(
  job: SeedJob,
  sliceEvents: number,
  signal?: AbortSignal,
): Promise<SeedOutcome> {
  const seed = seedRun(job);
  for (let done = false; !done;) {
    done = seed.run.advance(sliceEvents);
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  }
  return seed.outcome();
}

function seedRun(job: SeedJob): { run: SimulationRun; outcome: () => SeedOutcome } {
  const durationUs = job.durationUs ?? job.scenario.durationUs;
  const collector = new ReportCollector(durationUs, Math.min(job.scenario.stepUs, durationUs));
  const run = startRun(job.scenario, {
    seed: job.seed,
    durationUs: job.durationUs,
    sink: {
      row: (r) => collector.row(asWritten(r)),
    },
  });
  return {
    run,
    outcome: () => {
      const summary = roundDeep(run.finish());
      return { summary, points: collector.finish(summary, null).points };
    },
  };
}
