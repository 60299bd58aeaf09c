import type { FrameKpis, RunResult } from '../model/simulate.js';
import type { InputFile, Scenario } from '../scenario/types.js';
import { fixed, latency, markdownTable, textTable } from './format.js';
import type { Band, Replications } from './replications.js';

export const SUMMARY_HEADER = [
  'service',
  'max replicas',
  'offered FPS',
  'infer FPS',
  'drop FPS',
  'drop %',
  'p50 latency',
  'p95 latency',
  'p99 latency',
  'mean wait',
  'replica-s',
];

type Bands = Record<string, Band | string>;

/**
 * A table cell: the value, or with several seeds the median and its p5-p95 band, both formatted
 * by `fmt` (the band is left out when it is a single value).
 */
function cell(
  k: FrameKpis,
  bands: Bands | null,
  key: keyof FrameKpis,
  fmt: (x: number | null) => string,
): string {
  const b = bands?.[key];
  if (!bands) return fmt(k[key]);
  if (b === null || b === undefined || typeof b === 'string') return fmt(null);
  const [lo, mid, hi] = [fmt(b.p5), fmt(b.median), fmt(b.p95)];
  return lo === hi ? mid : `${mid} (${lo}–${hi})`;
}

function cells(name: string, k: FrameKpis, bands: Bands | null): string[] {
  return [
    name,
    cell(k, bands, 'maxReplicas', (x) => fixed(x, 0)),
    cell(k, bands, 'offeredFps', (x) => fixed(x, 2)),
    cell(k, bands, 'inferFps', (x) => fixed(x, 2)),
    cell(k, bands, 'dropFps', (x) => fixed(x, 2)),
    cell(k, bands, 'dropRatio', (x) => fixed(x === null ? null : x * 100, 2)),
    cell(k, bands, 'latencyP50Seconds', latency),
    cell(k, bands, 'latencyP95Seconds', latency),
    cell(k, bands, 'latencyP99Seconds', latency),
    cell(k, bands, 'meanQueueWaitSeconds', latency),
    cell(k, bands, 'replicaSeconds', (x) => fixed(x, 0)),
  ];
}

/**
 * The summary table's rows: one per service, then the total. With `replications` (several seeds),
 * each cell is the median over the seeds with the p5-p95 band in brackets.
 */
export function summaryRows(result: RunResult, replications: Replications | null = null): string[][] {
  return [
    ...result.services.map((s, i) => cells(s.service, s, replications ? replications.services[i] : null)),
    cells('total', result.total, replications?.total ?? null),
  ];
}

/** A sentence saying which seeds the figures summarise, or '' for one seed. */
export function seedsNote(replications: Replications | null): string {
  if (!replications) return '';
  const s = replications.seeds;
  return (
    `${s.length} seeds (${s[0]}–${s[s.length - 1]}): each figure is the median over the seeds with its ` +
    `p5–p95 band in brackets; the CSV files, events and decision marks are seed ${s[0]}'s.`
  );
}

/** For a fluid-engine run: what its figures are (empty for the exact engine). */
export function engineNote(result: Pick<RunResult, 'engine'>): string {
  if (!result.engine) return '';
  return (
    `Fluid engine (tick ${result.engine.tickSeconds} s): frames were counted per tick, not simulated one ` +
    'by one, so these figures are within the error the README states (section "The fluid engine") ' +
    "of the exact engine's, not the exact figures."
  );
}

export const SCALING_HEADER = ['service', 'load steps', 'max recovery', 'held by stabilization'];

/** Seconds as the scaling table writes them: 35 s, 1.5 s. */
function seconds(x: number): string {
  return `${Number(x.toFixed(2))} s`;
}

/** The longest recovery, or how many load steps never recovered. */
function recoveryCell(steps: number, unrecovered: number, max: number | null): string {
  if (steps === 0) return '-';
  if (unrecovered > 0) return `not recovered (${unrecovered} of ${steps})`;
  return max === null ? '-' : seconds(max);
}

/**
 * The scaling table's rows (recovery after load steps, replica-seconds held by scale-down
 * stabilization): one per service, then the total; null for a summary.json older than these figures.
 */
export function scalingRows(result: RunResult): string[][] | null {
  const all = result.services;
  const known = (v: unknown) => v !== undefined;
  if (
    !known(result.recoveryMaxDropPercent) ||
    !known(result.total.replicaSecondsHeldByStabilization) ||
    !all.every((s) => known(s.loadSteps) && known(s.replicaSecondsHeldByStabilization))
  )
    return null;
  const held = (k: FrameKpis) => `${fixed(k.replicaSecondsHeldByStabilization, 0)} replica-s`;
  const steps = all.reduce((a, s) => a + s.loadSteps.length, 0);
  const unrecovered = all.reduce((a, s) => a + s.unrecoveredLoadSteps, 0);
  const max = all.reduce<number | null>(
    (a, s) => (s.maxRecoverySeconds === null ? a : Math.max(a ?? 0, s.maxRecoverySeconds)),
    null,
  );
  return [
    ...all.map((s) => [
      s.service,
      String(s.loadSteps.length),
      recoveryCell(s.loadSteps.length, s.unrecoveredLoadSteps, s.maxRecoverySeconds),
      held(s),
    ]),
    ['total', String(steps), recoveryCell(steps, unrecovered, max), held(result.total)],
  ];
}

