/**
 * Recorded series and the clean-up every importer's output goes through, reported as warnings with
 * the affected time ranges (never silently):
 *
 *   samples per series (any order, from any file) -> merged by name + labels
 *   -> out-of-order samples sorted into place -> duplicate timestamps: the first kept (as Prometheus
 *      keeps the first sample and refuses a second for the same time)
 *   -> NaN and ±Inf samples dropped (no number to replay) -> gaps longer than staleAfter noted
 *   -> counters (`_total`): resets noted (increase counts from 0 after a drop, as rate() does)
 */

/** One recorded series: a metric name, its labels, samples in time order (Unix seconds). */
export interface Series {
  name: string;
  labels: Record<string, string>;
  t: number[];
  v: number[];
}

export interface ReplayWarning {
  kind: 'out-of-order' | 'duplicate' | 'nan' | 'inf' | 'gap' | 'counter-reset' | 'stale' | 'no-data';
  /** The series as PromQL writes it: name{labels}. */
  series: string;
  /** Affected time ranges, Unix seconds. */
  ranges: { fromS: number; toS: number }[];
  /** Samples affected. */
  count: number;
  message: string;
}

export function seriesId(name: string, labels: Record<string, string>): string {
  const l = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
  return `${name}{${l}}`;
}

/** Collects samples of many series, in any order, from any number of files. */
export class SeriesBuilder {
  private readonly byId = new Map<string, Series>();

  add(name: string, labels: Record<string, string>, t: number, v: number): void {
    const id = seriesId(name, labels);
    let s = this.byId.get(id);
    if (!s) {
      const own = { ...labels };
      delete own.__name__;
      s = { name, labels: own, t: [], v: [] };
      this.byId.set(id, s);
    }
    s.t.push(t);
    s.v.push(v);
  }

  /** Every series cleaned, sorted by id; the warnings in the same order. */
  finish(staleAfterS: number): { series: Series[]; warnings: ReplayWarning[] } {
    const warnings: ReplayWarning[] = [];
    const ids = [...this.byId.keys()].sort();
    const series = ids.map((id) => cleanSeries(this.byId.get(id)!, id, staleAfterS, warnings));
    return { series: series.filter((s) => s.t.length > 0), warnings };
  }
}

/** Consecutive times joined into ranges (a new range after a jump of more than `join` seconds). */
export function timeRanges(times: number[], join: number): { fromS: number; toS: number }[] {
  const out: { fromS: number; toS: number }[] = [];
  for (const t of times) {
    const last = out[out.length - 1];
    if (last && t - last.toS <= join) last.toS = Math.max(last.toS, t);
    else out.push({ fromS: t, toS: t });
  }
  return out;
}

