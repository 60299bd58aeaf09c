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

function bucketByLog(us: number): number {
  const i = us < 1 ? 0 : Math.floor(Math.log(us) / LOG_RATIO);
  return i < BUCKETS ? i : BUCKETS - 1;
}

/*
 * bucketOf's tables, exact for every whole number of µs below 2^32 (about 72 minutes):
 *   - below 2^12: SMALL[u] = bucketByLog(u);
 *   - above, each octave [2^e, 2^(e+1)) is cut into 256 equal slices, each narrower than a bucket
 *     (an octave holds 69.7 buckets), so a slice crosses at most one bucket boundary: SUB_FIRST holds
 *     the bucket of the slice's first value and SUB_BOUND the least value of the slice in the next
 *     bucket (the slice's end, which no value of the slice reaches, when none). Each bucket's least
 *     value is found with bucketByLog itself, so the tables answer as it does
 *     (test/metrics/histogram.test.ts compares them over millions of values).
 */
const SMALL_BITS = 12;
const SMALL_LIMIT = 1 << SMALL_BITS;
const SUB_BITS = 8;
const SUB_MASK = (1 << SUB_BITS) - 1;
const SMALL = new Uint16Array(SMALL_LIMIT);
const SUB_FIRST = new Uint16Array((32 - SMALL_BITS) << SUB_BITS);
const SUB_BOUND = new Float64Array((32 - SMALL_BITS) << SUB_BITS);
/** Each bucket's geometric middle, 1.01^(i + 0.5): what a quantile in bucket i reads (a pow per read was 3% of a 1 s-step run). */
const MIDDLE = new Float64Array(BUCKETS);

function buildTables(): void {
  for (let i = 0; i < BUCKETS; i++) MIDDLE[i] = Math.pow(RATIO, i + 0.5);
  // least[j]: the least whole µs that bucketByLog puts in bucket j or above, from a guess and a
  // correction of a step or two each way.
  const top = bucketByLog(2 ** 32) + 1;
  const least = new Float64Array(top + 1);
  for (let j = 1; j <= top; j++) {
    let g = Math.max(1, Math.ceil(Math.exp(j * LOG_RATIO)));
    while (g > 1 && bucketByLog(g - 1) >= j) g--;
    while (bucketByLog(g) < j) g++;
    least[j] = g;
  }
  let j = 0;
  for (let u = 0; u < SMALL_LIMIT; u++) {
    while (j < top && least[j + 1] <= u) j++;
    SMALL[u] = j;
  }
  for (let e = SMALL_BITS; e < 32; e++) {
    const width = 2 ** (e - SUB_BITS);
    for (let i = 0; i <= SUB_MASK; i++) {
      const start = 2 ** e + i * width;
      while (j < top && least[j + 1] <= start) j++;
      const k = ((e - SMALL_BITS) << SUB_BITS) | i;
      SUB_FIRST[k] = j;
      SUB_BOUND[k] = least[j + 1] < start + width ? least[j + 1] : start + width;
    }
  }
}

/*
 * Built when the module loads (about 3 ms), not at the first bucketOf: a check per value of a
 * module-level flag cost 6% of an M/M/c/K run's wall (measured). Only commands that simulate load
 * this module: --help loads no command's modules and validate runs from its own bundle.
 */
buildTables();

/** Values `addLater` holds before it buckets them, at most. */
const PENDING = 1024;

export class LatencyHistogram {
  private readonly bins = new Float64Array(BUCKETS);
  /** blocks[b] = the sum of bins[64 b .. 64 b + 63]. */
  private readonly blocks = new Float64Array(BLOCKS);
  private count = 0;
  private lo = BUCKETS;
  private hi = -1;
  /**
   * The buckets that are not empty, in the order they filled (the first `nUsed`): `absorb` and `clear`
   * visit these instead of every bucket from lo to hi when there are fewer of them. A step of an
   * M/M/c/K run holds 90 latencies spread over some 900 buckets, and visiting those 900 at each
   * step's end cost more than the frames (a city's step fills most buckets of its range: the same
   * visits as before).
   */
  private readonly used = new Int32Array(BUCKETS + 1); // + 1: addBucket writes one past the last used
  private nUsed = 0;
  /**
   * Values given to `addLater` and not yet bucketed. A frame's handler stores its latency here (one
   * store) and a tight loop buckets a thousand at a time: bucketing in the handler itself cost 5-8% of
   * an M/M/c/K or seed-demo run (measured; the handler's inlined code grew, not the work). Every
   * reader buckets them first, so they count as added.
   */
  private readonly pending = new Float64Array(PENDING);
  private nPending = 0;

  /** The count in each bucket. */
  get counts(): Float64Array {
    if (this.nPending > 0) this.settle();
    return this.bins;
  }

  /** The number of values (a sum of counts: fractional after `addCount`). */
  get total(): number {
    if (this.nPending > 0) this.settle();
    return this.count;
  }

  /**
   * floor(log(us) / log(1.01)), clamped to the buckets. Latencies are whole µs, and for those a
   * table lookup gives the same bucket without a logarithm: see the tables below.
   */
  static bucketOf(us: number): number {
    const u = us >>> 0;
    if (u === us && u >= SMALL_LIMIT) {
      const e = 31 - Math.clz32(u);
      const k = ((e - SMALL_BITS) << SUB_BITS) | ((u >>> (e - SUB_BITS)) & SUB_MASK);
      // + 1 when u >= SUB_BOUND[k], without a branch: the bound and u are in the same slice (or the
      // bound is its end), so bound - 1 - u is in (-2^23, 2^23) and its sign bit says which. Where
      // the bound falls in a slice is as good as random, and the branch this was cost about 2% of
      // an M/M/c/K run in mispredictions.
      return SUB_FIRST[k] + ((SUB_BOUND[k] - 1 - u) >>> 31);
    }
    if (u === us) return SMALL[u];
    return bucketByLog(us);
  }

