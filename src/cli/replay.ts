/**
 * `inferscale replay SCENARIO --metrics FILE...|URL [--mapping M] [--from T --to T] [--step D]
 *  [--policy SPACE] [--follow]`:
 *
 *   recorded series (files, or a Prometheus over HTTP) -> cleaned, warnings with their ranges
 *   -> the replay grid per service (mapping) -> calibration (replica FPS, start delay, offered load)
 *   -> replay/<name>/calibrated.yaml (+ offered-<service>.csv) -> fidelity: the calibrated scenario
 *      simulated with the recorded policy against the recording (CSV, JSON, charts, summary.md),
 *      all written atomically
 *   -> --policy SPACE: `tune` over the calibrated scenario (the recorded load) into
 *      replay/<name>/dry-run/, the best as best-hpa.yaml
 *   -> --follow: every --interval, the last --window again, and what the candidate policy would
 *      do now beside what the cluster did (a shadow autoscaler)
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { ConfigError, DataError } from '../errors.js';
import { simulate } from '../model/simulate.js';
import { startSvgWorker, type SvgRenderer } from '../report/svg.js';
import { specJson } from '../report/render.js';
import { markdownTable } from '../report/format.js';
import { parseDurationUs } from '../scenario/duration.js';
import { loadScenario, checkScenarioFile } from '../scenario/load.js';
import { readScenarioFile } from '../scenario/source.js';
import { writeFiles } from '../report/write.js';
import type { InputFile, Scenario } from '../scenario/types.js';
import type { Json } from '../tune/hpa-manifest.js';
import { calibrate, calibratedScenario, type Calibration, type Fit } from '../replay/calibrate.js';
import { fidelityChart } from '../replay/charts.js';
import { filesReadMarkdown } from '../replay/files-read.js';
import { fidelity, fidelityCsv, MEASURES, type Fidelity } from '../replay/fidelity.js';
import { readMetricsFile } from '../replay/import.js';
import { DEFAULT_MAPPING, readMapping, type Mapping } from '../replay/mapping.js';
import { PrometheusClient } from '../replay/prometheus.js';
import { buildGrid, type RecordingGrid } from '../replay/recording.js';
import { SeriesBuilder, type ReplayWarning } from '../replay/series.js';
import { isoTime, parseTime } from '../replay/time.js';
import { checkOutputPath, writeAtomically } from './atomic.js';
import { onInterrupt } from './interrupt.js';
import { EXIT_OK } from './errors.js';

export interface ReplayArgs {
  file: string;
  metrics: string[];
  mapping?: string;
  from?: string;
  to?: string;
  step?: string;
  policy?: string;
  workers?: number;
  out?: string;
  name?: string;
  follow?: boolean;
  interval?: string;
  window?: string;
  polls?: number;
  candidate?: string;
  tokenFile?: string;
  timeout?: string;
  retries?: number;
  json?: boolean;
  quiet?: boolean;
}

function optionIssue(field: string, message: string): ConfigError {
  return new ConfigError([{ file: '(command line)', line: 1, col: 1, field, message }]);
}

function seconds(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    const us = parseDurationUs(/^[0-9.]+$/.test(text) ? Number(text) : text);
    if (us > 0) return us / 1e6;
  } catch {
    /* below */
  }
  throw optionIssue(field, `${JSON.stringify(text)} is not a positive duration (like 15s, 1m)`);
}

