/**
 * A log-bucketed histogram of durations in µs: bucket i holds values in [1.01^i, 1.01^(i+1)), so a
 * quantile is exact to within 0.5% (the geometric middle of its bucket). Fixed size, no allocation
 * per value; `clear` touches only the buckets in use. Each block of 64 buckets also keeps its sum, so a
 * quantile skips whole blocks: a run's time series asks three per service and step, and a scan of
 * every bucket in use (a thousand for latencies from 100 µs to 1 s) cost more than the step's frames.
 */
const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);
const BUCKETS = 2800; // 1.01^2800 µs ≈ 1.2e12 µs: two weeks, well past any frame latency
const BLOCK_SHIFT = 6;
const BLOCKS = (BUCKETS >> BLOCK_SHIFT) + 1;

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKETS);
  /** blocks[b] = the sum of counts[64 b .. 64 b + 63]. */
  private readonly blocks = new Float64Array(BLOCKS);
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
    this.blocks[i >> BLOCK_SHIFT]++;
    this.total++;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  merge(other: LatencyHistogram): void {
    for (let i = other.lo; i <= other.hi; i++) this.counts[i] += other.counts[i];
    if (other.hi >= 0) {
      for (let b = other.lo >> BLOCK_SHIFT; b <= other.hi >> BLOCK_SHIFT; b++)
        this.blocks[b] += other.blocks[b];
    }
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
    const counts = this.counts;
    const blocks = this.blocks;
    let k = 0;
    let target = qs[0] * this.total;
    // acc = the counts below bucket i; whole blocks are skipped while they end below the target.
    let acc = 0;
    let i = this.lo;
    while (i <= this.hi && k < qs.length) {
      if ((i & 63) === 0 && i + 63 <= this.hi && acc + blocks[i >> BLOCK_SHIFT] < target) {
        acc += blocks[i >> BLOCK_SHIFT];
        i += 64;
        continue;
      }
      acc += counts[i];
      while (k < qs.length && acc >= target) {
        out[k++] = Math.pow(RATIO, i + 0.5);
        if (k < qs.length) target = qs[k] * this.total;
      }
      i++;
    }
    for (; k < qs.length; k++) out[k] = Math.pow(RATIO, this.hi + 0.5);
  }

  clear(): void {
    if (this.hi >= 0) {
      for (let b = this.lo >> BLOCK_SHIFT; b <= this.hi >> BLOCK_SHIFT; b++) {
        if (this.blocks[b] === 0) continue;
        this.blocks[b] = 0;
        this.counts.fill(
          0,
          Math.max(b << BLOCK_SHIFT, this.lo),
          Math.min((b + 1) << BLOCK_SHIFT, this.hi + 1),
        );
      }
    }
    this.total = 0;
    this.lo = BUCKETS;
    this.hi = -1;
  }
}