/** What the scaling table's recovery column measures. */
export function scalingNote(result: RunResult): string {
  const limit = result.recoveryMaxDropPercent;
  return (
    `Max recovery: the longest time from a rise of the scheduled load (a step, a ramp's start, streams ` +
    `starting) until the drop stayed at or below ${limit}% of offered frames up to the next rise or the end. ` +
    `Held by stabilization: replica-seconds that only the HPA's scale-down stabilization window kept.`
  );
}

/** The summary table for the terminal. */
export function summaryText(result: RunResult, replications: Replications | null = null): string {
  const table = textTable(SUMMARY_HEADER, summaryRows(result, replications));
  return [engineNote(result), seedsNote(replications), table].filter((b) => b !== '').join('\n\n');
}

/** A chart that summary.md shows as an image: charts/NAME.svg. */
export interface ChartImage {
  name: string;
  title: string;
}

function scalingBlock(result: RunResult): string {
  const rows = scalingRows(result);
  return rows ? `${markdownTable(SCALING_HEADER, rows)}\n\n${scalingNote(result)}` : '';
}

export const INPUT_FILES_HEADER = ['field', 'file', 'bytes', 'sha256'];
export const INPUT_NUMERIC = [false, false, true, false];

/** The files a run read (scenario.json's inputFiles), one row each; none for an older scenario.json. */
export function inputFileRows(files: readonly InputFile[] | undefined): string[][] {
  return (files ?? []).map((f) => [f.field, f.file, String(f.bytes), f.sha256]);
}

/** The files read as a Markdown table, each path in code type (summary.md of simulate and replay). */
export function inputFilesTable(files: readonly InputFile[]): string {
  return markdownTable(
    INPUT_FILES_HEADER,
    inputFileRows(files).map((r) => r.map((c, i) => (i === 1 ? `\`${plainLine(c).replace(/`/g, '')}\`` : c))),
    INPUT_NUMERIC,
  );
}

/** Keeps scenario text from opening HTML or Markdown structure in a Markdown viewer. */
function plainLine(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/[<>&]/g, '').trim();
}

/**
 * summary.md: what a reviewer pastes into a pull request. `scenario` is the scenario as run (null
 * for a run folder without scenario.json); `charts` are embedded as images below the table.
 */
export function summaryMarkdown(
  result: RunResult,
  scenario: (Pick<Scenario, 'name' | 'description'> & { inputFiles?: InputFile[] }) | null,
  charts: ChartImage[],
  replications: Replications | null = null,
): string {
  const pending = result.services.filter((s) => s.podsPendingAtEnd > 0);
  const description = scenario?.description ? plainLine(scenario.description) : '';
  const files = [
    '`timeseries.csv` (one row per step and service)',
    '`nodes.csv` (one row per step and node pool: CPU requested and used)',
    '`events.csv` (pod lifecycle, scaling, stream changes)',
    '`summary.json` (these figures and more, to 6 decimals)',
    '`scenario.json` (the scenario as run, defaults filled in)',
    ...(replications ? ['`bands.csv` (per chart point: the median, p5 and p95 over the seeds)'] : []),
    ...(charts.length
      ? [
          '`charts/` (each chart as SVG and as a Vega-Lite spec)',
          '`index.html` (this report with interactive charts, the scenario and the events, for a browser)',
        ]
      : []),
  ];
  const blocks = [
    `# inferscale run: ${plainLine(scenario?.name ?? result.scenario)}`,
    description,
    `Seed ${result.seed}, ${result.durationSeconds} s simulated, ${result.stepSeconds} s steps, ${result.events} events.` +
      (result.nodeHours !== undefined
        ? ` ${fixed(result.nodeHours, 2)} node-hours${result.cost > 0 ? `, cost ${fixed(result.cost, 2)}` : ' (no pool sets pricePerHour)'}.`
        : ''),
    engineNote(result),
    seedsNote(replications),
    markdownTable(SUMMARY_HEADER, summaryRows(result, replications)),
    scalingBlock(result),
    pending.length
      ? `Pods still Pending at the end (no node had the CPU they request): ${pending
          .map((s) => `${s.service} ${s.podsPendingAtEnd}`)
          .join(', ')}.`
      : '',
    ...charts.map((c) => `![${c.title.replace(/[[\]\\]/g, '')}](charts/${c.name}.svg)`),
    `Files: ${files.join(', ')}.`,
    scenario?.inputFiles?.length
      ? `Files read to make the scenario (paths as the scenario gives them):\n\n${inputFilesTable(scenario.inputFiles)}`
      : '',
  ];
  return `${blocks.filter((b) => b !== '').join('\n\n')}\n`;
}