function time(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = parseTime(text);
  if (t === null) throw optionIssue(field, `${JSON.stringify(text)} is not Unix seconds or an RFC 3339 time`);
  return t;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** The bearer token: --token-file, else INFERSCALE_PROMETHEUS_TOKEN; never printed. */
function readToken(file: string | undefined): string | null {
  if (file !== undefined) {
    try {
      const t = readFileSync(file, 'utf8').trim();
      if (t === '') throw new DataError(`--token-file ${file}: empty`);
      return t;
    } catch (e) {
      if (e instanceof DataError) throw e;
      throw new DataError(
        `--token-file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  return process.env.INFERSCALE_PROMETHEUS_TOKEN || null;
}

interface Loaded {
  scenario: Scenario;
  value: Json;
  mapping: Mapping;
}

function loadInputs(args: ReplayArgs): Loaded {
  const scenario = loadScenario(args.file);
  const read = readScenarioFile(args.file);
  if (!read.ok) throw new ConfigError(read.issues);
  const names = scenario.services.map((s) => s.name);
  const mapping = args.mapping ? readMapping(args.mapping, names) : DEFAULT_MAPPING;
  return { scenario, value: read.value as Json, mapping };
}

/** The PromQL for one metric: its samples no older than staleAfter (backfilled data has no staleness markers). */
export function freshQuery(name: string, mapping: Mapping): string {
  const sel = mapping.namespace === null ? name : `${name}{namespace=${JSON.stringify(mapping.namespace)}}`;
  return `${sel} and (time() - timestamp(${sel}) <= ${mapping.staleAfterS})`;
}

async function fetchLive(
  url: string,
  mapping: Mapping,
  fromS: number,
  toS: number,
  stepS: number,
  args: ReplayArgs,
  into: SeriesBuilder,
): Promise<void> {
  const client = new PrometheusClient(url, {
    token: readToken(args.tokenFile),
    timeoutS: seconds('--timeout', args.timeout) ?? 30,
    retries: args.retries ?? 3,
    onRetry: args.quiet ? undefined : (m) => process.stderr.write(`${m}\n`),
  });
  const names = [
    mapping.metrics.inferFps,
    mapping.metrics.dropFps,
    mapping.metrics.replicas,
    mapping.metrics.cpu,
  ];
  if (mapping.offered.from === 'streams') names.push(mapping.offered.streams);
  for (const n of names) await client.queryRange(freshQuery(n, mapping), fromS, toS, stepS, into);
}

async function record(
  args: ReplayArgs,
  mapping: Mapping,
  window: { fromS?: number; toS?: number; stepS?: number; holdS?: number },
): Promise<{
  series: ReturnType<SeriesBuilder['finish']>['series'];
  warnings: ReplayWarning[];
  window: typeof window;
  /** The metrics files read (none in live mode). */
  files: InputFile[];
  /** The Prometheus queried (live mode), as given: shown only through shownUrl. */
  url: string | null;
}> {
  const builder = new SeriesBuilder();
  const files: InputFile[] = [];
  let url: string | null = null;
  if (args.metrics.length === 0)
    throw optionIssue('--metrics', 'give recorded metrics files or a Prometheus URL');
  if (args.metrics.some(isUrl)) {
    if (args.metrics.length > 1) throw optionIssue('--metrics', 'give one Prometheus URL, or files only');
    const toS = window.toS ?? Date.now() / 1000;
    const stepS = window.stepS ?? 15;
    const fromS = window.fromS ?? toS - 3600;
    if (!(toS > fromS)) throw optionIssue('--to', 'must be after --from');
    url = args.metrics[0];
    await fetchLive(url, mapping, fromS, toS, stepS, args, builder);
    window = { fromS, toS, stepS, holdS: stepS / 2 };
  } else
    for (const f of args.metrics)
      files.push({ field: '--metrics', file: f, ...readMetricsFile(f, builder).input });
  const { series, warnings } = builder.finish(mapping.staleAfterS);
  return { series, warnings, window, files, url };
}

function warningText(w: ReplayWarning): string {
  const ranges = w.ranges
    .slice(0, 5)
    .map((r) => (r.fromS === r.toS ? isoTime(r.fromS) : `${isoTime(r.fromS)}..${isoTime(r.toS)}`))
    .join(', ');
  return `warning: ${w.series}: ${w.message} at ${ranges}${w.ranges.length > 5 ? ` and ${w.ranges.length - 5} more range(s)` : ''}`;
}

function fitText(f: Fit, unit: string): string {
  if (f.value === null) return `not fitted (${f.note})`;
  return `${Number(f.value.toFixed(4))}${unit} (fit error ${f.error === null ? '-' : `${(100 * f.error).toFixed(2)}%`}, ${f.samples} samples)`;
}

function pct(x: number | null): string {
  return x === null ? '-' : `${x.toFixed(2)}%`;
}

function summaryMarkdown(
  name: string,
  cal: Calibration,
  fid: Fidelity,
  warnings: ReplayWarning[],
  filesRead: string,
): string {
  const lines = [
    `# Replay ${name}`,
    '',
    `Recorded from ${isoTime(cal.t0)} for ${cal.steps * cal.stepS} s in steps of ${cal.stepS} s.`,
    '',
    '## Calibration',
    '',
    markdownTable(
      [
        'service',
        'replica FPS',
        'start delay',
        'offered load (mean FPS)',
        'replicas at start',
        'scale events',
      ],
      cal.services.map((c) => [
        c.service,
        fitText(c.replicaFps, ''),
        fitText(c.startDelaySeconds, ' s'),
        fitText(c.offeredLoad, ''),
        String(c.initialReplicas),
        String(c.scaleEvents.length),
      ]),
    ),
    '',
    '## Fidelity: simulated against recorded',
    '',
    markdownTable(
      [
        'service',
        'replicas equal',
        'replicas max error',
        'infer FPS MAPE',
        'infer FPS max error',
        'drop FPS MAPE',
        'drop FPS max error',
      ],
      fid.services.map((s) => [
        s.service,
        s.measures.replicas.equalShare === null
          ? '-'
          : `${(100 * s.measures.replicas.equalShare).toFixed(1)}%`,
        String(s.measures.replicas.maxAbsError),
        pct(s.measures.infer_fps.mapePercent),
        s.measures.infer_fps.maxAbsError.toFixed(3),
        pct(s.measures.drop_fps.mapePercent),
        s.measures.drop_fps.maxAbsError.toFixed(3),
      ]),
    ),
    '',
    ...MEASURES.map((m) => `![${m}](charts/${m.replace('_', '-')}.svg)`),
    '',
  ];
  if (warnings.length > 0) {
    lines.push('## Warnings', '');
    for (const w of warnings) lines.push(`- ${warningText(w).replace(/^warning: /, '')}`);
    lines.push('');
  }
  lines.push(filesRead);
  return `${lines.join('\n')}`;
}

function round(v: unknown): unknown {
  if (typeof v === 'number') return Number(v.toFixed(6));
  if (Array.isArray(v)) return v.map(round);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]));
  return v;
}

