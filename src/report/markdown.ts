import type { FrameKpis, RunResult } from '../model/simulate.js';
import type { Scenario } from '../scenario/types.js';
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

/** The summary table for the terminal. */
export function summaryText(result: RunResult, replications: Replications | null = null): string {
  const table = textTable(SUMMARY_HEADER, summaryRows(result, replications));
  return replications ? `${seedsNote(replications)}\n\n${table}` : table;
}

/** A chart that summary.md shows as an image: charts/NAME.svg. */
export interface ChartImage {
  name: string;
  title: string;
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
  scenario: Pick<Scenario, 'name' | 'description'> | null,
  charts: ChartImage[],
  replications: Replications | null = null,
): string {
  const pending = result.services.filter((s) => s.podsPendingAtEnd > 0);
  const description = scenario?.description ? plainLine(scenario.description) : '';
  const files = [
    '`timeseries.csv` (one row per step and service)',
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
    seedsNote(replications),
    markdownTable(SUMMARY_HEADER, summaryRows(result, replications)),
    pending.length
      ? `Pods still Pending at the end (no node had the CPU they request): ${pending
          .map((s) => `${s.service} ${s.podsPendingAtEnd}`)
          .join(', ')}.`
      : '',
    ...charts.map((c) => `![${c.title.replace(/[[\]\\]/g, '')}](charts/${c.name}.svg)`),
    `Files: ${files.join(', ')}.`,
  ];
  return `${blocks.filter((b) => b !== '').join('\n\n')}\n`;
}
