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

test('addCount (fractional counts, the fluid engine) keeps quantilesUs equal to quantileUs, and clear() empties it', () => {
  const rng = randomStream(7, 'histogram-add-count');
  const qs = [0.5, 0.95, 0.99];
  const got = new Float64Array(qs.length);
  const h = new LatencyHistogram();
  for (let round = 0; round < 3; round++) {
    // Values over six decades, so the one-pass scan has whole 64-bucket blocks to skip.
    for (let k = 0; k < 2000; k++) {
      const bucket = LatencyHistogram.bucketOf(10 ** (1 + rng.next() * 6));
      h.addCount(bucket, 0.01 + rng.next() * 3);
    }
    h.quantilesUs(qs, got);
    qs.forEach((q, k) => assert.equal(got[k], h.quantileUs(q), `round ${round}, q ${q}`));
    h.clear();
    h.quantilesUs(qs, got);
    assert.ok(
      got.every((x) => Number.isNaN(x)),
      'empty after clear()',
    );
    h.addCount(LatencyHistogram.bucketOf(1000), 2.5);
    h.quantilesUs(qs, got);
    qs.forEach((q, k) => assert.equal(got[k], h.quantileUs(q), `after clear, round ${round}, q ${q}`));
    h.clear();
  }
});

test('bucketOf gives floor(log(us) / log(1.01)) for every whole µs it looks up in its tables', () => {
  const logRatio = Math.log(1.01);
  const byLog = (us: number) => {
    const i = us < 1 ? 0 : Math.floor(Math.log(us) / logRatio);
    return i < 2800 ? i : 2799;
  };
  let checked = 0;
  const check = (us: number) => {
    const got = LatencyHistogram.bucketOf(us);
    if (got !== byLog(us)) assert.fail(`bucketOf(${us}) = ${got}, not ${byLog(us)}`);
    checked++;
  };
  // Every value up to 2^22 µs (4 s), every bucket boundary below 2^32 and its neighbours, and a
  // spread of values over the whole table, fractional and out of range ones included.
  for (let us = 0; us <= 2 ** 22; us++) check(us);
  for (let j = 0; Math.exp(j * logRatio) < 2 ** 32 + 4; j++) {
    const c = Math.round(Math.exp(j * logRatio));
    for (let d = -3; d <= 3; d++) if (c + d >= 0) check(c + d);
  }
  const rng = randomStream(7, 'bucket-of');
  for (let i = 0; i < 1_000_000; i++) {
    check(Math.floor(rng.next() * 2 ** 32));
    check(rng.next() * 10 ** (rng.next() * 14));
  }
  for (const us of [-1, 0.5, 2 ** 32 - 1, 2 ** 32, 2 ** 40, 1e13]) check(us);
  assert.ok(checked > 6_000_000);
});

test('absorb equals merge then clear, and leaves the absorbed histogram empty and reusable', () => {
  const rng = randomStream(5, 'absorb');
  const run = new LatencyHistogram();
  const ref = new LatencyHistogram();
  const step = new LatencyHistogram();
  const refStep = new LatencyHistogram();
  for (let s = 0; s < 50; s++) {
    // Steps of different spreads: some empty, some in one block, some over many.
    const n = s % 7 === 0 ? 0 : Math.floor(rng.next() * 400);
    const spread = 1 + rng.next() * 6;
    for (let i = 0; i < n; i++) {
      const us = Math.round(10 ** (1 + rng.next() * spread));
      step.add(us);
      refStep.add(us);
    }
    run.absorb(step);
    ref.merge(refStep);
    refStep.clear();
    assert.equal(step.total, 0);
    assert.ok(Number.isNaN(step.quantileUs(0.5)));
    assert.ok(
      step.counts.every((c) => c === 0),
      `step ${s}: absorbed counts left behind`,
    );
  }
  assert.ok(run.total > 0);
  assert.deepEqual(Array.from(run.counts), Array.from(ref.counts));
  assert.equal(run.total, ref.total);
  for (const q of [0.01, 0.5, 0.95, 0.99, 1]) assert.equal(run.quantileUs(q), ref.quantileUs(q));
  const mine = new Float64Array(3);
  const theirs = new Float64Array(3);
  run.quantilesUs([0.5, 0.95, 0.99], mine);
  ref.quantilesUs([0.5, 0.95, 0.99], theirs);
  assert.deepEqual(mine, theirs);
  // The run's histogram, filled by absorbing (its list of buckets in use kept that way), absorbed
  // and cleared in turn: nothing left behind in either.
  const outer = new LatencyHistogram();
  outer.absorb(run);
  assert.deepEqual(Array.from(outer.counts), Array.from(ref.counts));
  assert.ok(run.counts.every((c) => c === 0) && run.total === 0);
  outer.clear();
  assert.ok(outer.counts.every((c) => c === 0) && outer.total === 0);
  outer.add(1234);
  const one = new LatencyHistogram();
  one.add(1234);
  assert.deepEqual(Array.from(outer.counts), Array.from(one.counts));
});

test('addLater counts as add for every reader, across its buffer filling and with values left in it', () => {
  const rng = randomStream(11, 'add-later');
  // Each round adds a count that crosses the buffer's 1024 (or not), then reads one way; the
  // reference gets the same values through add.
  const readers: ((h: LatencyHistogram) => unknown)[] = [
    (h) => h.total,
    (h) => Array.from(h.counts),
    (h) => h.quantileUs(0.9),
    (h) => {
      const out = new Float64Array(3);
      h.quantilesUs([0.5, 0.95, 0.99], out);
      return Array.from(out);
    },
    (h) => {
      const into = new LatencyHistogram();
      into.merge(h);
      return [into.total, into.quantileUs(0.5)];
    },
  ];
  for (let round = 0; round < 40; round++) {
    const later = new LatencyHistogram();
    const now = new LatencyHistogram();
    const n = [0, 1, 1023, 1024, 1025, 3000][round % 6] + Math.floor(rng.next() * 3);
    for (let i = 0; i < n; i++) {
      const us = Math.round(10 ** (rng.next() * 7));
      later.addLater(us);
      now.add(us);
    }
    const read = readers[round % readers.length];
    assert.deepEqual(read(later), read(now), `round ${round}: ${n} values`);
    // absorb takes the held values too, and clear drops them.
    const run = new LatencyHistogram();
    const ref = new LatencyHistogram();
    later.addLater(1234);
    now.add(1234);
    run.absorb(later);
    ref.absorb(now);
    assert.equal(run.total, ref.total);
    assert.deepEqual(Array.from(run.counts), Array.from(ref.counts));
    later.addLater(99);
    later.clear();
    assert.equal(later.total, 0);
  }
});