interface ReplayOutcome {
  outDir: string;
  cal: Calibration;
  fid: Fidelity;
  grid: RecordingGrid;
}

/** One replay: record, calibrate, write the folder with the fidelity report. */
async function replayOnce(
  args: ReplayArgs,
  loaded: Loaded,
  outDir: string,
  name: string,
): Promise<ReplayOutcome> {
  const window = {
    fromS: time('--from', args.from),
    toS: time('--to', args.to),
    stepS: seconds('--step', args.step),
  };
  if (window.fromS !== undefined && window.toS !== undefined && !(window.toS > window.fromS))
    throw optionIssue('--to', 'must be after --from');
  // The chart renderer loads vega on another thread while this one imports and simulates.
  const renderer = startSvgWorker();
  try {
    return await replayWith(args, loaded, outDir, name, window, renderer);
  } finally {
    await renderer.close();
  }
}

async function replayWith(
  args: ReplayArgs,
  loaded: Loaded,
  outDir: string,
  name: string,
  window: { fromS?: number; toS?: number; stepS?: number },
  renderer: SvgRenderer,
): Promise<ReplayOutcome> {
  const rec = await record(args, loaded.mapping, window);
  const names = loaded.scenario.services.map((s) => s.name);
  const grid = buildGrid(rec.series, rec.warnings, loaded.mapping, names, rec.window);
  const cal = calibrate(grid, loaded.scenario, loaded.mapping);
  const made = calibratedScenario(
    cal,
    loaded.scenario,
    loaded.value,
    args.file,
    loaded.mapping,
    outDir,
    name,
  );
  // The calibrated scenario is checked as a file at its final place would be (its paths are relative to outDir).
  const calibrated = checkCalibrated(made.yaml, made.files, outDir);
  const fid = fidelity(calibrated, grid);
  const charts = await Promise.all(
    MEASURES.map(async (m) => {
      const c = fidelityChart(fid, m, grid.stepS);
      const { svg } = await renderer.render(c.spec, `replay-${c.name}`);
      return [
        { path: `charts/${c.name}.vl.json`, content: specJson(c.spec) },
        { path: `charts/${c.name}.svg`, content: svg },
      ];
    }),
  );
  const calibrationJson = {
    scenario: loaded.scenario.name,
    mapping: loaded.mapping.file,
    from: isoTime(cal.t0),
    stepSeconds: cal.stepS,
    steps: cal.steps,
    services: cal.services.map(({ streamCounts: _c, ...c }) => c),
    warnings: grid.warnings,
  };
  writeAtomically(outDir, [
    { path: 'calibrated.yaml', content: made.yaml },
    ...made.files,
    { path: 'calibration.json', content: `${JSON.stringify(round(calibrationJson), null, 2)}\n` },
    { path: 'fidelity.csv', content: fidelityCsv(fid) },
    { path: 'fidelity.json', content: `${JSON.stringify(round({ services: fid.services }), null, 2)}\n` },
    ...charts.flat(),
    {
      path: 'summary.md',
      content: summaryMarkdown(
        name,
        cal,
        fid,
        grid.warnings,
        filesReadMarkdown([...loaded.scenario.inputFiles, ...loaded.mapping.inputs, ...rec.files], rec.url),
      ),
    },
  ]);
  return { outDir, cal, fid, grid };
}

