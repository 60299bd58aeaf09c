/**
 * Runs a scenario into a report folder:
 *   temp folder beside DIR -> timeseries.csv, nodes.csv, events.csv streamed while simulating (and gathered,
 *   bucketed, for the charts) -> summary.json + scenario.json -> charts/, index.html, summary.md
 *   -> swap the temp folder into DIR
 * so DIR is either the complete new report or untouched: never half-written.
 *
 * `regenerateReport(DIR)` redoes the last generated files from DIR's CSV and JSON files, each
 * written beside its place and renamed into it.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import {
  startRun,
  type NodeRow,
  type PodRow,
  type RunResult,
  type SimulateOptions,
  type TimeseriesRow,
} from '../model/simulate.js';
import type { RunEvent } from '../model/world.js';
import type { Scenario } from '../scenario/types.js';
import { CsvFile, csvCell } from './csv-file.js';
import { EVENT_COLUMNS, NODE_COLUMNS, TIMESERIES_COLUMNS } from './columns.js';
import { asWritten, num, round6, roundDeep } from './format.js';
import { recoverPartials } from './partials.js';
import { openRunFolder, readRunFolder } from './read.js';
import { renderReport, type ReportFile } from './render.js';
import { ReportCollector } from './series.js';
import {
  BAND_COLUMNS,
  bandPoints,
  bandRecords,
  runSeed,
  runSeedSliced,
  summarizeSeeds,
  type Replications,
} from './replications.js';
import { hotDraws } from '../model/draws.js';
import { estimateRun } from '../model/budget.js';
import { startDrawPrefetch, worthPrefetching, type DrawPrefetch } from '../parallel/draw-prefetch.js';
import { runPool } from '../parallel/pool.js';
import { startSvgWorkers } from './svg.js';

export { EVENT_COLUMNS, NODE_COLUMNS, TIMESERIES_COLUMNS } from './columns.js';
export { roundDeep } from './format.js';

/** One timeseries.csv record: the bytes `num` and csvCell give for each column, joined by commas. */
function writeTimeseries(f: CsvFile, r: TimeseriesRow): void {
  f.number(r.timeS);
  f.comma();
  f.cell(r.service);
  f.comma();
  f.number(r.replicas);
  f.comma();
  f.number(r.readyReplicas);
  f.comma();
  f.number(r.queueLength);
  f.comma();
  f.number(r.offeredFps);
  f.comma();
  f.number(r.inferFps);
  f.comma();
  f.number(r.dropFps);
  f.comma();
  f.number(r.scaleRatio);
  f.comma();
  f.number(r.cpuUtilization);
  f.comma();
  f.number(r.latencyP50S);
  f.comma();
  f.number(r.latencyP95S);
  f.comma();
  f.number(r.latencyP99S);
  f.comma();
  f.number(r.desiredReplicas);
  f.comma();
  f.number(r.hpaMetric);
  f.comma();
  f.number(r.hpaTarget);
  f.newline();
}

function writeNode(f: CsvFile, r: NodeRow): void {
  f.number(r.timeS);
  f.comma();
  f.cell(r.pool);
  f.comma();
  f.number(r.nodes);
  f.comma();
  f.number(r.cpuCores);
  f.comma();
  f.number(r.cpuRequestedCores);
  f.comma();
  f.number(r.cpuUsedCores);
  f.comma();
  f.number(r.cpuUtilization);
  f.newline();
}

/** A node row with its values as nodes.csv holds them. */
function nodeAsWritten(r: NodeRow): NodeRow {
  return {
    ...r,
    timeS: round6(r.timeS)!,
    cpuCores: round6(r.cpuCores)!,
    cpuRequestedCores: round6(r.cpuRequestedCores)!,
    cpuUsedCores: round6(r.cpuUsedCores)!,
    cpuUtilization: round6(r.cpuUtilization),
  };
}

/**
 * The scenario as run: with --seed and --duration applied, and the source file by its name only
 * (the same scenario gives the same report wherever it sits).
 */
export function scenarioAsRun(scenario: Scenario, options: { seed?: number; durationUs?: number }): Scenario {
  const durationUs = options.durationUs ?? scenario.durationUs;
  return {
    ...scenario,
    sourceFile: scenario.sourceFile === null ? null : basename(scenario.sourceFile),
    seed: options.seed ?? scenario.seed,
    durationUs,
    stepUs: Math.min(scenario.stepUs, durationUs),
  };
}

