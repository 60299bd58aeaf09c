/** compact() takes a fast path; it must give exactly what Number(x.toPrecision(6)) gives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { compact } from '../../src/report/series.js';

const slow = (x: number) => Number(x.toPrecision(6));

function values(): number[] {
  const rng = seedrandom.alea('compact');
  const xs: number[] = [0, -0, 1, -1, 1e-10, 9.99999e-11, 1e15, 999999999999999.9, 1e21, -1e21];
  xs.push(Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, 99999.95, 999999.5);
  // Every power of ten in range and its neighbours, where log10 can miss the exponent by one.
  for (let e = -12; e <= 16; e++) {
    const p = Number(`1e${e}`);
    xs.push(p, p * (1 + 2 ** -52), p * (1 - 2 ** -53), p * 0.9999995, p * 0.99999949, p * 9.999995);
  }
  for (let i = 0; i < 200_000; i++) {
    const mag = 10 ** Math.floor(rng() * 30 - 13);
    const sign = rng() < 0.3 ? -1 : 1;
    xs.push(sign * rng() * mag);
    // At and near ties of the sixth significant digit: n.5 x 10^k, decimal and binary.
    const n = 100_000 + Math.floor(rng() * 900_000);
    const k = Math.floor(rng() * 20) - 10;
    xs.push(
      sign * Number(`${n}.5e${k}`),
      sign * (n + 0.5) * 2 ** (k * 3),
      sign * Number(`${n}.4999999e${k}`),
    );
    // Values as the charts hold them: 6-decimal CSV values and their means, integers, ratios.
    xs.push(
      Math.round(rng() * 1e9) / 1e6,
      (Math.round(rng() * 1e9) / 1e6 + Math.round(rng() * 1e9) / 1e6) / 2,
      Math.floor(rng() * 1e7),
      Math.floor(rng() * 1e6) / Math.floor(1 + rng() * 1e4),
    );
  }
  return xs;
}

test('compact agrees with Number(x.toPrecision(6)) to the bit', () => {
  let checked = 0;
  for (const x of values()) {
    const want = slow(x);
    const got = compact(x);
    // toPrecision writes -0 as "0.00000", so zero comes back as +0 both ways.
    assert.ok(Object.is(got, want), `compact(${x}) = ${got}, toPrecision gives ${want}`);
    checked++;
  }
  assert.ok(checked > 1_000_000, `${checked} values`);
  assert.ok(Number.isNaN(compact(NaN)));
});
