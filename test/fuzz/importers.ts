/**
 * Fuzzing of the recorded-data importers (test/fuzz/fuzz.ts's loop with their own seeds, tokens and
 * oracles). Every format `replay` and scenarios read:
 *
 *   OpenMetrics text (seconds, # EOF) | Prometheus text (ms) | query_range JSON (matrix, vector, a
 *   list of answers) | metrics CSV (timestamp,metric,<label>...,value) -> readMetricsFile
 *   arrival trace CSV (a frame per row) | count trace CSV (time_s,count) -> a scenario naming it
 *
 * Seeds: `simulate --openmetrics` of test/fixtures/replay/recorded.yaml (its first seconds), the
 * same samples in each format. The oracle, per case:
 *   - refused: a DataError (a ConfigIssue for the traces) whose message starts with the file and its
 *     line (and column) where the format has lines (text, CSV); query_range JSON names line:col for
 *     syntax and the JSON path (data.result[i].values[j]) for structure; whole-file problems (no
 *     samples, empty) name the file only
 *   - accepted: every kept sample has a finite value and a time that is a date; every NaN or
 *     infinity read is a warning; the grid and the calibration built from it (as `replay` does)
 *     throw nothing but a DataError, and every warning's range prints as RFC 3339
 *   - never another exception, never slower than `slowMs`
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzz, issueProblem, YAML_DIALECT, type Dialect, type FuzzStats, type Verdict } from './fuzz.js';
import { DataError } from '../../src/errors.js';
import { detectFormat, readMetricsFile } from '../../src/replay/import.js';
import { SeriesBuilder } from '../../src/replay/series.js';
import { buildGrid } from '../../src/replay/recording.js';
import { calibrate } from '../../src/replay/calibrate.js';
import { DEFAULT_MAPPING } from '../../src/replay/mapping.js';
import { isoTime } from '../../src/replay/time.js';
import { checkScenarioFile, loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const RECORDED = join(ROOT, 'test/fixtures/replay/recorded.yaml');
const T0 = 1767225600;

/** What the text formats, JSON and CSV mean something by. */
export const IMPORT_DIALECT: Dialect = {
  tokens: [
    ...YAML_DIALECT.tokens,
    '# EOF\n',
    '# TYPE ei_infer_fps gauge\n',
    '# HELP x y\n',
    '{',
    '}',
    '="',
    '\\"',
    '\\',
    '\\n',
    ' ',
    '\r\n',
    '\r',
    ',',
    ',,',
    '""',
    'NaN',
    '+Inf',
    '-Inf',
    'Inf',
    '1e999',
    '1e300',
    '9'.repeat(400),
    '2026-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2026-13-45T99:99:99Z',
    '"values":[[1e999,"1"]]',
    '[1767225601,"NaN"]',
    '"resultType":"vector"',
    '"status":"error"',
    'le="+Inf"',
    '__name__',
    'ei_infer_fps',
    'kube_deployment_status_replicas',
    'container_cpu_usage_seconds_total',
  ],
  numbers: [
    '0',
    '-1',
    '1e308',
    '4294967296',
    '0.0000001',
    'x',
    '1_000',
    '1e999',
    '-1e999',
    'NaN',
    '+Inf',
    '-Inf',
    '9'.repeat(400),
    '1e300',
    '-1e300',
    '0x10',
    '',
  ],
};

export interface ImportSeeds {
  openmetrics: string;
  prometheus: string;
  json: string[];
  csv: string;
  arrivals: string[];
  trace: string;
}

let seeds: ImportSeeds | undefined;

