/**
 * Runs a scenario into a report folder:
 *   temp folder beside DIR -> timeseries.csv + events.csv streamed while simulating
 *   -> summary.json + summary.md -> swap the temp folder into DIR
 * so DIR is either the complete new report or untouched: never half-written.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { simulate, type RunResult, type SimulateOptions, type TimeseriesRow } from '../model/simulate.js';
import type { RunEvent } from '../model/world.js';
import type { Scenario } from '../scenario/types.js';
import { summaryMarkdown } from './markdown.js';
import { num } from './format.js';

export const TIMESERIES_COLUMNS = [
  'time_s',
  'service',
  'replicas',
  'ready_replicas',
  'queue_length',
  'offered_fps',
  'infer_fps',
  'drop_fps',
  'scale_ratio',
  'cpu_utilization',
  'latency_p95_s',
  'desired_replicas',
  'hpa_metric',
  'hpa_target',
] as const;

export const EVENT_COLUMNS = ['time_s', 'service', 'event', 'detail'] as const;

/**
 * Buffered CSV writer on a file descriptor. Rows are stringified in small batches: a batch of
 * thousands of cell arrays lives long enough to be promoted out of V8's young generation, and
 * peak memory then grows with the run's length instead of staying flat.
 */
class CsvFile {
  private rows: unknown[][] = [];
  private text = '';
  private readonly fd: number;
  constructor(path: string, columns: readonly string[]) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, stringify([columns as unknown as string[]]));
  }
  add(row: unknown[]): void {
    this.rows.push(row);
    if (this.rows.length >= 32) {
      this.text += stringify(this.rows);
      this.rows = [];
      if (this.text.length >= 1 << 16) this.flush();
    }
  }
  flush(): void {
    if (this.rows.length > 0) this.text += stringify(this.rows);
    this.rows = [];
    if (this.text.length > 0) writeSync(this.fd, this.text);
    this.text = '';
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function timeseriesCells(r: TimeseriesRow): unknown[] {
  return [
    num(r.timeS),
    r.service,
    r.replicas,
    r.readyReplicas,
    r.queueLength,
    num(r.offeredFps),
    num(r.inferFps),
    num(r.dropFps),
    num(r.scaleRatio),
    num(r.cpuUtilization),
    num(r.latencyP95S),
    r.desiredReplicas,
    num(r.hpaMetric),
    num(r.hpaTarget),
  ];
}

export interface ReportOptions extends Omit<SimulateOptions, 'sink'> {
  /** Called with each time-series row as well (e.g. for progress); optional. */
  onRow?: (row: TimeseriesRow) => void;
}

/** Simulates `scenario` and writes its report to `outDir` atomically; returns the run's result. */
export function writeRunReport(scenario: Scenario, outDir: string, options: ReportOptions = {}): RunResult {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(outDir)}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const ts = new CsvFile(join(tmp, 'timeseries.csv'), TIMESERIES_COLUMNS);
    const ev = new CsvFile(join(tmp, 'events.csv'), EVENT_COLUMNS);
    let result: RunResult;
    try {
      result = simulate(scenario, {
        ...options,
        sink: {
          row: (r) => {
            ts.add(timeseriesCells(r));
            options.onRow?.(r);
          },
          event: (e: RunEvent) => ev.add([num(e.timeUs / 1e6), e.service, e.event, e.detail]),
        },
      });
    } finally {
      ts.close();
      ev.close();
    }
    writeFileSync(join(tmp, 'summary.json'), `${JSON.stringify(roundDeep(result), null, 2)}\n`);
    writeFileSync(join(tmp, 'summary.md'), summaryMarkdown(scenario, result));
    swapInto(tmp, outDir);
    return result;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function swapInto(tmp: string, outDir: string): void {
  if (existsSync(outDir)) {
    const old = `${tmp}.old`;
    renameSync(outDir, old);
    renameSync(tmp, outDir);
    rmSync(old, { recursive: true, force: true });
  } else renameSync(tmp, outDir);
}

/** Rounds every number to 6 decimals so summary.json reads well and stays byte-stable. */
export function roundDeep<T>(v: T): T {
  if (typeof v === 'number') return (Number.isFinite(v) ? Number(v.toFixed(6)) : v) as T;
  if (Array.isArray(v)) return v.map(roundDeep) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = roundDeep(x);
    return out as T;
  }
  return v;
}
