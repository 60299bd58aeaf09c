import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomStream } from '../../src/engine/rng.js';

const draw = (seed: number, name: string, n: number) => {
  const r = randomStream(seed, name);
  return Array.from({ length: n }, () => r.next());
};

test('one (seed, component) gives one sequence', () => {
  assert.deepEqual(draw(1, 'streams:0', 100), draw(1, 'streams:0', 100));
});

test('another seed or another component gives another sequence', () => {
  assert.notDeepEqual(draw(1, 'a', 10), draw(2, 'a', 10));
  assert.notDeepEqual(draw(1, 'a', 10), draw(1, 'b', 10));
});

test('draws lie in (0, 1) and look uniform', () => {
  const xs = draw(42, 'uniform', 100000);
  assert.ok(xs.every((x) => x > 0 && x < 1));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
});

test("the streams draw exactly seedrandom's alea sequence for the same seed string", async () => {
  const seedrandom = (await import('seedrandom')).default;
  for (const [seed, name] of [
    [1, 'streams:0:cam'],
    [7, 'service:mm:work'],
    [123456, ''],
  ] as const) {
    const ref = seedrandom.alea(`${seed}\u0000${name}`);
    const ours = draw(seed, name, 100_000);
    for (let i = 0; i < ours.length; i++) assert.equal(ours[i], ref() || 5.421010862427522e-20, `draw ${i}`);
  }
});