/** The seeds, from one short `simulate --openmetrics` of the replay fixture (cached per process). */
export function importSeeds(): ImportSeeds {
  if (seeds) return seeds;
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-fuzz-seeds-'));
  try {
    const om = join(dir, 'recorded.om');
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'simulate',
        RECORDED,
        '--no-report',
        '--quiet',
        '--duration',
        '36s',
        '--out',
        join(dir, 'run'),
        '--openmetrics',
        om,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`simulate --openmetrics failed: ${r.stderr}`);
    // A few samples per series (small seeds mutate fast): the first seconds, and seconds once the
    // pods have started (their gauges and CPU counters).
    const kept = (t: number) => t <= T0 + 3 || (t >= T0 + 32 && t <= T0 + 34);
    const lines = readFileSync(om, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('#') || (l !== '' && kept(Number(l.split(' ').pop()))));
    const samples = lines
      .filter((l) => !l.startsWith('#'))
      .map((l) => {
        const m = /^([a-z_]+)\{(.*)\} (\S+) (\S+)$/.exec(l)!;
        const labels: Record<string, string> = {};
        for (const kv of m[2].split(',')) {
          const [k, v] = kv.split('=');
          labels[k] = JSON.parse(v) as string;
        }
        return { name: m[1], labels, v: m[3], t: Number(m[4]) };
      });
    const groups = new Map<string, typeof samples>();
    for (const s of samples) {
      const id = JSON.stringify([s.name, s.labels]);
      if (!groups.has(id)) groups.set(id, []);
      groups.get(id)!.push(s);
    }
    const matrix = {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [...groups.values()].map((g) => ({
          metric: { __name__: g[0].name, ...g[0].labels },
          values: g.map((s) => [s.t, s.v]),
        })),
      },
    };
    const vector = {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [...groups.values()].map((g) => ({
          metric: { __name__: g[0].name, ...g[0].labels },
          value: [g[0].t, g[0].v],
        })),
      },
    };
    const labelCols = ['namespace', 'deployment', 'pod', 'container'];
    const arrivalTimes = Array.from({ length: 40 }, (_, i) => T0 + i * 0.1 + (i % 3) * 0.01);
    seeds = {
      openmetrics: lines.join('\n') + '\n',
      prometheus:
        lines
          .filter((l) => l !== '# EOF')
          .map((l) =>
            l.startsWith('#') ? l : l.replace(/ (\d+(\.\d+)?)$/, (_, t: string) => ` ${Number(t) * 1000}`),
          )
          .join('\n') + '\n',
      json: [
        JSON.stringify(matrix, null, 1),
        JSON.stringify(vector),
        JSON.stringify([
          matrix,
          { ...matrix, data: { ...matrix.data, result: matrix.data.result.slice(0, 2) } },
        ]),
      ],
      csv:
        [
          `timestamp,metric,${labelCols.join(',')},value`,
          ...samples.map((s, i) =>
            [i % 2 ? isoTime(s.t) : s.t, s.name, ...labelCols.map((c) => s.labels[c] ?? ''), s.v].join(','),
          ),
        ].join('\n') + '\n',
      arrivals: [
        ['timestamp,camera', ...arrivalTimes.map((t, i) => `${t.toFixed(3)},cam-${i % 4}`)].join('\n') + '\n',
        ['# frames of one camera', ...arrivalTimes.map((t) => new Date(t * 1000).toISOString())].join('\n') +
          '\n',
        arrivalTimes.map((t) => (t - T0).toFixed(3)).join('\n') + '\n',
      ],
      trace: ['time_s,count', '0,3', '1.5,4', '2,0', '10,12', '60.25,7', '120,1'].join('\n') + '\n',
    };
    return seeds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The earliest and latest times isoTime prints as a date (years 0000 to 9999). */
const DATE_RANGE_S = [-62167219200, 253402300799];

/** A SeriesBuilder that counts what it was given, for the oracle. */
class CountingBuilder extends SeriesBuilder {
  nonFinite = 0;
  override add(name: string, labels: Record<string, string>, t: number, v: number): void {
    if (!Number.isFinite(v)) this.nonFinite++;
    super.add(name, labels, t, v);
  }
}

let recordedScenario: Scenario | undefined;

