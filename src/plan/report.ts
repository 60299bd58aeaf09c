/**
 * A plan's files, in memory (the CLI writes them atomically):
 *
 *   plan.json     everything planScenario found (numbers rounded to 6 decimals)
 *   plan.csv      one row per candidate (pool x precision) and service
 *   plan.md       the answer first (cheapest feasible plan), then the comparison of CPU types and
 *                 precisions, each service's analytic and simulated replica counts, the CPU catalog
 *                 figures used and their sources
 *   charts/cost.{vl.json,svg}         cost per month per candidate, by precision
 *   charts/replicas.{vl.json,svg}     replicas per service and candidate, analytic and simulated
 *   index.html    the same as plan.md for a browser, charts inline as SVG (no script at all)
 *   manifests/, scenario.yaml (manifests.ts) for the chosen plan
 */
import { stringify } from 'csv-stringify/sync';
import { escapeHtml } from '../report/html.js';
import { fixed, markdownTable, roundDeep } from '../report/format.js';
import type { VlSpec } from '../report/charts.js';
import type { Plan, PoolPlan } from './plan.js';

export interface PlanFile {
  path: string;
  content: string;
}

export const PLAN_COLUMNS = [
  'pool',
  'cpu_type',
  'precision',
  'service',
  'peak_fps',
  'arrivals',
  'service_time_s',
  'replica_fps',
  'cpu_per_pod',
  'analytic_replicas',
  'analytic_formula',
  'analytic_exact',
  'analytic_drop_pct',
  'analytic_p95_s',
  'simulated_replicas',
  'simulated_drop_pct',
  'simulated_p95_s',
  'fewer_drop_pct',
  'fewer_p95_s',
  'analytic_error',
  'hpa_min',
  'hpa_max',
  'hpa_target_cpu_pct',
  'candidate_nodes',
  'candidate_cost_per_month',
  'candidate_feasible',
] as const;

const r6 = (x: number | null | undefined) => (x === null || x === undefined ? '' : Number(x.toFixed(6)));

export function planCsv(plan: Plan): string {
  const rows = plan.candidates.flatMap((c) =>
    c.services.map((s) => [
      c.pool,
      c.cpuType,
      c.precision,
      s.service,
      r6(s.peakFps),
      s.arrivals,
      r6(s.serviceTimeSeconds),
      r6(s.replicaFps),
      r6(s.cpuPerPod),
      s.analytic.replicas ?? '',
      s.analytic.formula ?? '',
      s.analytic.exact,
      r6(s.analytic.dropPercent),
      r6(s.analytic.p95LatencySeconds),
      s.simulated?.replicas ?? '',
      r6(s.simulated?.dropPercent),
      r6(s.simulated?.p95LatencySeconds),
      r6(s.simulated?.fewer?.dropPercent),
      r6(s.simulated?.fewer?.p95LatencySeconds),
      s.analyticError ?? '',
      s.hpa?.minReplicas ?? '',
      s.hpa?.maxReplicas ?? '',
      s.hpa?.targetCpuUtilization ?? '',
      c.nodes ?? '',
      r6(c.costPerMonth),
      c.feasible,
    ]),
  );
  return stringify([PLAN_COLUMNS as unknown as string[], ...rows]);
}

const label = (c: PoolPlan) => `${c.pool} ${c.precision}`;
const totalReplicas = (c: PoolPlan) =>
  c.services.every((s) => s.replicas !== null) ? c.services.reduce((n, s) => n + s.replicas!, 0) : null;

function sloText(plan: Plan): string {
  const parts: string[] = [];
  if (plan.slo.maxDropPercent !== null) parts.push(`drops ≤ ${plan.slo.maxDropPercent}%`);
  if (plan.slo.maxP95LatencySeconds !== null) parts.push(`p95 latency ≤ ${plan.slo.maxP95LatencySeconds} s`);
  return parts.join(' and ');
}

