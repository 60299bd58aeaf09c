import type { FrameKpis, RunResult } from '../model/simulate.js';
import type { Scenario } from '../scenario/types.js';
import { fixed, latency, markdownTable, textTable } from './format.js';

const HEADER = [
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

function rows(result: RunResult): string[][] {
  return [...result.services.map((s) => cells(s.service, s)), cells('total', result.total)];
}

/** The summary table for the terminal. */
export function summaryText(result: RunResult): string {
  return textTable(HEADER, rows(result));
}

/** summary.md: what a reviewer pastes into a pull request. */
export function summaryMarkdown(scenario: Scenario, result: RunResult): string {
  const pending = result.services.filter((s) => s.podsPendingAtEnd > 0);
  return [
    `# inferscale run: ${scenario.name.replace(/[<>&]/g, '')}`,
    '',
    scenario.description ? `${scenario.description.replace(/\s+/g, ' ').replace(/[<>&]/g, '').trim()}\n` : '',
    `Seed ${result.seed}, ${result.durationSeconds} s simulated, ${result.stepSeconds} s steps, ${result.events} events.`,
    '',
    markdownTable(HEADER, rows(result)),
    '',
    pending.length
      ? `Pods still Pending at the end (no node had the CPU they request): ${pending
          .map((s) => `${s.service} ${s.podsPendingAtEnd}`)
          .join(', ')}.\n`
      : '',
    'Files: `timeseries.csv` (one row per step and service), `events.csv` (pod lifecycle, scaling, stream',
    'changes), `summary.json` (these figures, unrounded).',
    '',
  ].join('\n');
}