function medianStep(t: number[]): number {
  if (t.length < 2) return 0;
  const d: number[] = [];
  for (let i = 1; i < t.length; i++) if (t[i] > t[i - 1]) d.push(t[i] - t[i - 1]);
  if (d.length === 0) return 0;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

function cleanSeries(s: Series, id: string, staleAfterS: number, warnings: ReplayWarning[]): Series {
  const n = s.t.length;
  let t = s.t;
  let v = s.v;
  // 1. Out of order: sorted into place (stable), and said.
  const late: number[] = [];
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (t[i] < max) late.push(t[i]);
    else max = t[i];
  }
  if (late.length > 0) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => t[a] - t[b] || a - b);
    t = order.map((i) => s.t[i]);
    v = order.map((i) => s.v[i]);
    const step = medianStep(t);
    warnings.push({
      kind: 'out-of-order',
      series: id,
      ranges: timeRanges(
        [...late].sort((a, b) => a - b),
        Math.max(step, 1),
      ),
      count: late.length,
      message: `${late.length} sample(s) out of time order, sorted into place`,
    });
  }
  // 2. Duplicate timestamps: the first kept.
  const dupT: number[] = [];
  let differing = 0;
  const t2: number[] = [];
  const v2: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t2.length > 0 && t[i] === t2[t2.length - 1]) {
      dupT.push(t[i]);
      const a = v2[v2.length - 1];
      if (!(a === v[i] || (Number.isNaN(a) && Number.isNaN(v[i])))) differing++;
      continue;
    }
    t2.push(t[i]);
    v2.push(v[i]);
  }
  const step = medianStep(t2);
  if (dupT.length > 0)
    warnings.push({
      kind: 'duplicate',
      series: id,
      ranges: timeRanges(dupT, Math.max(step, 1)),
      count: dupT.length,
      message: `${dupT.length} duplicate timestamp(s) (${differing} with another value): the first sample kept`,
    });
  // 3. NaN and infinities: no number to replay; dropped.
  const nanT: number[] = [];
  const infT: number[] = [];
  const t3: number[] = [];
  const v3: number[] = [];
  for (let i = 0; i < t2.length; i++) {
    if (Number.isNaN(v2[i])) nanT.push(t2[i]);
    else if (!Number.isFinite(v2[i])) infT.push(t2[i]);
    else {
      t3.push(t2[i]);
      v3.push(v2[i]);
    }
  }
  const join = Math.max(step * 1.5, 1e-9);
  if (nanT.length > 0)
    warnings.push({
      kind: 'nan',
      series: id,
      ranges: timeRanges(nanT, join),
      count: nanT.length,
      message: `${nanT.length} NaN sample(s) dropped: no value there`,
    });
  if (infT.length > 0)
    warnings.push({
      kind: 'inf',
      series: id,
      ranges: timeRanges(infT, join),
      count: infT.length,
      message: `${infT.length} infinite sample(s) (+Inf/-Inf) dropped: no value there`,
    });
  // 4. Gaps: longer than staleAfter, no value is read there (as after Prometheus marks a series stale).
  const gaps: { fromS: number; toS: number }[] = [];
  for (let i = 1; i < t3.length; i++)
    if (t3[i] - t3[i - 1] > staleAfterS) gaps.push({ fromS: t3[i - 1], toS: t3[i] });
  if (gaps.length > 0)
    warnings.push({
      kind: 'gap',
      series: id,
      ranges: gaps,
      count: gaps.length,
      message: `${gaps.length} gap(s) longer than staleAfter (${staleAfterS} s): no value inside them`,
    });
  // 5. Counter resets.
  if (s.name.endsWith('_total')) {
    const resets: number[] = [];
    for (let i = 1; i < t3.length; i++) if (v3[i] < v3[i - 1]) resets.push(t3[i]);
    if (resets.length > 0)
      warnings.push({
        kind: 'counter-reset',
        series: id,
        ranges: timeRanges(resets, 0),
        count: resets.length,
        message: `${resets.length} counter reset(s): the increase restarts from 0 there (as rate() reads it)`,
      });
  }
  return { name: s.name, labels: s.labels, t: t3, v: v3 };
}

/**
 * The value of a cleaned series at time `at`: its newest sample at or before `at` that is at most
 * `staleAfterS` old, or null. `from` is a cursor (the index to start searching at) for scans in
 * time order; the returned cursor is for the next call.
 */
export function valueAt(
  s: Series,
  at: number,
  staleAfterS: number,
  from = 0,
): { value: number | null; cursor: number } {
  let i = from;
  while (i + 1 < s.t.length && s.t[i + 1] <= at) i++;
  if (i >= s.t.length || s.t[i] > at || at - s.t[i] > staleAfterS + 1e-6) return { value: null, cursor: i };
  return { value: s.v[i], cursor: i };
}

/** A counter's increase per second between two times, across resets (as rate() reads it). */
export function counterRate(s: Series, from: number, to: number): number | null {
  let inc = 0;
  let prev: number | null = null;
  let first = -1;
  let last = -1;
  for (let i = 0; i < s.t.length; i++) {
    if (s.t[i] < from || s.t[i] > to) continue;
    if (prev !== null) inc += s.v[i] >= prev ? s.v[i] - prev : s.v[i];
    else first = s.t[i];
    last = s.t[i];
    prev = s.v[i];
  }
  return last > first ? inc / (last - first) : null;
}
