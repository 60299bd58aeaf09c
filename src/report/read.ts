/**
 * Reads a run folder back into a ReportInput, for `inferscale report DIR`:
 *
 *   openRunFolder: summary.json (required) -> scenario.json (optional: folders written before it
 *     existed lack it) -> the CSV files exist (nodes.csv optional: folders written before it existed
 *     lack it)
 *   readRunFolder: timeseries.csv, nodes.csv and events.csv, streamed row by row into a ReportCollector
 *
 * Every problem is a DataError whose message starts with the file's path (and line, for CSV rows).
 * Only the fields the report reads are checked; the rest of each file is carried as it is.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { DataError } from '../errors.js';
import type { RunResult } from '../model/simulate.js';
import type { Scenario } from '../scenario/types.js';
import { EVENT_COLUMNS, NODE_COLUMNS, TIMESERIES_COLUMNS } from './columns.js';
import { BAND_COLUMNS, type BandPoint, type Replications } from './replications.js';
import { compact, MEASURES, ReportCollector, type ReportInput, type SeriesPoint } from './series.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** Checks `obj[key]` is a finite number (or null when `nullable`). */
function expectNumber(file: string, path: string, obj: Json, key: string, nullable = false): void {
  const v = obj[key];
  if (nullable && v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new DataError(`${file}: ${path}${key} must be a number${nullable ? ' or null' : ''}`);
}

const KPI_NUMBERS = [
  'offeredFrames',
  'inferredFrames',
  'droppedFrames',
  'dropRatio',
  'offeredFps',
  'inferFps',
  'dropFps',
  'replicaSeconds',
  'maxReplicas',
  'cpuCoreSeconds',
];
const KPI_NULLABLE = ['meanQueueWaitSeconds', 'latencyP50Seconds', 'latencyP95Seconds', 'latencyP99Seconds'];

function checkKpis(file: string, path: string, v: unknown): void {
  if (!isObject(v)) throw new DataError(`${file}: ${path.replace(/\.$/, '')} must be an object`);
  for (const k of KPI_NUMBERS) expectNumber(file, path, v, k);
  for (const k of KPI_NULLABLE) expectNumber(file, path, v, k, true);
  // Figures newer than some run folders: checked when present.
  if (v.replicaSecondsHeldByStabilization !== undefined)
    expectNumber(file, path, v, 'replicaSecondsHeldByStabilization');
}

/** A service's load steps and recovery figures, when present (the report shows them). */
function checkRecovery(file: string, path: string, s: Json): void {
  if (s.loadSteps !== undefined) {
    if (!Array.isArray(s.loadSteps)) throw new DataError(`${file}: ${path}loadSteps must be an array`);
    s.loadSteps.forEach((step, j) => {
      const at = `${path}loadSteps[${j}].`;
      if (!isObject(step)) throw new DataError(`${file}: ${at.replace(/\.$/, '')} must be an object`);
      expectNumber(file, at, step, 'atSeconds');
      expectNumber(file, at, step, 'recoverySeconds', true);
    });
  }
  if (s.maxRecoverySeconds !== undefined) expectNumber(file, path, s, 'maxRecoverySeconds', true);
  if (s.unrecoveredLoadSteps !== undefined) expectNumber(file, path, s, 'unrecoveredLoadSteps');
}

/** summary.json, checked for what the tables and charts read. */
export function readSummary(file: string): RunResult {
  const v = readJson(file);
  if (!isObject(v)) throw new DataError(`${file}: must hold a JSON object`);
  if (typeof v.scenario !== 'string') throw new DataError(`${file}: scenario must be a string`);
  for (const k of ['seed', 'durationSeconds', 'stepSeconds', 'events']) expectNumber(file, '', v, k);
  if (!((v.durationSeconds as number) > 0 && (v.stepSeconds as number) > 0))
    throw new DataError(`${file}: durationSeconds and stepSeconds must be positive`);
  if (!Array.isArray(v.services) || v.services.length === 0)
    throw new DataError(`${file}: services must be a non-empty array`);
  v.services.forEach((s, i) => {
    const path = `services[${i}].`;
    checkKpis(file, path, s);
    if (typeof (s as Json).service !== 'string' || (s as Json).service === '')
      throw new DataError(`${file}: ${path}service must be a non-empty string`);
    expectNumber(file, path, s as Json, 'podsPendingAtEnd');
    checkRecovery(file, path, s as Json);
  });
  checkKpis(file, 'total.', v.total);
  if (v.replications !== undefined) checkReplications(file, v.replications, v.services.length);
  return v as unknown as RunResult;
}

/** summary.json's `replications` (runs with --seeds N), checked for what the tables read. */
function checkReplications(file: string, r: unknown, services: number): void {
  const bad = (what: string) => new DataError(`${file}: replications.${what}`);
  if (!isObject(r)) throw new DataError(`${file}: replications must be an object`);
  if (!Array.isArray(r.seeds) || r.seeds.length < 2 || !r.seeds.every((x) => Number.isInteger(x)))
    throw bad('seeds must be an array of at least 2 integer seeds');
  if (!Array.isArray(r.services) || r.services.length !== services)
    throw bad(`services must be an array of ${services} entries, one per service`);
  const bands = (path: string, o: unknown) => {
    if (!isObject(o)) throw bad(`${path} must be an object`);
    for (const [k, b] of Object.entries(o)) {
      if (k === 'service' || b === null) continue;
      if (!(isObject(b) && ['p5', 'median', 'p95'].every((q) => typeof b[q] === 'number')))
        throw bad(`${path}.${k} must be null or {p5, median, p95} numbers`);
    }
  };
  r.services.forEach((s, i) => bands(`services[${i}]`, s));
  bands('total', r.total);
  bands('run', r.run);
}

/** scenario.json, checked for what the report reads: names, description, queue capacities, HPAs. */
export function readScenario(file: string): Scenario {
  const v = readJson(file);
  if (!isObject(v)) throw new DataError(`${file}: must hold a JSON object`);
  if (typeof v.name !== 'string') throw new DataError(`${file}: name must be a string`);
  if (typeof v.description !== 'string') throw new DataError(`${file}: description must be a string`);
  if (!Array.isArray(v.services)) throw new DataError(`${file}: services must be an array`);
  v.services.forEach((s, i) => {
    const path = `services[${i}].`;
    if (!isObject(s) || typeof s.name !== 'string')
      throw new DataError(`${file}: ${path}name must be a string`);
    expectNumber(file, path, s, 'queueCapacity');
    const hpa = s.hpa;
    if (hpa !== null && !(isObject(hpa) && Array.isArray(hpa.metrics) && hpa.metrics.every(isObject)))
      throw new DataError(`${file}: ${path}hpa must be null or an object with a metrics array`);
  });
  return v as unknown as Scenario;
}

/** Streams a CSV file's records after checking its header; `onRecord` gets the cells and the line. */
async function readCsv(
  file: string,
  columns: readonly string[],
  onRecord: (cells: string[], line: number) => void,
): Promise<void> {
  const parser = createReadStream(file).pipe(parse({ info: true, relax_column_count: false }));
  let header = true;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (header) {
        header = false;
        if (record.join(',') !== columns.join(','))
          throw new DataError(`${file}:1: the header must be ${columns.join(',')}`);
        continue;
      }
      onRecord(record, info.lines);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${file}: ${(e as Error).message}`);
  } finally {
    parser.destroy();
  }
  if (header) throw new DataError(`${file}: is empty (no header)`);
}

function cellNumber(file: string, line: number, column: string, cell: string): number {
  const v = cell.trim() === '' ? NaN : Number(cell);
  if (!Number.isFinite(v))
    throw new DataError(`${file}:${line}: ${column} ${JSON.stringify(cell)} is not a number`);
  return v;
}

function cellNullable(file: string, line: number, column: string, cell: string): number | null {
  return cell === '' ? null : cellNumber(file, line, column, cell);
}

/** A run folder whose JSON files were read and whose CSV files exist. */
export interface RunFolder {
  result: RunResult;
  scenario: Scenario | null;
  timeseriesFile: string;
  /** null for a folder written before nodes.csv existed. */
  nodesFile: string | null;
  eventsFile: string;
  /** bands.csv, for runs with several seeds. */
  bandsFile: string | null;
}

/** Checks the folder, reads summary.json and scenario.json, and checks the CSV files are there. */
export function openRunFolder(dir: string): RunFolder {
  if (!existsSync(dir)) throw new DataError(`${dir}: no such folder`);
  if (!statSync(dir).isDirectory())
    throw new DataError(`${dir} is a file, not a report folder: give the folder a run wrote (its --out)`);
  const result = readSummary(join(dir, 'summary.json'));
  const scenarioFile = join(dir, 'scenario.json');
  const scenario = existsSync(scenarioFile) ? readScenario(scenarioFile) : null;
  const timeseriesFile = join(dir, 'timeseries.csv');
  const eventsFile = join(dir, 'events.csv');
  const bandsFile = (result as { replications?: unknown }).replications ? join(dir, 'bands.csv') : null;
  for (const f of [timeseriesFile, eventsFile, bandsFile])
    if (f !== null && !existsSync(f)) throw new DataError(`${f}: no such file`);
  const nodesFile = join(dir, 'nodes.csv');
  return {
    result,
    scenario,
    timeseriesFile,
    nodesFile: existsSync(nodesFile) ? nodesFile : null,
    eventsFile,
    bandsFile,
  };
}

/** A run folder as the report needs it: its rows and events streamed through a ReportCollector. */
export async function readRunFolder(folder: RunFolder | string): Promise<ReportInput> {
  const {
    result,
    scenario,
    timeseriesFile: ts,
    nodesFile: nodes,
    eventsFile: ev,
    bandsFile,
  } = typeof folder === 'string' ? openRunFolder(folder) : folder;
  const collector = new ReportCollector(
    Math.round(result.durationSeconds * 1e6),
    Math.round(result.stepSeconds * 1e6),
  );
  await readCsv(ts, TIMESERIES_COLUMNS, (c, line) => {
    const n = (i: number) => cellNumber(ts, line, TIMESERIES_COLUMNS[i], c[i]);
    const nn = (i: number) => cellNullable(ts, line, TIMESERIES_COLUMNS[i], c[i]);
    if (c[1] === '') throw new DataError(`${ts}:${line}: service is empty`);
    collector.row({
      timeS: n(0),
      service: c[1],
      replicas: n(2),
      readyReplicas: n(3),
      queueLength: n(4),
      offeredFps: n(5),
      inferFps: n(6),
      dropFps: n(7),
      scaleRatio: nn(8),
      cpuUtilization: nn(9),
      latencyP50S: nn(10),
      latencyP95S: nn(11),
      latencyP99S: nn(12),
      desiredReplicas: n(13),
      hpaMetric: nn(14),
      hpaTarget: nn(15),
    });
  });
  if (nodes !== null)
    await readCsv(nodes, NODE_COLUMNS, (c, line) => {
      const n = (i: number) => cellNumber(nodes, line, NODE_COLUMNS[i], c[i]);
      if (c[1] === '') throw new DataError(`${nodes}:${line}: pool is empty`);
      collector.node({
        timeS: n(0),
        pool: c[1],
        nodes: n(2),
        cpuCores: n(3),
        cpuRequestedCores: n(4),
        cpuUsedCores: n(5),
        cpuUtilization: cellNullable(nodes, line, NODE_COLUMNS[6], c[6]),
      });
    });
  await readCsv(ev, EVENT_COLUMNS, (c, line) =>
    collector.event({
      timeS: cellNumber(ev, line, 'time_s', c[0]),
      service: c[1],
      event: c[2],
      detail: c[3],
    }),
  );
  const input = collector.finish(result, scenario);
  if (bandsFile) await readBands(bandsFile, input);
  return input;
}

/** bands.csv into `input`: the medians replace the first seed's points, with their bands. */
async function readBands(file: string, input: ReportInput): Promise<void> {
  const points: SeriesPoint[] = [];
  const bands: BandPoint[] = [];
  const timesS: number[] = [];
  await readCsv(file, BAND_COLUMNS, (c, line) => {
    if (c[1] === '') throw new DataError(`${file}:${line}: service is empty`);
    const timeS = cellNumber(file, line, 'time_s', c[0]);
    const point: Record<string, unknown> = { time: compact(timeS / input.timeUnit.seconds), service: c[1] };
    const band: Record<string, number | null> = {};
    MEASURES.forEach(([m], i) => {
      const at = 2 + 3 * i;
      band[`${m}_p5`] = cellNullable(file, line, BAND_COLUMNS[at], c[at]);
      point[m] = cellNullable(file, line, BAND_COLUMNS[at + 1], c[at + 1]);
      band[`${m}_p95`] = cellNullable(file, line, BAND_COLUMNS[at + 2], c[at + 2]);
    });
    timesS.push(timeS);
    points.push(point as unknown as SeriesPoint);
    bands.push(band as BandPoint);
  });
  const replications = (input.result as { replications?: Replications }).replications!;
  Object.assign(input, { points, bands, pointTimesS: timesS, replications });
}