function answer(plan: Plan): string {
  if (plan.best === null) {
    const lines = plan.candidates.map((c) => `- ${label(c)}: ${c.problems.join('; ')}`);
    return `**No candidate meets the SLO.**\n\n${lines.join('\n')}`;
  }
  const b = plan.candidates[plan.best];
  return (
    `**Cheapest plan: ${b.nodes} × ${b.pool} (${b.cpuType}: ${b.cpuDescription}) at ${b.precision}, ` +
    `${totalReplicas(b)} replicas, ${fixed(b.costPerMonth, 0)} per month** ` +
    `(${b.pricePerHour} per node-hour × 730 h).`
  );
}

function comparisonRows(plan: Plan): string[][] {
  return plan.candidates.map((c, i) => [
    `${i === plan.best ? '→ ' : ''}${c.pool}`,
    c.cpuType,
    c.isa.join(', '),
    c.precision,
    String(totalReplicas(c) ?? '-'),
    String(c.nodes ?? '-'),
    c.costPerMonth === null ? '-' : fixed(c.costPerMonth, 0),
    c.feasible ? 'yes' : `no: ${c.problems.join('; ')}`,
  ]);
}
const COMPARISON_HEADER = [
  'pool',
  'CPU type',
  'ISA',
  'precision',
  'replicas',
  'nodes',
  'cost / month',
  'feasible',
];

const SERVICE_HEADER = [
  'service',
  'peak FPS',
  'frame time',
  'replica FPS',
  'analytic',
  'formula',
  'simulated',
  'drop % at plan',
  'p95 at plan',
  'one fewer: drop %, p95',
  'HPA min-max @ CPU %',
];

function serviceRows(c: PoolPlan): string[][] {
  return c.services.map((s) => [
    s.service,
    fixed(s.peakFps, 1),
    `${fixed(s.serviceTimeSeconds * 1000, 1)} ms`,
    fixed(s.replicaFps, 2),
    String(s.analytic.replicas ?? 'infeasible'),
    `${s.analytic.formula ?? '-'}${s.analytic.exact ? ' (exact)' : ''}`,
    s.simulated ? String(s.simulated.replicas ?? 'infeasible') : '-',
    fixed(s.simulated?.dropPercent ?? s.analytic.dropPercent, 3),
    s.simulated?.p95LatencySeconds != null
      ? `${fixed(s.simulated.p95LatencySeconds, 3)} s`
      : s.analytic.p95LatencySeconds !== null
        ? `${fixed(s.analytic.p95LatencySeconds, 3)} s`
        : '-',
    s.simulated?.fewer
      ? `${fixed(s.simulated.fewer.dropPercent, 2)}, ${s.simulated.fewer.p95LatencySeconds === null ? '-' : `${fixed(s.simulated.fewer.p95LatencySeconds, 3)} s`}`
      : '-',
    s.hpa ? `${s.hpa.minReplicas}-${s.hpa.maxReplicas} @ ${s.hpa.targetCpuUtilization}%` : '-',
  ]);
}

function offText(plan: Plan): string {
  const off = plan.candidates.flatMap((c) =>
    c.services
      .filter((s) => s.analyticError !== null && s.analyticError !== 0)
      .map((s) => `${label(c)} ${s.service}: ${s.analyticError! > 0 ? '+' : ''}${s.analyticError}`),
  );
  const compared = plan.candidates.reduce(
    (n, c) => n + c.services.filter((s) => s.analyticError !== null).length,
    0,
  );
  if (!plan.confirmed) return 'Not simulated (`--no-confirm`): the replica counts are the analytic guesses.';
  return off.length === 0
    ? `The analytic guess equalled the simulated minimum in all ${compared} cases.`
    : `The simulated minimum differed from the analytic guess in ${off.length} of ${compared} cases (simulated − analytic): ${off.join(', ')}.`;
}

