/** num() and round6() take a fast path; it must print exactly what toFixed(6) prints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { num, round6 } from '../../src/report/format.js';

const slow = (x: number) => String(Number(x.toFixed(6)));

function values(): number[] {
  const rng = seedrandom.alea('num');
  const xs: number[] = [0, -0, 1e-7, -1e-7, 5e-7, -5e-7, 0.0000005, 1.0000005, 2147.4836475, 2147.4836485];
  xs.push(1e21, -1e21, 1.5e21, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 0.5);
  for (let i = 0; i < 200_000; i++) {
    const mag = 10 ** Math.floor(rng() * 24 - 12);
    const sign = rng() < 0.3 ? -1 : 1;
    xs.push(sign * rng() * mag);
    // Near and at ties of the sixth decimal, where the float product can round either way.
    const k = Math.floor(rng() * 1e9) * sign;
    xs.push((k + 0.5) / 1e6, (k + 0.5 + (rng() - 0.5) * 1e-6) / 1e6, k / 1e6 + 5e-7);
    // Values as the simulator makes them: ratios of counts, latency bucket midpoints.
    xs.push(
      Math.floor(rng() * 1e6) / Math.floor(1 + rng() * 1e4),
      Math.pow(1.01, Math.floor(rng() * 2800) + 0.5) / 1e6,
    );
  }
  return xs;
}

test('num and round6 agree with Number(x.toFixed(6)) to the byte', () => {
  let checked = 0;
  for (const x of values()) {
    assert.equal(num(x), slow(x), `num(${x})`);
    assert.ok(
      Object.is(round6(x), Number(x.toFixed(6))) || round6(x) === Number(x.toFixed(6)),
      `round6(${x})`,
    );
    checked++;
  }
  assert.ok(checked > 1_000_000);
  assert.equal(num(null), '');
  assert.equal(num(NaN), '');
  assert.equal(round6(null), null);
});
