/**
 * The KPA's time windows (reference/autoscalers/KPA.md section 1), as values: every operation
 * returns a new window, so a decision's state can hold them.
 *   linear:               pkg/autoscaler/aggregation/bucketing.go TimedFloat64Buckets
 *   weighted-exponential: the same buckets, WeightedFloat64Buckets' average
 *   max:                  pkg/autoscaler/aggregation/max (the scale-down delay window)
 * Times are seconds; a bucket is `granularity` seconds wide.
 */

export type Aggregation = 'linear' | 'weighted-exponential';

export interface BucketWindow {
  windowS: number;
  granularityS: number;
  aggregation: Aggregation;
  /** ceil(window / granularity) buckets; bucket of time index b is b mod n. */
  buckets: number[];
  /** Bucket time indices of the first and the last write; null before any write. */
  firstWrite: number | null;
  lastWrite: number | null;
  total: number;
}

export function bucketWindow(windowS: number, granularityS: number, aggregation: Aggregation): BucketWindow {
  const n = Math.max(1, Math.ceil(windowS / granularityS - 1e-9));
  return {
    windowS,
    granularityS,
    aggregation,
    buckets: new Array<number>(n).fill(0),
    firstWrite: null,
    lastWrite: null,
    total: 0,
  };
}

const index = (w: BucketWindow, tS: number) => Math.floor(tS / w.granularityS + 1e-9);
const slot = (n: number, b: number) => ((b % n) + n) % n;

/** record(t, v): values landing in one bucket add; a value older than the window is dropped. */
export function record(w: BucketWindow, tS: number, v: number): BucketWindow {
  const n = w.buckets.length;
  const b = index(w, tS);
  const buckets = w.buckets.slice();
  let { firstWrite, lastWrite, total } = w;
  if (b !== lastWrite) {
    if (lastWrite !== null && b + n <= lastWrite) return w;
    if (firstWrite === null || firstWrite > b) firstWrite = b;
    if (lastWrite === null || b > lastWrite) {
      if (lastWrite === null || b - lastWrite >= n) {
        buckets.fill(0);
        total = 0;
        firstWrite = b;
      } else {
        for (let k = lastWrite + 1; k <= b; k++) {
          total -= buckets[slot(n, k)];
          buckets[slot(n, k)] = 0;
        }
      }
      lastWrite = b;
    }
  }
  buckets[slot(n, b)] += v;
  total += v;
  return { ...w, buckets, firstWrite, lastWrite, total };
}

/** The window's average at `now`: linear (rounded to 6 decimals) or weighted-exponential. */
export function windowAverage(w: BucketWindow, nowS: number): number {
  if (w.lastWrite === null || w.firstWrite === null) return 0;
  const n = w.buckets.length;
  const now = index(w, nowS);
  const d = now - w.lastWrite;
  if (w.aggregation === 'weighted-exponential') {
    const z = Math.max(0, d);
    if (z > n) return 0;
    const m = smoothingCoefficient(n);
    let sum = 0;
    for (let i = 0; i < n - z; i++) sum += w.buckets[slot(n, w.lastWrite - i)] * m * Math.pow(1 - m, i + z);
    return sum;
  }
  const span = w.lastWrite - w.firstWrite + 1;
  let avg: number;
  if (d <= 0) avg = w.total / Math.min(span, n);
  else if (d < n) {
    let stale = 0;
    for (let k = w.lastWrite + 1; k <= now; k++) stale += w.buckets[slot(n, k)];
    avg = (w.total - stale) / Math.min(span, n - d);
  } else avg = 0;
  return Math.round(avg * 1e6) / 1e6;
}

/** Whether anything was written in the last window before `now` (else the metric has no data). */
export function hasData(w: BucketWindow, nowS: number): boolean {
  return w.lastWrite !== null && index(w, nowS) - w.lastWrite < w.buckets.length;
}

/** The weighted-exponential decay per bucket: max(1 - 1e-4^(1/n), 0.2). */
export function smoothingCoefficient(buckets: number): number {
  return Math.max(1 - Math.pow(1e-4, 1 / buckets), 0.2);
}

/** The scale-down delay window: the maximum over the last ceil(d / g) buckets. */
export interface MaxWindow {
  size: number;
  granularityS: number;
  /** Bucket index and value, values strictly decreasing from the front. */
  entries: { index: number; value: number }[];
}

export function maxWindow(durationS: number, granularityS: number): MaxWindow {
  return { size: Math.max(1, Math.ceil(durationS / granularityS - 1e-9)), granularityS, entries: [] };
}

export function recordMax(w: MaxWindow, tS: number, value: number): MaxWindow {
  const idx = Math.floor(tS / w.granularityS + 1e-9);
  const entries = w.entries.filter((e) => idx - e.index < w.size);
  while (entries.length > 0 && entries[entries.length - 1].value <= value) entries.pop();
  entries.push({ index: idx, value });
  return { ...w, entries };
}

export function currentMax(w: MaxWindow): number {
  return w.entries.length > 0 ? w.entries[0].value : 0;
}
