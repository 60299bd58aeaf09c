import type { FrameKpis, RunResult } from '../model/simulate.js';
import type { Scenario } from '../scenario/types.js';
import { fixed, latency, markdownTable, textTable } from './format.js';

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

function cells(name: string, k: FrameKpis): string[] {
  return [
    name,
    String(k.maxReplicas),
    fixed(k.offeredFps, 2),
    fixed(k.inferFps, 2),
    fixed(k.dropFps, 2),
    fixed(k.dropRatio * 100, 2),
    latency(k.latencyP50Seconds),
    latency(k.latencyP95Seconds),
    latency(k.latencyP99Seconds),
    latency(k.meanQueueWaitSeconds),
    fixed(k.replicaSeconds, 0),
  ];
}

/** The summary table's rows: one per service, then the total. */
export function summaryRows(result: RunResult): string[][] {
  return [...result.services.map((s) => cells(s.service, s)), cells('total', result.total)];
}

/** The summary table for the terminal. */
export function summaryText(result: RunResult): string {
  return textTable(SUMMARY_HEADER, summaryRows(result));
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
): string {
  const pending = result.services.filter((s) => s.podsPendingAtEnd > 0);
  const description = scenario?.description ? plainLine(scenario.description) : '';
  const files = [
    '`timeseries.csv` (one row per step and service)',
    '`nodes.csv` (one row per step and node pool: CPU requested and used)',
    '`events.csv` (pod lifecycle, scaling, stream changes)',
    '`summary.json` (these figures and more, to 6 decimals)',
    '`scenario.json` (the scenario as run, defaults filled in)',
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
    markdownTable(SUMMARY_HEADER, summaryRows(result)),
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
