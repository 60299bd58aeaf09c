/** quantilesUs (one pass, the per-step rows' percentiles) gives exactly what quantileUs gives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomStream } from '../../src/engine/rng.js';
import { LatencyHistogram } from '../../src/metrics/histogram.js';

test('quantilesUs equals quantileUs for each q, on histograms of 1 to 5000 values', () => {
  const rng = randomStream(5, 'histogram-test');
  const qs = [0.01, 0.5, 0.95, 0.99, 1];
  const out = new Float64Array(qs.length);
  for (let trial = 0; trial < 300; trial++) {
    const h = new LatencyHistogram();
    const n = 1 + Math.floor(rng.next() * 5000);
    const scale = 10 ** (rng.next() * 6);
    for (let i = 0; i < n; i++) h.add(-Math.log(rng.next()) * scale);
    h.quantilesUs(qs, out);
    qs.forEach((q, k) => assert.equal(out[k], h.quantileUs(q), `trial ${trial}, q ${q}`));
  }
  const empty = new LatencyHistogram();
  empty.quantilesUs(qs, out);
  assert.ok(out.every((x) => Number.isNaN(x)));
});

test('a histogram reused through clear() and merge() answers as a fresh one with the same values', () => {
  const rng = randomStream(6, 'histogram-reuse');
  const qs = [0.5, 0.95, 0.99];
  const got = new Float64Array(qs.length);
  const want = new Float64Array(qs.length);
  const reused = new LatencyHistogram();
  const merged = new LatencyHistogram();
  const all = new LatencyHistogram();
  for (let trial = 0; trial < 300; trial++) {
    reused.clear();
    const fresh = new LatencyHistogram();
    const n = 1 + Math.floor(rng.next() * 3000);
    // Narrow and wide spreads, so whole 64-bucket blocks are both skipped and cut at lo and hi.
    const scale = 10 ** (rng.next() * 8);
    const spread = rng.next() < 0.5 ? 0.05 : 3;
    for (let i = 0; i < n; i++) {
      const us = scale * Math.exp(spread * (rng.next() - 0.5));
      reused.add(us);
      fresh.add(us);
      all.add(us);
    }
    merged.merge(reused);
    reused.quantilesUs(qs, got);
    fresh.quantilesUs(qs, want);
    assert.deepEqual([...got], [...want], `trial ${trial}`);
    assert.equal(reused.total, fresh.total);
  }
  merged.quantilesUs(qs, got);
  all.quantilesUs(qs, want);
  assert.deepEqual([...got], [...want]);
  qs.forEach((q, k) => assert.equal(got[k], all.quantileUs(q)));
});
