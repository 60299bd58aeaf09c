/**
 * A report's generated files, from what a run left (ReportInput), in memory; the callers write them:
 *
 *   static chart specs -> charts/NAME.vl.json + charts/NAME.svg
 *   interactive chart specs -> index.html
 *   summary.md (the table, then every chart's SVG as an image)
 */
import { reportCharts, type VlSpec } from './charts.js';
import { reportHtml } from './html.js';
import { summaryMarkdown } from './markdown.js';
import type { ReportInput } from './series.js';
import { renderInThread, type SvgRenderer } from './svg.js';

/** A file to write, by its path relative to the report folder (`/`-separated). */
export interface ReportFile {
  path: string;
  content: string;
}

/** Every file `writeRunReport` and `inferscale report` generate beside the CSV and JSON files. */
export async function renderReport(
  input: ReportInput,
  renderer: SvgRenderer = renderInThread,
): Promise<ReportFile[]> {
  // 1. The static charts: sent to the renderer first, so the page is built while they are drawn.
  const charts = reportCharts(input, { interactive: false });
  const svgs = charts.map((chart) => renderer.render(chart.spec, chart.name));
  // They are awaited one by one below: when one fails (the renderer stopped, say on Ctrl-C), the
  // others' failures must not go unhandled, which would end the process with exit code 1 and a stack.
  for (const svg of svgs) svg.catch(() => undefined);
  // 2. The page, with the interactive variants of the same charts; the Markdown summary.
  const html = reportHtml(input, reportCharts(input, { interactive: true }));
  const markdown = summaryMarkdown(input.result, input.scenario, charts, input.replications);
  // 3. The files, in a fixed order.
  const files: ReportFile[] = [];
  for (const [i, chart] of charts.entries()) {
    files.push({ path: `charts/${chart.name}.vl.json`, content: specJson(chart.spec) });
    files.push({ path: `charts/${chart.name}.svg`, content: (await svgs[i]).svg });
  }
  files.push({ path: 'index.html', content: html }, { path: 'summary.md', content: markdown });
  return files;
}

/**
 * A spec as indented JSON, except that an array of flat records (a dataset) puts one record per
 * line: readable and diffable without one line per number.
 */
export function specJson(spec: VlSpec): string {
  const flatRecord = (v: unknown) =>
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => x === null || typeof x !== 'object');
  const write = (v: unknown, indent: string): string => {
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every(flatRecord)) return `[\n${v.map((x) => inner + JSON.stringify(x)).join(',\n')}\n${indent}]`;
      if (v.every((x) => x === null || typeof x !== 'object')) return JSON.stringify(v);
      return `[\n${v.map((x) => inner + write(x, inner)).join(',\n')}\n${indent}]`;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      if (entries.length === 0) return '{}';
      return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner)}`).join(',\n')}\n${indent}}`;
    }
    return JSON.stringify(v);
  };
  return `${write(spec, '')}\n`;
}