/**
 * The calibrated scenario resolved as it will be read from outDir: staged, with its data files, in a
 * sibling folder (so its relative paths resolve the same), checked, and the staging removed.
 */
function checkCalibrated(yaml: string, files: { path: string; content: string }[], outDir: string): Scenario {
  const staging = `${outDir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    writeFiles(staging, [{ path: 'calibrated.yaml', content: yaml }, ...files]);
    const r = checkScenarioFile(join(staging, 'calibrated.yaml'));
    if (!r.ok)
      throw new DataError(
        `the calibrated scenario is not valid (a recording it cannot express, or a bug):\n${r.issues.map((i) => `  ${i.field}: ${i.message}`).join('\n')}`,
      );
    return r.scenario;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function report(o: ReplayOutcome, warnings: ReplayWarning[], quiet: boolean): void {
  for (const w of warnings) process.stderr.write(`${warningText(w)}\n`);
  if (quiet) return;
  const lines = [`replay: ${o.cal.steps} steps of ${o.cal.stepS} s from ${isoTime(o.cal.t0)}`];
  for (const c of o.cal.services) {
    const f = o.fid.services.find((s) => s.service === c.service)!.measures;
    lines.push(
      `  ${c.service}: replica FPS ${fitText(c.replicaFps, '')}, start delay ${fitText(c.startDelaySeconds, ' s')}`,
      `    fidelity: replicas equal ${f.replicas.equalShare === null ? '-' : `${(100 * f.replicas.equalShare).toFixed(1)}%`} of steps (max error ${f.replicas.maxAbsError}); infer FPS MAPE ${pct(f.infer_fps.mapePercent)} (max error ${f.infer_fps.maxAbsError.toFixed(3)}); drop FPS MAPE ${pct(f.drop_fps.mapePercent)} (max error ${f.drop_fps.maxAbsError.toFixed(3)})`,
    );
  }
  lines.push(`calibrated scenario: ${join(o.outDir, 'calibrated.yaml')}`, `report: ${o.outDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function runReplay(args: ReplayArgs): Promise<number> {
  const loaded = loadInputs(args);
  const name = args.name ?? loaded.scenario.name;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    throw optionIssue('--name', `${JSON.stringify(name)} is not a folder name`);
  const outDir = resolve(args.out ?? join('replay', name));
  checkOutputPath(outDir, 'folder', '--out');
  if (args.policy !== undefined && args.follow)
    throw optionIssue('--follow', 'runs alone: give --policy without --follow');
  if (args.follow) return follow(args, loaded, outDir, name);
  // Ctrl-C while fetching or simulating: the folder is written in one atomic step at the end, so
  // before that step nothing of this run exists and the previous folder (if any) is as it was.
  const had = existsSync(outDir);
  const stopListening = onInterrupt(
    () =>
      `nothing was written; ${had ? `the previous replay in ${outDir} is unchanged` : `${outDir} was not made`}`,
  );
  let o: ReplayOutcome;
  try {
    o = await replayOnce(args, loaded, outDir, name);
  } finally {
    stopListening();
  }
  if (args.json) process.stdout.write(`${readFileSync(join(outDir, 'fidelity.json'), 'utf8')}`);
  else report(o, o.grid.warnings, args.quiet ?? false);
  if (o.grid.warnings.length > 0 && args.json)
    for (const w of o.grid.warnings) process.stderr.write(`${warningText(w)}\n`);
  if (args.policy === undefined) return EXIT_OK;
  // The dry run: tune over the recorded workload, reusing `inferscale tune` as it is.
  const { runTune } = await import('./tune.js');
  if (!args.quiet) process.stdout.write(`\ndry run: tune over the recorded load (${args.policy})\n`);
  return runTune({
    file: join(outDir, 'calibrated.yaml'),
    space: args.policy,
    workers: args.workers,
    out: join(outDir, 'dry-run'),
    restart: true,
    quiet: args.quiet,
  });
}

/**
 * Shadow mode: every interval, the last `window` of the live recording is replayed with the
 * candidate HPA (--candidate, an HPA manifest like best-hpa.yaml; default the scenario's own), and
 * its replica count at the end is printed beside the one the cluster has.
 */
async function follow(args: ReplayArgs, loaded: Loaded, outDir: string, name: string): Promise<number> {
  if (!args.metrics.some(isUrl))
    throw optionIssue('--follow', 'needs --metrics http://HOST:9090 (a live Prometheus)');
  const intervalS = seconds('--interval', args.interval) ?? 30;
  const windowS = seconds('--window', args.window) ?? 600;
  const candidate = args.candidate ? readCandidate(args.candidate, loaded.scenario) : null;
  const polls = args.polls ?? Infinity;
  let stop = false;
  const onSignal = () => (stop = true);
  process.once('SIGINT', onSignal);
  try {
    for (let n = 0; n < polls && !stop; n++) {
      if (n > 0 && args.to === undefined) await new Promise((r) => setTimeout(r, intervalS * 1000));
      // With --to, polls walk recorded history from there as if it were now (a shadow run over the past).
      const toS = args.to !== undefined ? time('--to', args.to)! + n * intervalS : Date.now() / 1000;
      const o = await replayOnce(
        { ...args, from: String(toS - windowS), to: String(toS), quiet: true },
        loaded,
        outDir,
        name,
      );
      const shadow = shadowReplicas(join(outDir, 'calibrated.yaml'), candidate);
      const lines = [`${isoTime(o.cal.t0 + o.cal.steps * o.cal.stepS)}`];
      for (const g of o.grid.services) {
        const real = g.replicas[o.grid.steps];
        lines.push(
          `  ${g.service}: cluster ${real ?? '-'} replicas; candidate policy ${shadow.get(g.service) ?? '-'}${
            o.grid.warnings.length ? ` (${o.grid.warnings.length} warnings)` : ''
          }`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  return EXIT_OK;
}

/** service -> HPA manifest object (from a best-hpa.yaml or any HPA file). */
function readCandidate(file: string, scenario: Scenario): Map<string, Json> {
  let docs: Json[];
  try {
    docs = readFileSync(file, 'utf8')
      .split(/^---\s*$/m)
      .filter((d) => d.trim() !== '')
      .map((d) => parseYaml(d) as Json);
  } catch (e) {
    throw new DataError(`--candidate ${file}: ${(e as Error).message}`);
  }
  const out = new Map<string, Json>();
  for (const d of docs) {
    const meta = (d.metadata ?? {}) as Json;
    const ann = (meta.annotations ?? {}) as Record<string, string>;
    const target = ((d.spec as Json | undefined)?.scaleTargetRef as Json | undefined)?.name;
    const svc =
      ann['inferscale.io/service'] ??
      scenario.services.find(
        (s) => target === `ei-infer-${s.name}-app` || target === `ei-infer-${s.name}` || target === s.name,
      )?.name;
    if (d.kind !== 'HorizontalPodAutoscaler' || svc === undefined)
      throw new DataError(
        `--candidate ${file}: every document must be an HPA of one of the scenario's services`,
      );
    out.set(svc, d);
  }
  return out;
}

/** The candidate's replicas at the end of the calibrated window (scaleEvents replaced by the candidate HPA). */
function shadowReplicas(calibratedFile: string, candidate: Map<string, Json> | null): Map<string, number> {
  const read = readScenarioFile(calibratedFile);
  if (!read.ok) throw new ConfigError(read.issues);
  const spec = read.value as Json;
  const services = spec.services as Record<string, Json>;
  if (candidate)
    for (const [svc, hpa] of candidate) {
      if (!services[svc]) continue;
      for (const k of ['scaleEvents', 'hpa', 'autoscale']) delete services[svc][k];
      services[svc].hpa = hpa;
    }
  const tmp = `${calibratedFile}.shadow-${process.pid}.yaml`;
  writeFileSync(tmp, stringify(spec));
  try {
    const scenario = loadScenario(tmp);
    const last = new Map<string, number>();
    simulate(scenario, {
      checkInvariants: false,
      sink: { row: (r) => last.set(r.service, r.desiredReplicas) },
    });
    return last;
  } finally {
    rmSync(tmp, { force: true });
  }
}