export interface ReportOptions extends Omit<SimulateOptions, 'sink'> {
  /** Run this many seeds (the seed, then the next ones) and report medians and p5-p95 bands (default 1). */
  seeds?: number;
  /**
   * Seeds simulated at once: this thread and `workers - 1` worker threads, this one taking seeds from
   * the same queue once its own (the first, whose CSV files are written) is done (default 1: one
   * after another in this thread).
   */
  workers?: number;
  /** Called as each seed after the first finishes. */
  onSeedDone?: (done: number, of: number) => void;
  /** Called with each time-series row as well (e.g. for progress); optional. */
  onRow?: (row: TimeseriesRow) => void;
  /** Called with each Ready pod at each step (the OpenMetrics export); optional. */
  onPod?: (row: PodRow) => void;
  /** Write charts/, index.html and summary.md (default true); false: the CSV and JSON files only. */
  report?: boolean;
  /**
   * Make the run's hot random draws on another thread (parallel/draw-prefetch.ts): the same run, in
   * 13-20% less time. Default: for one seed of the exact engine estimated at PREFETCH_MIN_EVENTS or
   * more, on a machine with two cores or more (with several seeds the cores run seeds instead).
   */
  prefetchDraws?: boolean;
  /**
   * Aborting it stops the run at the next slice of events (or while it waits on other seeds or the
   * charts): the temp folder is removed, DIR is left as it was, and the promise rejects with the
   * signal's reason.
   */
  signal?: AbortSignal;
}