/** The problem with a refusal's message `m` for `file`, or null. */
function messageProblem(m: string, file: string, placed: RegExp, wholeFile: RegExp): string | null {
  if (!m.startsWith(file)) return `the message does not start with the file: ${m}`;
  const rest = m.slice(file.length);
  if (!placed.test(rest) && !wholeFile.test(rest)) return `the message does not place the problem: ${m}`;
  // Quoted input aside, no sign of a value the code did not mean to print.
  if (/undefined|\[object Object\]|NaN:/.test(rest.replace(/"(?:[^"\\]|\\.)*"/g, '""')))
    return `the message leaks internals: ${m}`;
  return null;
}

/** Parses recorded metrics the way `replay` does, and judges the outcome (see the file's comment). */
export function judgeMetricsFile(file: string): Verdict {
  const builder = new CountingBuilder();
  const format = detectFormat(file, readFileSync(file, 'utf8'));
  try {
    readMetricsFile(file, builder);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    const placed =
      format === 'json'
        ? /^(:\d+:\d+: |( \[\d+\])?: (data\.result\[\d+\]|not a Prometheus|resultType|no resultType|the query failed))/
        : /^:\d+(:\d+)?: /;
    const wholeFile = /^: (no samples|empty;|not valid CSV)/;
    return { kind: 'refused', issues: [], problem: messageProblem(e.message, file, placed, wholeFile) };
  }
  const { series, warnings } = builder.finish(DEFAULT_MAPPING.staleAfterS);
  for (const s of series)
    for (let i = 0; i < s.t.length; i++) {
      if (!Number.isFinite(s.v[i])) return { kind: 'ok', problem: `${s.name} kept the value ${s.v[i]}` };
      if (!(s.t[i] >= DATE_RANGE_S[0] && s.t[i] <= DATE_RANGE_S[1]))
        return { kind: 'ok', problem: `${s.name} kept a sample at ${s.t[i]} s, not a date` };
    }
  if (builder.nonFinite > 0 && !warnings.some((w) => ['nan', 'inf', 'duplicate'].includes(w.kind)))
    return { kind: 'ok', problem: `${builder.nonFinite} NaN or infinite value(s) read without a warning` };
  // What `replay` does next: print the warnings, build the grid, calibrate.
  for (const w of warnings) for (const r of w.ranges) (isoTime(r.fromS), isoTime(r.toS));
  const span = series.length ? Math.max(...series.map((s) => s.t[s.t.length - 1] - s.t[0])) : 0;
  if (span <= 86400) {
    recordedScenario ??= loadScenario(RECORDED);
    const services = recordedScenario.services.map((s) => s.name);
    try {
      const grid = buildGrid(series, warnings, DEFAULT_MAPPING, services, {});
      isoTime(grid.t0);
      calibrate(grid, recordedScenario, DEFAULT_MAPPING);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
    }
  }
  return { kind: 'ok' };
}

/** A scenario naming the fuzzed trace, checked as `validate` does; the trace's problems are placed in it. */
export function judgeTrace(file: string, kind: 'arrivalTrace' | 'trace'): Verdict {
  const scenarioFile = join(dirname(file), 'scenario.yaml');
  const streams =
    kind === 'arrivalTrace'
      ? `streams:\n  - { type: car, arrivalTrace: { file: ${JSON.stringify(file)} } }\n`
      : `streams:\n  - { type: car, kind: file, fps: 5, trace: ${JSON.stringify(file)} }\n`;
  writeFileSync(scenarioFile, readFileSync(RECORDED, 'utf8').replace(/\nstreams:\n(.|\n)*$/, '\n') + streams);
  const r = checkScenarioFile(scenarioFile);
  if (r.ok) return { kind: 'ok' };
  for (const i of r.issues) {
    const p = issueProblem(i, scenarioFile);
    if (p) return { kind: 'refused', issues: r.issues, problem: p };
    const m = i.message;
    const at = m.indexOf(file);
    if (at < 0)
      return { kind: 'refused', issues: r.issues, problem: `the message does not name the trace: ${m}` };
    const problem = messageProblem(
      m.slice(at),
      file,
      /^:\d+(:\d+)?: /,
      /^ holds no (arrival|rows|values)|^: more than \d+ (frames|rows)/,
    );
    if (problem) return { kind: 'refused', issues: r.issues, problem };
  }
  return { kind: 'refused', issues: r.issues };
}

export interface ImportFuzzTarget {
  name: string;
  corpus: () => string[];
  fileName: string;
  judge: (file: string) => Verdict;
}

/** Every importer format, its seeds and its judge. */
export const IMPORT_TARGETS: ImportFuzzTarget[] = [
  {
    name: 'OpenMetrics text',
    corpus: () => [importSeeds().openmetrics],
    fileName: 'recorded.om',
    judge: (f) => judgeMetricsFile(f),
  },
  {
    name: 'Prometheus text',
    corpus: () => [importSeeds().prometheus],
    fileName: 'recorded.prom',
    judge: (f) => judgeMetricsFile(f),
  },
  {
    name: 'query_range JSON',
    corpus: () => importSeeds().json,
    fileName: 'recorded.json',
    judge: (f) => judgeMetricsFile(f),
  },
  {
    name: 'metrics CSV',
    corpus: () => [importSeeds().csv],
    fileName: 'recorded.csv',
    judge: (f) => judgeMetricsFile(f),
  },
  {
    name: 'arrival trace CSV',
    corpus: () => importSeeds().arrivals,
    fileName: 'arrivals.csv',
    judge: (f) => judgeTrace(f, 'arrivalTrace'),
  },
  {
    name: 'count trace CSV',
    corpus: () => [importSeeds().trace],
    fileName: 'trace.csv',
    judge: (f) => judgeTrace(f, 'trace'),
  },
];

/** `cases` fuzz cases of one importer target. */
export function fuzzImporter(
  target: ImportFuzzTarget,
  cases: number,
  seed: string,
  slowMs?: number,
): FuzzStats {
  return fuzz({
    corpus: target.corpus(),
    cases,
    seed,
    fileName: target.fileName,
    dialect: IMPORT_DIALECT,
    slowMs,
    parse: target.judge,
  });
}
