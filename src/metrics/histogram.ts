/**
 * A log-bucketed histogram of durations in µs: bucket i holds values in [1.01^i, 1.01^(i+1)), so a
 * quantile is exact to within 0.5% (the geometric middle of its bucket). Fixed size, no allocation
 * per value; `clear` touches only the buckets in use.
 */
const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);
const BUCKETS = 2800; // 1.01^2800 µs ≈ 1.2e12 µs: two weeks, well past any frame latency

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKETS);
  total = 0;
  private lo = BUCKETS;
  private hi = -1;

  static bucketOf(us: number): number {
    const i = us < 1 ? 0 : Math.floor(Math.log(us) / LOG_RATIO);
    return i < BUCKETS ? i : BUCKETS - 1;
  }

  add(us: number): void {
    this.addBucket(LatencyHistogram.bucketOf(us));
  }

  addBucket(i: number): void {
    this.counts[i]++;
    this.total++;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  /** `n` values (a count, possibly fractional: the fluid engine's share of a tick) in bucket i. */
  addCount(i: number, n: number): void {
    if (!(n > 0)) return;
    this.counts[i] += n;
    this.total += n;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  merge(other: LatencyHistogram): void {
    for (let i = other.lo; i <= other.hi; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /** The q-quantile in µs (0 < q <= 1), or NaN when empty. */
  quantileUs(q: number): number {
    if (this.total === 0) return NaN;
    const target = q * this.total;
    let acc = 0;
    for (let i = this.lo; i <= this.hi; i++) {
      acc += this.counts[i];
      if (acc >= target) return Math.pow(RATIO, i + 0.5);
    }
    return Math.pow(RATIO, this.hi + 0.5);
  }

  /**
   * Several quantiles in one pass over the buckets: `out[k]` = quantileUs(qs[k]), for `qs` in
   * ascending order (the per-step p50, p95 and p99 without three scans).
   */
  quantilesUs(qs: readonly number[], out: Float64Array): void {
    if (this.total === 0) {
      out.fill(NaN, 0, qs.length);
      return;
    }
    let k = 0;
    let target = qs[0] * this.total;
    let acc = 0;
    for (let i = this.lo; i <= this.hi && k < qs.length; i++) {
      acc += this.counts[i];
      while (k < qs.length && acc >= target) {
        out[k++] = Math.pow(RATIO, i + 0.5);
        if (k < qs.length) target = qs[k] * this.total;
      }
    }
    for (; k < qs.length; k++) out[k] = Math.pow(RATIO, this.hi + 0.5);
  }

  clear(): void {
    for (let i = this.lo; i <= this.hi; i++) this.counts[i] = 0;
    this.total = 0;
    this.lo = BUCKETS;
    this.hi = -1;
  }
}
