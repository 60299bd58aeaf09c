import type { TimeseriesRow } from '../model/simulate.js';

/** Number formatting shared by every output, so the same value always prints the same bytes. */
export function num(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '';
  // An integer prints as itself either way; skipping toFixed saves most of the cost on the hot path.
  if (Number.isInteger(x)) return String(x);
  return String(round6Finite(x));
}

/** A value as it reads back from a file written with `num`: rounded to 6 decimals; null for an empty cell. */
export function round6(x: number | null): number | null {
  return x === null || Number.isNaN(x) ? null : round6Finite(x);
}

/**
 * `Number(x.toFixed(6))`, about six times faster. toFixed rounds the exact value of x to the nearest
 * multiple of 1e-6; Math.round of the float product x * 1e6 picks the same integer n unless that
 * product lies within its rounding error (below 2.4e-7 while |x * 1e6| < 2^31) of a half, and then
 * toFixed decides. n / 1e6 is the double nearest to n * 10^-6, as Number() of toFixed's digits is.
 */
function round6Finite(x: number): number {
  const y = x * 1e6;
  if (y > -2147483648 && y < 2147483648) {
    const f = y - Math.floor(y);
    if (f < 0.499999 || f > 0.500001) return Math.round(y) / 1e6;
  }
  return Number(x.toFixed(6));
}

/** Fixed decimals for tables meant for people. */
export function fixed(x: number | null, digits: number): string {
  return x === null || Number.isNaN(x) ? '-' : x.toFixed(digits);
}

/** Seconds as a readable latency: 85 ms, 1.23 s. */
export function latency(seconds: number | null): string {
  if (seconds === null) return '-';
  return seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`;
}

/** A plain-text table with right-aligned numbers, for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A Markdown table; cells are escaped so scenario strings cannot break it. */
export function markdownTable(
  header: string[],
  rows: string[][],
  numeric: boolean[] = header.map((_, i) => i > 0),
): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const align = header.map((_, i) => (numeric[i] ? '---:' : '---'));
  return [header, align, ...rows].map((r, k) => `| ${(k === 1 ? r : r.map(esc)).join(' | ')} |`).join('\n');
}

/** A row with its values as timeseries.csv holds them, so charts drawn now and from the file agree. */
export function asWritten(r: TimeseriesRow): TimeseriesRow {
  return {
    ...r,
    timeS: round6(r.timeS)!,
    offeredFps: round6(r.offeredFps)!,
    inferFps: round6(r.inferFps)!,
    dropFps: round6(r.dropFps)!,
    scaleRatio: round6(r.scaleRatio),
    cpuUtilization: round6(r.cpuUtilization),
    latencyP50S: round6(r.latencyP50S),
    latencyP95S: round6(r.latencyP95S),
    latencyP99S: round6(r.latencyP99S),
    hpaMetric: round6(r.hpaMetric),
    hpaTarget: round6(r.hpaTarget),
  };
}

/** Rounds every number to 6 decimals so summary.json reads well and stays byte-stable. */
export function roundDeep<T>(v: T): T {
  if (typeof v === 'number') return (Number.isFinite(v) ? Number(v.toFixed(6)) : v) as T;
  if (Array.isArray(v)) return v.map(roundDeep) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = roundDeep(x);
    return out as T;
  }
  return v;
}