function catalogRows(plan: Plan): string[][] {
  const seen = new Set<string>();
  const rows: string[][] = [];
  for (const c of plan.candidates) {
    if (seen.has(c.cpuType)) continue;
    seen.add(c.cpuType);
    rows.push([c.cpuType, c.cpuDescription, c.isa.join(', '), c.cpuSource]);
  }
  return rows;
}

function intro(plan: Plan): string[] {
  return [
    `SLO: ${sloText(plan)} per service at the peak load. ` +
      (plan.confirmed
        ? `Each replica count was simulated for ${plan.confirmSeconds} s at peak on seeds ${plan.seeds.join(', ')}; the SLO must hold on every seed.`
        : 'Analytic figures only.'),
    `Peak load: ${plan.loads.map((l) => `${l.service} ${fixed(l.peakFps, 0)} FPS (${l.peakStreams} streams)`).join(', ')}.`,
  ];
}

export function planMarkdown(plan: Plan, charts: string[]): string {
  const blocks = [
    `# inferscale plan: ${plan.scenario.replace(/[<>&]/g, '')}`,
    answer(plan),
    ...intro(plan),
    '## CPU types and precisions compared',
    markdownTable(COMPARISON_HEADER, comparisonRows(plan)),
    ...charts.map((c) => `![${c}](charts/${c}.svg)`),
    offText(plan),
    ...plan.candidates.flatMap((c, i) => [
      `## ${i === plan.best ? 'Chosen: ' : ''}${label(c)}`,
      markdownTable(SERVICE_HEADER, serviceRows(c)),
    ]),
    '## CPU catalog figures used',
    markdownTable(['CPU type', 'CPUs', 'ISA', 'source of the per-core GFLOP/s'], catalogRows(plan)),
    plan.best !== null
      ? 'Files: `manifests/` (a Deployment fragment and an autoscaling/v2 HPA per service), `scenario.yaml` (the planned scenario: `inferscale simulate` it), `plan.json`, `plan.csv`, `index.html`.'
      : 'Files: `plan.json`, `plan.csv`, `index.html`.',
  ];
  return `${blocks.join('\n\n')}\n`;
}

export function costChart(plan: Plan): VlSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Cost per month of each candidate',
      subtitle: 'Feasible candidates only; nodes x price x 730 h.',
      anchor: 'start',
    },
    data: {
      values: plan.candidates
        .filter((c) => c.feasible)
        .map((c) => ({
          pool: `${c.pool} (${c.cpuType})`,
          precision: c.precision,
          cost: Number(c.costPerMonth!.toFixed(2)),
          nodes: c.nodes,
        })),
    },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'pool', type: 'nominal', title: null },
      yOffset: { field: 'precision', type: 'nominal' },
      x: { field: 'cost', type: 'quantitative', title: 'cost per month' },
      color: { field: 'precision', type: 'nominal', scale: { range: ['#4c78a8', '#f58518', '#54a24b'] } },
      tooltip: [
        { field: 'pool' },
        { field: 'precision' },
        { field: 'cost', type: 'quantitative' },
        { field: 'nodes', type: 'quantitative' },
      ],
    },
    width: 560,
    config: { aria: false },
  };
}

export function replicasChart(plan: Plan): VlSpec {
  const values = plan.candidates.flatMap((c) =>
    c.services.flatMap((s) => [
      ...(s.analytic.replicas !== null
        ? [{ candidate: label(c), service: s.service, stage: 'analytic', replicas: s.analytic.replicas }]
        : []),
      ...(s.simulated?.replicas != null
        ? [{ candidate: label(c), service: s.service, stage: 'simulated', replicas: s.simulated.replicas }]
        : []),
    ]),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Replicas per service that meet the SLO',
      subtitle: 'Analytic guess and simulated minimum, per candidate.',
      anchor: 'start',
    },
    data: { values },
    mark: { type: 'point', filled: true },
    encoding: {
      y: { field: 'candidate', type: 'nominal', title: null },
      x: { field: 'replicas', type: 'quantitative' },
      color: { field: 'service', type: 'nominal' },
      shape: { field: 'stage', type: 'nominal', scale: { range: ['circle', 'cross'] } },
    },
    width: 560,
    config: { aria: false },
  };
}

