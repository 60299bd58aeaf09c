/**
 * The prefetch's shared-memory protocol under uneven reading: many streams (up to the 64 a prefetch
 * takes), one read at nearly every turn and one almost never, tiny blocks (1-7 values: a wake-up, a
 * switch from this thread's blocks to the worker's, a ring turn every few reads), and pauses of
 * random length in which the worker fills rings and goes to sleep. Every value must be the stream's
 * next draw (a block overwritten before it was copied, copied before it was whole, or made twice
 * would show), and no read may wait for a worker that sleeps (the read would throw after 60 s).
 * The schedule of reads and pauses comes from a seeded generator: the same reads at every run, only
 * the worker's timing differs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hotDraw, type DrawSpec } from '../../src/model/draws.js';
import type { Dist } from '../../src/scenario/types.js';
import { MAX_PREFETCH_STREAMS, startDrawPrefetch } from '../../src/parallel/draw-prefetch.js';

/** A small seeded generator for the test's schedule (mulberry32). */
function schedule(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DISTS: (Dist | null)[] = [
  null,
  { type: 'exponential', mean: 0.05 },
  { type: 'lognormal', mean: 0.04, cv: 0.7 },
  { type: 'uniform', min: 0.01, max: 0.02 },
];

function specs(n: number): DrawSpec[] {
  return Array.from({ length: n }, (_, s) => ({ component: `streams:${s}:g${s}`, dist: DISTS[s % 4] }));
}

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Reads `reads` values from a prefetch of `n` streams with blocks of `blockSize`, stream 0 at about
 * half the reads, stream n - 1 (n > 2) at about one in 2,000, the rest by random weights; pauses
 * now and then. `waitFirst`: the worker has time to start before the first read (else the first
 * blocks are made here).
 */
async function readUnevenly(
  seed: number,
  n: number,
  blockSize: number,
  reads: number,
  waitFirst: boolean,
): Promise<void> {
  const all = specs(n);
  const rand = schedule(seed);
  const prefetch = startDrawPrefetch(seed, all, blockSize);
  try {
    const draws = all.map((spec) => prefetch.draws.get(spec.component)!);
    const own = all.map((spec) => hotDraw(seed, spec));
    const taken = new Array<number>(n).fill(0);
    const weight = all.map((_, s) => (s === 0 ? 0 : n > 2 && s === n - 1 ? 0 : 1 + 20 * rand() ** 3));
    const total = weight.reduce((a, b) => a + b, 0);
    if (waitFirst) pause(150);
    for (let r = 0; r < reads; r++) {
      let s: number;
      const x = rand();
      if (n === 1 || x < 0.5) s = 0;
      else if (n > 2 && x < 0.5005) s = n - 1;
      else {
        let w = rand() * total;
        s = 1;
        while (s < n - 1 && (w -= weight[s]) >= 0) s++;
        if (n > 2 && s === n - 1) s = n - 2;
      }
      // A run of reads of one stream now and then: it drains the ring while the worker sleeps.
      const burst = rand() < 0.02 ? 1 + Math.floor(rand() * 6 * blockSize) : 1;
      for (let b = 0; b < burst; b++) {
        const got = draws[s]();
        const want = own[s]();
        if (got !== want)
          assert.fail(
            `seed ${seed}, block ${blockSize}: stream ${s} value ${taken[s]} is ${got}, not ${want}`,
          );
        taken[s]++;
      }
      const p = rand();
      if (p < 0.002) pause(1 + Math.floor(rand() * 4));
      else if (p < 0.004) pause(0);
    }
    assert.ok(taken[0] > reads / 3, 'the hot stream was read most');
    if (n > 2) assert.ok(taken[n - 1] < reads / 100, 'the cold stream was read least');
  } finally {
    await prefetch.close();
  }
}

test('uneven reading of 1 to 64 streams with blocks of 1 to 7 values: every draw in order, no stall', async () => {
  let seed = 100;
  for (let blockSize = 1; blockSize <= 7; blockSize++)
    for (const n of [1, 2, 5, MAX_PREFETCH_STREAMS])
      for (const waitFirst of [false, true]) await readUnevenly(seed++, n, blockSize, 6_000, waitFirst);
});

test('a stream read only after every other ring turned many times starts from its first draw', async () => {
  // Its ring was filled once at the start and never read: the worker must not have moved on.
  const all = specs(8);
  const prefetch = startDrawPrefetch(5, all, 3);
  try {
    pause(100);
    const own = all.map((spec) => hotDraw(5, spec));
    for (let i = 0; i < 3_000; i++)
      for (let s = 0; s < 7; s++) assert.equal(prefetch.draws.get(all[s].component)!(), own[s]());
    for (let i = 0; i < 50; i++) assert.equal(prefetch.draws.get(all[7].component)!(), own[7]());
  } finally {
    await prefetch.close();
  }
});
