/**
 * roundUs stands in for Math.round on the hot paths (engine/time.ts): it must give the same number
 * for every double, or a run's events would move by a µs and its outputs would change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { roundUs } from '../../src/engine/time.js';

/** Math.round's value, with -0 read as 0 (the one difference roundUs documents). */
const expected = (x: number): number => Math.round(x) + 0;

test('roundUs equals Math.round at the values where floor(x + 0.5) is wrong or rounding is close', () => {
  const edges = [
    0,
    -0,
    0.5,
    -0.5,
    1.5,
    -1.5,
    2.5,
    0.49999999999999994, // floor(x + 0.5) gives 1: x + 0.5 rounds up to 1
    -0.49999999999999994,
    0.5000000000000001,
    -0.5000000000000001,
    1.4999999999999998,
    2 ** 52 - 0.5,
    2 ** 52 - 1.5,
    2 ** 52,
    2 ** 52 + 1, // x + 0.5 rounds to the even 2^52 + 2
    -(2 ** 52 + 1),
    2 ** 53 + 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    Infinity,
    -Infinity,
  ];
  for (const x of edges) assert.equal(roundUs(x), expected(x), `x = ${x}`);
  assert.ok(Number.isNaN(roundUs(NaN)));
  // Every k + 0.5 and its two neighbours, across the binades a time in µs can be in.
  for (let e = 0; e < 52; e++) {
    for (const k of [2 ** e - 1, 2 ** e, 2 ** e + 1]) {
      const half = k + 0.5;
      for (const x of [half, nextDown(half), nextUp(half), -half, -nextDown(half), -nextUp(half)])
        assert.equal(roundUs(x), expected(x), `x = ${x}`);
    }
  }
});

test('roundUs equals Math.round for any double', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true }), (x) => roundUs(x) === expected(x)),
    { numRuns: 20_000 },
  );
  // Durations in µs as the engine makes them: a draw times 1e6, divided by a rate.
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e4, noNaN: true }),
      fc.double({ min: 0.01, max: 100, noNaN: true }),
      (seconds, rate) => {
        const us = (seconds * 1e6) / rate;
        return roundUs(us) === expected(us);
      },
    ),
    { numRuns: 20_000 },
  );
});

function nextUp(x: number): number {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  i[0] += x >= 0 ? 1n : -1n;
  return b[0];
}

function nextDown(x: number): number {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  i[0] -= x > 0 ? 1n : -1n;
  return b[0];
}