/** For the chosen candidate: the SLO's metric against replicas, analytic line and simulated points, and the threshold. */
export function sloChart(plan: Plan): VlSpec | null {
  if (plan.best === null) return null;
  const c = plan.candidates[plan.best];
  const byDrop = plan.slo.maxDropPercent !== null;
  const metric = byDrop ? 'drop %' : 'p95 latency (s)';
  const threshold = byDrop ? plan.slo.maxDropPercent! : plan.slo.maxP95LatencySeconds!;
  const pick = (d: { dropPercent: number; p95LatencySeconds: number | null }) =>
    byDrop ? d.dropPercent : d.p95LatencySeconds;
  const values = c.services
    .flatMap((s) => [
      ...s.curve.map((d) => ({
        service: s.service,
        replicas: d.replicas,
        value: pick(d),
        stage: 'analytic',
      })),
      ...(s.simulated?.tried ?? []).map((d) => ({
        service: s.service,
        replicas: d.replicas,
        value: pick(d),
        stage: 'simulated (worst seed)',
      })),
    ])
    .filter((v) => v.value !== null);
  const x = { field: 'replicas', type: 'quantitative', title: 'replicas' };
  const y = { field: 'value', type: 'quantitative', title: metric, scale: { type: 'symlog' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${metric} against replicas: ${label(c)}`,
      subtitle: `Lines: the analytic stage; points: simulated replica counts; dashed: the SLO (${threshold}).`,
      anchor: 'start',
    },
    width: 560,
    height: 260,
    layer: [
      {
        data: { values: values.filter((v) => v.stage === 'analytic') },
        mark: { type: 'line', point: false },
        encoding: { x, y, color: { field: 'service', type: 'nominal' } },
      },
      {
        data: { values: values.filter((v) => v.stage !== 'analytic') },
        mark: { type: 'point', shape: 'cross', size: 80, filled: true },
        encoding: { x, y, color: { field: 'service', type: 'nominal' } },
      },
      {
        data: { values: [{ threshold }] },
        mark: { type: 'rule', strokeDash: [5, 3], color: '#e45756' },
        encoding: { y: { field: 'threshold', type: 'quantitative' } },
      },
    ],
    config: { aria: false },
  };
}

export function planHtml(plan: Plan, svgs: { name: string; svg: string }[]): string {
  const table = (header: string[], rows: string[][]) =>
    `<table>\n<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${rows
      .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
      .join('\n')}\n</tbody>\n</table>`;
  const md = (s: string) => escapeHtml(s.replace(/\*\*/g, ''));
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>inferscale plan: ${escapeHtml(plan.scenario)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:13px;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}.chart{margin:1em 0}</style>',
    '</head>',
    '<body>',
    `<h1>inferscale plan: ${escapeHtml(plan.scenario)}</h1>`,
    `<p>${md(answer(plan))}</p>`,
    ...intro(plan).map((p) => `<p>${md(p)}</p>`),
    '<h2>CPU types and precisions compared</h2>',
    table(COMPARISON_HEADER, comparisonRows(plan)),
    // Our own SVGs, drawn by vega from our specs; scenario strings in them are escaped by vega's SVG writer.
    ...svgs.map((s) => `<div class="chart">${s.svg}</div>`),
    `<p>${md(offText(plan))}</p>`,
    ...plan.candidates.flatMap((c, i) => [
      `<h2>${i === plan.best ? 'Chosen: ' : ''}${escapeHtml(label(c))}</h2>`,
      table(SERVICE_HEADER, serviceRows(c)),
    ]),
    '<h2>CPU catalog figures used</h2>',
    table(['CPU type', 'CPUs', 'ISA', 'source of the per-core GFLOP/s'], catalogRows(plan)),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function planJson(plan: Plan): string {
  return `${JSON.stringify(roundDeep(plan), null, 2)}\n`;
}
