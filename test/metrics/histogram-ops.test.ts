/**
 * LatencyHistogram against a plain array of counts, through random sequences of every operation that
 * changes its buckets (add, addLater, addBucket, addCount with fractional counts, merge, absorb of
 * sparse and dense histograms, clear) on a few histograms that feed one another: its list of
 * non-empty buckets, which absorb and clear visit instead of the whole range when it is short, must
 * never miss a bucket, whichever operation filled it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomStream } from '../../src/engine/rng.js';
import { LatencyHistogram } from '../../src/metrics/histogram.js';

const BUCKETS = LatencyHistogram.bucketOf(1e300) + 1;

class Model {
  counts = new Float64Array(BUCKETS);
  total = 0;
  add(i: number, n: number): void {
    this.counts[i] += n;
    this.total += n;
  }
  merge(o: Model): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += o.counts[i];
    this.total += o.total;
  }
  clear(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}

test('random sequences of every bucket-changing operation leave the counts of a plain array', () => {
  const rng = randomStream(3, 'histogram-ops');
  const pick = (n: number) => Math.floor(rng.next() * n);
  const qs = [0.5, 0.95, 0.99];
  const got = new Float64Array(3);
  for (let trial = 0; trial < 60; trial++) {
    const hs = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    const ms = [new Model(), new Model(), new Model()];
    for (let op = 0; op < 400; op++) {
      const a = pick(3);
      const b = (a + 1 + pick(2)) % 3;
      // A narrow range (sparse: few buckets over a wide lo..hi, or dense: most of a narrow one).
      const centre = 10 ** (1 + rng.next() * 7);
      const spread = rng.next() < 0.5 ? 0.02 : 4;
      const us = () => Math.round(centre * Math.exp(spread * (rng.next() - 0.5)));
      const kind = pick(9);
      const n = kind < 5 ? 1 + pick(rng.next() < 0.3 ? 300 : 5) : 1;
      // Values addLater holds are counted when settled: settled first here, so that fractional sums
      // come in the model's order (whole counts are exact in any order).
      if (kind !== 1) void hs[a].total;
      for (let k = 0; k < n; k++) {
        if (kind === 0) {
          const v = us();
          hs[a].add(v);
          ms[a].add(LatencyHistogram.bucketOf(v), 1);
        } else if (kind === 1) {
          const v = us();
          hs[a].addLater(v);
          ms[a].add(LatencyHistogram.bucketOf(v), 1);
        } else if (kind === 2) {
          const i = LatencyHistogram.bucketOf(us());
          hs[a].addBucket(i);
          ms[a].add(i, 1);
        } else if (kind === 3 || kind === 4) {
          const i = LatencyHistogram.bucketOf(us());
          const c = rng.next() < 0.1 ? 0 : rng.next() * 2 ** (pick(40) - 30);
          hs[a].addCount(i, c);
          if (c > 0) ms[a].add(i, c);
        } else if (kind === 5) {
          hs[a].merge(hs[b]);
          ms[a].merge(ms[b]);
        } else if (kind === 6 || kind === 7) {
          hs[a].absorb(hs[b]);
          ms[a].merge(ms[b]);
          ms[b].clear();
        } else {
          hs[a].clear();
          ms[a].clear();
        }
      }
      if (op % 20 === 19 || kind >= 5)
        for (let h = 0; h < 3; h++) {
          assert.deepEqual(hs[h].counts, ms[h].counts, `trial ${trial}, op ${op}, histogram ${h}`);
          assert.equal(hs[h].total, ms[h].total);
        }
    }
    // Each emptied at the end, by clear or by being absorbed: nothing left behind, and usable again.
    hs[1].absorb(hs[0]);
    hs[1].clear();
    for (const h of [hs[0], hs[1]]) {
      assert.ok(
        h.counts.every((c) => c === 0),
        `trial ${trial}: counts left behind`,
      );
      h.add(777);
      h.quantilesUs(qs, got);
      assert.ok(got.every((x) => x === h.quantileUs(0.5)));
    }
  }
});