/** Events simulated between two looks at the event loop (tens of ms): Ctrl-C is seen that soon. */
const SLICE_EVENTS = 200_000;

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Writes `files` under `root`, making folders as needed. */
export function writeFiles(root: string, files: ReportFile[]): void {
  for (const f of files) {
    const path = join(root, ...f.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
}

/**
 * Whether writeRunReport makes the hot draws of `asRun` (scenarioAsRun) ahead on another thread when
 * not told: one seed of the exact engine, long enough, on two cores or more.
 */
export function prefetchesByDefault(asRun: Scenario, seeds: number): boolean {
  if (seeds !== 1 || asRun.engine) return false;
  return worthPrefetching(estimateRun(asRun).events, hotDraws(asRun).length, availableParallelism());
}

/** Simulates `scenario` and writes its report to `outDir` atomically; resolves to the run's result. */
export async function writeRunReport(
  scenario: Scenario,
  outDir: string,
  options: ReportOptions = {},
): Promise<RunResult & { replications?: Replications }> {
  const report = options.report ?? true;
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  recoverPartials(outDir);
  const tmp = join(parent, `.${basename(outDir)}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  // The chart renderer warms up on another thread while this one simulates.
  // One renderer: a second one warming up at the same time only slows the simulation on a 2-core
  // machine (measured: no gain for the default scenario).
  const renderer = report ? startSvgWorkers(1) : null;
  const asRun = scenarioAsRun(scenario, options);
  const seedCount = options.seeds ?? 1;
  const hot = asRun.engine ? [] : hotDraws(asRun);
  const wantPrefetch = hot.length > 0 && (options.prefetchDraws ?? prefetchesByDefault(asRun, seedCount));
  // 0. With several seeds, the others run on `workers - 1` worker threads meanwhile; this thread joins
  // them once its own seed is done (all of them in turn with one worker).
  let ownSeedDone = (): void => undefined;
  let ownSeedFailed = (_e: unknown): void => undefined;
  const ownSeed = new Promise<void>((resolve, reject) => {
    ownSeedDone = resolve;
    ownSeedFailed = reject;
  });
  ownSeed.catch(() => undefined);
  const others =
    seedCount > 1
      ? runPool(
          Array.from({ length: seedCount - 1 }, (_, i) => ({
            scenario,
            seed: asRun.seed + 1 + i,
            durationUs: options.durationUs,
          })),
          {
            workerUrl: new URL('./seed-worker.js', import.meta.url),
            workers: (options.workers ?? 1) - 1,
            inline: runSeed,
            join: { after: ownSeed, run: (job) => runSeedSliced(job, SLICE_EVENTS, options.signal) },
            onDone: (() => {
              let done = 0;
              return () => options.onSeedDone?.(++done, seedCount - 1);
            })(),
          },
        )
      : null;
  // Awaited below; a failure before then must not count as unhandled.
  others?.catch(() => undefined);
  try {
    // 1. Simulate, streaming the CSV files and gathering what the charts draw.
    const collector = report || others ? new ReportCollector(asRun.durationUs, asRun.stepUs) : null;
    const ts = new CsvFile(join(tmp, 'timeseries.csv'), TIMESERIES_COLUMNS);
    const nodes = new CsvFile(join(tmp, 'nodes.csv'), NODE_COLUMNS);
    const ev = new CsvFile(join(tmp, 'events.csv'), EVENT_COLUMNS);
    let result: RunResult;
    let prefetch: DrawPrefetch | null = null;
    try {
      prefetch = wantPrefetch ? startDrawPrefetch(asRun.seed, hot) : null;
      const {
        onRow,
        onPod,
        report: _report,
        seeds: _s,
        workers: _w,
        onSeedDone: _d,
        prefetchDraws: _p,
        signal,
        ...simulateOptions
      } = options;
      const run = startRun(scenario, {
        ...simulateOptions,
        ...(prefetch ? { draws: prefetch.draws } : {}),
        sink: {
          row: (r) => {
            writeTimeseries(ts, r);
            collector?.row(asWritten(r));
            onRow?.(r);
          },
          ...(onPod ? { pod: onPod } : {}),
          node: (r) => {
            writeNode(nodes, r);
            collector?.node(nodeAsWritten(r));
          },
          event: (e: RunEvent) => {
            const timeS = round6(e.timeUs / 1e6)!;
            ev.add(`${num(timeS)},${csvCell(e.service)},${csvCell(e.event)},${csvCell(e.detail)}`);
            collector?.event({ timeS, service: e.service, event: e.event, detail: e.detail });
          },
        },
      });
      // In slices, looking at the event loop between them (a signal handler runs only there).
      while (!run.advance(signal ? SLICE_EVENTS : Infinity)) {
        await new Promise<void>((r) => setImmediate(r));
        signal?.throwIfAborted();
      }
      result = run.finish();
    } finally {
      // The files are closed even when close() rejects (a worker that failed).
      try {
        await prefetch?.close();
      } finally {
        ts.close();
        nodes.close();
        ev.close();
      }
    }
    ownSeedDone();
    // 2. The JSON files; the report is made from summary.json's rounded figures, as `report DIR` is.
    const summary = roundDeep(result);
    const input = collector?.finish(summary, asRun) ?? null;
    let replications: Replications | undefined;
    if (others && input) {
      // 2b. Every seed's KPIs and chart points, in seed order, as medians and bands.
      const rest = await abortable(others, options.signal);
      replications = summarizeSeeds([summary, ...rest.map((r) => r.summary)]);
      const { points, bands } = bandPoints([input.points, ...rest.map((r) => r.points)]);
      Object.assign(input, { points, bands, replications });
      writeFileSync(
        join(tmp, 'bands.csv'),
        stringify([BAND_COLUMNS as string[], ...bandRecords(points, bands, input.pointTimesS)]),
      );
    }
    const written = replications ? { ...summary, replications } : summary;
    writeFileSync(join(tmp, 'summary.json'), `${JSON.stringify(written, null, 2)}\n`);
    writeFileSync(join(tmp, 'scenario.json'), `${JSON.stringify(asRun, null, 2)}\n`);
    // 3. Charts, page and summary.md; then the swap.
    if (input && renderer) writeFiles(tmp, await abortable(renderReport(input, renderer), options.signal));
    options.signal?.throwIfAborted();
    swapInto(tmp, outDir);
    return replications ? { ...result, replications } : result;
  } catch (e) {
    ownSeedFailed(e);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    await renderer?.close();
  }
}

/**
 * Regenerates charts/, index.html and summary.md from the CSV and JSON files in `dir` without
 * simulating. Nothing is replaced unless every file was made; each then replaces its old self by a
 * rename (charts/ as a whole).
 */
export async function regenerateReport(dir: string): Promise<ReportFile[]> {
  const folder = openRunFolder(dir);
  // What a killed `report DIR` left here: charts/ back from its `.old` if it went missing, the rest removed.
  for (const name of ['charts', 'index.html', 'summary.md']) recoverPartials(join(dir, name));
  // Nothing simulates here: every core can draw.
  const renderer = startSvgWorkers(Math.min(2, availableParallelism()));
  let files: ReportFile[];
  try {
    files = await renderReport(await readRunFolder(folder), renderer);
  } finally {
    await renderer.close();
  }
  const tag = `.partial-${process.pid}`;
  const chartsTmp = join(dir, `.charts${tag}`);
  const top = files.filter((f) => !f.path.startsWith('charts/'));
  try {
    rmSync(chartsTmp, { recursive: true, force: true });
    writeFiles(
      chartsTmp,
      files
        .filter((f) => f.path.startsWith('charts/'))
        .map((f) => ({ ...f, path: f.path.slice('charts/'.length) })),
    );
    for (const f of top) writeFileSync(join(dir, `.${f.path}${tag}`), f.content);
  } catch (e) {
    rmSync(chartsTmp, { recursive: true, force: true });
    for (const f of top) rmSync(join(dir, `.${f.path}${tag}`), { force: true });
    throw e;
  }
  swapInto(chartsTmp, join(dir, 'charts'));
  for (const f of top) renameSync(join(dir, `.${f.path}${tag}`), join(dir, f.path));
  return files;
}

/** Puts the complete folder `tmp` at `outDir`, replacing what was there by renames. */
export function swapInto(tmp: string, outDir: string): void {
  if (existsSync(outDir)) {
    const old = `${tmp}.old`;
    renameSync(outDir, old);
    renameSync(tmp, outDir);
    rmSync(old, { recursive: true, force: true });
  } else renameSync(tmp, outDir);
}