  add(us: number): void {
    this.addBucket(LatencyHistogram.bucketOf(us));
  }

  /** add(us), bucketed later (see `pending`): the same counts by the time anything reads them. */
  addLater(us: number): void {
    if (this.nPending === PENDING) this.settle();
    this.pending[this.nPending++] = us;
  }

  /** Buckets the values `addLater` holds. */
  private settle(): void {
    const pending = this.pending;
    const n = this.nPending;
    this.nPending = 0;
    for (let i = 0; i < n; i++) this.addBucket(LatencyHistogram.bucketOf(pending[i]));
  }

  addBucket(i: number): void {
    // Recorded at every value, the next slot overwritten until a bucket is new: no branch.
    this.used[this.nUsed] = i;
    this.nUsed += this.bins[i] === 0 ? 1 : 0;
    this.bins[i]++;
    this.blocks[i >> BLOCK_SHIFT]++;
    this.count++;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  /** `n` values (a count, possibly fractional: the fluid engine's share of a tick) in bucket i. */
  addCount(i: number, n: number): void {
    if (!(n > 0)) return;
    if (this.bins[i] === 0) this.used[this.nUsed++] = i;
    this.bins[i] += n;
    this.blocks[i >> BLOCK_SHIFT] += n;
    this.count += n;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  merge(other: LatencyHistogram): void {
    if (other.nPending > 0) other.settle();
    for (let i = other.lo; i <= other.hi; i++) {
      if (this.bins[i] === 0 && other.bins[i] > 0) this.used[this.nUsed++] = i;
      this.bins[i] += other.bins[i];
    }
    if (other.hi >= 0) {
      for (let b = other.lo >> BLOCK_SHIFT; b <= other.hi >> BLOCK_SHIFT; b++)
        this.blocks[b] += other.blocks[b];
    }
    this.count += other.count;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /**
   * merge(other) then other.clear(), in one pass over other's non-empty blocks: a run's histogram
   * takes each step's at the step's end instead of every value twice as it comes. Sums of whole
   * counts are exact, so the exact engine's result is the one of adding each value to both; the
   * fluid engine's fractional counts are summed per step first, which may differ in the last bits.
   */
  absorb(other: LatencyHistogram): void {
    if (other.nPending > 0) other.settle();
    if (other.hi < 0) return;
    const counts = this.bins;
    const from = other.bins;
    const sparse = 2 * other.nUsed < other.hi - other.lo;
    for (let b = other.lo >> BLOCK_SHIFT; b <= other.hi >> BLOCK_SHIFT; b++) {
      const sum = other.blocks[b];
      if (sum === 0) continue;
      this.blocks[b] += sum;
      other.blocks[b] = 0;
      if (sparse) continue;
      const end = Math.min((b + 1) << BLOCK_SHIFT, other.hi + 1);
      for (let i = Math.max(b << BLOCK_SHIFT, other.lo); i < end; i++) {
        if (counts[i] === 0 && from[i] > 0) this.used[this.nUsed++] = i;
        counts[i] += from[i];
        from[i] = 0;
      }
    }
    if (sparse) {
      const used = other.used;
      for (let u = 0; u < other.nUsed; u++) {
        const i = used[u];
        if (counts[i] === 0) this.used[this.nUsed++] = i;
        counts[i] += from[i];
        from[i] = 0;
      }
    }
    other.nUsed = 0;
    this.count += other.count;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
    other.count = 0;
    other.lo = BUCKETS;
    other.hi = -1;
  }

  /** The q-quantile in µs (0 < q <= 1), or NaN when empty. */
  quantileUs(q: number): number {
    if (this.nPending > 0) this.settle();
    if (this.count === 0) return NaN;
    const target = q * this.count;
    let acc = 0;
    for (let i = this.lo; i <= this.hi; i++) {
      acc += this.bins[i];
      if (acc >= target) return MIDDLE[i];
    }
    return MIDDLE[this.hi];
  }

  /**
   * Several quantiles in one pass over the buckets: `out[k]` = quantileUs(qs[k]), for `qs` in
   * ascending order (the per-step p50, p95 and p99 without three scans).
   */
  quantilesUs(qs: readonly number[], out: Float64Array): void {
    if (this.nPending > 0) this.settle();
    if (this.count === 0) {
      out.fill(NaN, 0, qs.length);
      return;
    }
    const counts = this.bins;
    const blocks = this.blocks;
    let k = 0;
    let target = qs[0] * this.count;
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
        out[k++] = MIDDLE[i];
        if (k < qs.length) target = qs[k] * this.count;
      }
      i++;
    }
    for (; k < qs.length; k++) out[k] = MIDDLE[this.hi];
  }

  clear(): void {
    this.nPending = 0;
    if (2 * this.nUsed < this.hi - this.lo) {
      for (let u = 0; u < this.nUsed; u++) this.bins[this.used[u]] = 0;
      for (let b = this.lo >> BLOCK_SHIFT; b <= this.hi >> BLOCK_SHIFT; b++) this.blocks[b] = 0;
    } else if (this.hi >= 0) {
      for (let b = this.lo >> BLOCK_SHIFT; b <= this.hi >> BLOCK_SHIFT; b++) {
        if (this.blocks[b] === 0) continue;
        this.blocks[b] = 0;
        this.bins.fill(0, Math.max(b << BLOCK_SHIFT, this.lo), Math.min((b + 1) << BLOCK_SHIFT, this.hi + 1));
      }
    }
    this.nUsed = 0;
    this.count = 0;
    this.lo = BUCKETS;
    this.hi = -1;
  }
}
