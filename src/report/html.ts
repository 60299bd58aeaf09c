/**
 * index.html: the whole report as one page that needs no network (a Content-Security-Policy
 * forbids fetching anything):
 *
 *   heading, KPI cards, summary table, scaling table (recovery, held by stabilization), every KPI
 *   of summary.json
 *   -> interactive charts (vega, vega-lite and vega-embed inlined from node_modules; the specs and
 *      their data as one JSON block, the data once for all charts)
 *   -> the scenario as run -> the events table
 *
 * Every string from the scenario or the run goes through `escapeHtml`; the JSON block goes through
 * `jsonForScript`, so no text can close the element it sits in.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LoadStepRecovery } from '../model/recovery.js';
import type { FrameKpis } from '../model/simulate.js';
import type { ChartSpec } from './charts.js';
import { fixed, latency } from './format.js';
import { seriesRows } from './charts.js';
import {
  INPUT_FILES_HEADER,
  INPUT_NUMERIC,
  inputFileRows,
  SCALING_HEADER,
  SUMMARY_HEADER,
  scalingNote,
  scalingRows,
  seedsNote,
  engineNote,
  summaryRows,
} from './markdown.js';
import type { Replications } from './replications.js';
import type { ReportInput } from './series.js';
import { MAX_TABLE_EVENTS } from './series.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an HTML element or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * JSON to embed in a <script> element: `<`, `>` and `&` as \u escapes (so `</script>` or `<!--`
 * in a string cannot end or change the element), and U+2028/U+2029, which old parsers choke on.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The browser builds inlined into the page, in load order (vega-lite needs vega; embed needs both). */
export const BROWSER_LIBRARIES = [
  { package: 'vega', file: 'vega.min.js' },
  { package: 'vega-lite', file: 'vega-lite.min.js' },
  { package: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

let libraryText: string[] | null = null;

/**
 * The three libraries' code, read once. Each package's entry point lives in its `build/` folder
 * beside the browser build, wherever npm placed the package. The source-map comment goes (the map
 * is not inlined, and a browser's developer tools would try to fetch it).
 */
export function browserLibraries(): string[] {
  if (libraryText) return libraryText;
  const require = createRequire(import.meta.url);
  libraryText = BROWSER_LIBRARIES.map((lib) => {
    const path = join(dirname(require.resolve(lib.package)), lib.file);
    const code = readFileSync(path, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n');
    // Inline code must not contain what ends or alters a script element; these builds do not.
    if (/<\/script|<!--|<script/i.test(code))
      throw new Error(`${path}: cannot be inlined in a <script> element`);
    return code;
  });
  return libraryText;
}

/** A table; `numeric` marks the right-aligned columns (by default all but the first). */
function table(header: string[], rows: string[][], numeric = header.map((_, i) => i > 0)): string {
  const cls = (i: number) => (numeric[i] ? ' class="num"' : '');
  const th = header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`);
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${tr.join('\n')}\n</tbody>\n</table>`;
}

/** The slowest recovery over every service's load steps, as a card shows it. */
function slowestRecovery(input: ReportInput): [string, string][] {
  const services = input.result.services;
  if (!services.every((s) => Array.isArray(s.loadSteps))) return [];
  const steps = services.flatMap((s) => s.loadSteps);
  if (steps.length === 0) return [];
  const never = steps.filter((s) => s.recoverySeconds === null).length;
  const max = Math.max(...steps.map((s) => s.recoverySeconds ?? 0));
  return [
    never > 0
      ? ['load steps not recovered', `${never} of ${steps.length}`]
      : ['slowest recovery', `${Number(max.toFixed(2))} s`],
  ];
}

function kpiCards(total: FrameKpis, input: ReportInput): string {
  const cards: [string, string][] = [
    ['offered', `${fixed(total.offeredFps, 2)} FPS`],
    ['inferred', `${fixed(total.inferFps, 2)} FPS`],
    ['dropped', `${fixed(total.dropFps, 2)} FPS`],
    ['drop', `${fixed(total.dropRatio * 100, 2)} %`],
    ['p95 latency', latency(total.latencyP95Seconds)],
    ['max replicas', String(total.maxReplicas)],
    ['replica-hours', fixed(total.replicaSeconds / 3600, 2)],
    ['CPU core-hours', fixed(total.cpuCoreSeconds / 3600, 2)],
    ...slowestRecovery(input),
    ...(total.replicaSecondsHeldByStabilization === undefined
      ? []
      : ([
          ['replica-hours held by stabilization', fixed(total.replicaSecondsHeldByStabilization / 3600, 2)],
        ] as [string, string][])),
    ['events', String(input.result.events)],
  ];
  return `<div class="cards">\n${cards
    .map(
      ([k, v]) =>
        `<div class="card"><div class="v">${escapeHtml(v)}</div><div class="k">${escapeHtml(k)}</div></div>`,
    )
    .join('\n')}\n</div>`;
}

/** Every KPI of summary.json as the file has it: one row per figure, one column per service and the total. */
function kpiTable(input: ReportInput): string {
  const columns: { name: string; kpis: Record<string, unknown> }[] = [
    ...input.result.services.map((s) => ({ name: s.service, kpis: s as unknown as Record<string, unknown> })),
    { name: 'total', kpis: input.result.total as unknown as Record<string, unknown> },
  ];
  const keys: string[] = [];
  for (const c of columns)
    for (const k of Object.keys(c.kpis)) if (k !== 'service' && !keys.includes(k)) keys.push(k);
  const cell = (k: string, v: unknown) =>
    v === undefined
      ? ''
      : v === null
        ? '-'
        : typeof v === 'string'
          ? v
          : k === 'loadSteps' && Array.isArray(v)
            ? loadStepsCell(v as LoadStepRecovery[])
            : JSON.stringify(v);
  return table(
    ['figure', ...columns.map((c) => c.name)],
    keys.map((k) => [k, ...columns.map((c) => cell(k, c.kpis[k]))]),
  );
}

/** Every banded figure of summary.json's `replications`: median (p5–p95), per service and the total. */
function bandsTable(r: Replications): string {
  const columns = [
    ...r.services.map((s) => ({ name: s.service, bands: s as Record<string, unknown> })),
    { name: 'total', bands: r.total as Record<string, unknown> },
  ];
  const keys: string[] = [];
  for (const c of columns)
    for (const k of Object.keys(c.bands)) if (k !== 'service' && !keys.includes(k)) keys.push(k);
  const short = (x: number) => String(Number(x.toPrecision(6)));
  const cell = (v: unknown) => {
    if (v === undefined) return '';
    if (v === null) return '-';
    const b = v as { p5: number; median: number; p95: number };
    return b.p5 === b.p95 ? short(b.median) : `${short(b.median)} (${short(b.p5)}–${short(b.p95)})`;
  };
  const runRows = Object.entries(r.run).map(([k, v]) => [k, ...r.services.map(() => ''), cell(v)]);
  return table(
    ['figure', ...columns.map((c) => c.name)],
    [...keys.map((k) => [k, ...columns.map((c) => cell(c.bands[k]))]), ...runRows],
  );
}

/** Each load step as `at s: recovery` (`never` when it did not recover). */
function loadStepsCell(steps: LoadStepRecovery[]): string {
  if (steps.length === 0) return 'none';
  return steps
    .map((s) => `${s.atSeconds} s: ${s.recoverySeconds === null ? 'never' : `${s.recoverySeconds} s`}`)
    .join('; ');
}

function eventsTable(input: ReportInput): string {
  const shown = input.events.length;
  const note =
    input.eventCount > shown
      ? `<p>The first ${shown} of ${input.eventCount} events (the page keeps at most ${MAX_TABLE_EVENTS}); events.csv has them all.</p>\n`
      : '';
  const rows = input.events.map((e) => [String(e.timeS), e.service, e.event, e.detail]);
  return `${note}${table(['time (s)', 'service', 'event', 'detail'], rows, [true, false, false, false])}`;
}

function scalingSection(result: ReportInput['result']): string {
  const rows = scalingRows(result);
  if (!rows) return '';
  return `<div class="wide">${table(SCALING_HEADER, rows)}</div>\n<p class="meta">${escapeHtml(scalingNote(result))}</p>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1000px; padding: 1em 1.5em 4em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.meta { color: #555; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 13px; }
th, td { padding: 0.2em 0.6em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cards { display: flex; flex-wrap: wrap; gap: 0.6em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.5em 0.9em; min-width: 7em; }
.card .v { font-size: 1.3em; font-weight: 600; }
.card .k { color: #666; font-size: 0.85em; }
.chart { margin: 1em 0 2em; min-height: 120px; }
.chart.failed { color: #b00; }
pre { background: #f6f6f6; padding: 0.8em; overflow: auto; font-size: 12px; max-height: 40em; }
.wide { overflow-x: auto; }
`;

/**
 * Runs in the browser: embeds every chart with its own copy of the data (vega annotates the rows it
 * ingests, so views do not share them). Our own code; it reads nothing but the JSON block.
 */
const PAGE_SCRIPT = `
(function () {
  var text = document.getElementById('inferscale-charts').textContent;
  var charts = JSON.parse(text).charts;
  charts.forEach(function (chart) {
    var el = document.getElementById(chart.id);
    if (typeof vegaEmbed !== 'function') {
      el.className += ' failed';
      el.textContent = 'The chart library did not load, so this chart cannot be drawn.';
      return;
    }
    var spec = chart.spec;
    spec.datasets = JSON.parse(text).datasets;
    vegaEmbed(el, spec, {
      renderer: 'canvas',
      actions: { export: true, source: false, compiled: false, editor: false }
    }).catch(function (err) {
      el.className += ' failed';
      el.textContent = 'This chart could not be drawn: ' + err.message;
    });
  });
})();
`;

const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:";

/** The page. `charts` are the interactive specs; their datasets are taken out and embedded once. */
export function reportHtml(input: ReportInput, charts: ChartSpec[]): string {
  const { result, scenario } = input;
  const name = scenario?.name ?? result.scenario;
  const payload = {
    datasets: { series: seriesRows(input), decisions: input.decisions, nodes: input.nodePoints },
    charts: charts.map((c) => {
      const { datasets: _omitted, ...spec } = c.spec;
      return { id: `chart-${c.name}`, spec };
    }),
  };
  const pending = result.services.filter((s) => s.podsPendingAtEnd > 0);
  const scenarioBlock = scenario
    ? `<details>\n<summary>The resolved scenario: every default filled in, durations in µs (scenario.json)</summary>\n<pre>${escapeHtml(JSON.stringify(scenario, null, 2))}</pre>\n</details>`
    : '<p>This run folder has no scenario.json (it was written by an older inferscale).</p>';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>inferscale run: ${escapeHtml(name)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>inferscale run: ${escapeHtml(name)}</h1>`,
    scenario?.description ? `<p>${escapeHtml(scenario.description)}</p>` : '',
    `<p class="meta">Seed ${result.seed}, ${result.durationSeconds} s simulated in ${input.stepSeconds} s steps, ${result.events} events.</p>`,
    kpiCards(result.total, input),
    '<h2 id="summary">Summary</h2>',
    input.replications ? `<p>${escapeHtml(seedsNote(input.replications))}</p>` : '',
    result.engine ? `<p>${escapeHtml(engineNote(result))}</p>` : '',
    `<div class="wide">${table(SUMMARY_HEADER, summaryRows(result, input.replications))}</div>`,
    scalingSection(result),
    pending.length
      ? `<p>Pods still Pending at the end (no node had the CPU they request): ${escapeHtml(
          pending.map((s) => `${s.service} ${s.podsPendingAtEnd}`).join(', '),
        )}.</p>`
      : '',
    '<details>',
    '<summary>Every figure of summary.json</summary>',
    `<div class="wide">${kpiTable(input)}</div>`,
    '</details>',
    input.replications
      ? [
          '<details>',
          `<summary>Every figure over the ${input.replications.seeds.length} seeds: median (p5–p95)</summary>`,
          `<div class="wide">${bandsTable(input.replications)}</div>`,
          '</details>',
        ].join('\n')
      : '',
    '<h2 id="charts">Charts</h2>',
    '<p>Hover for values; drag to pan and scroll to zoom the time axis (double-click resets).</p>',
    ...charts.map(
      (c) =>
        `<section><div id="chart-${c.name}" class="chart" aria-label="${escapeHtml(c.title)}"></div></section>`,
    ),
    '<h2 id="scenario">Scenario as run</h2>',
    scenario?.inputFiles?.length
      ? `<p>Files read to make it (paths as the scenario gives them):</p>\n<div class="wide">${table(
          INPUT_FILES_HEADER,
          inputFileRows(scenario.inputFiles),
          INPUT_NUMERIC,
        )}</div>`
      : '',
    scenarioBlock,
    '<h2 id="events">Events</h2>',
    `<div class="wide">${eventsTable(input)}</div>`,
    ...browserLibraries().map((code) => `<script>${code}</script>`),
    `<script type="application/json" id="inferscale-charts">${jsonForScript(payload)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
