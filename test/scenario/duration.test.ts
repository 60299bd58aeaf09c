import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDurationUs } from '../../src/scenario/duration.js';

const cases: [string, number | string, number][] = [
  ['seconds as a number', 1.5, 1_500_000],
  ['seconds', '90s', 90_000_000],
  ['minutes', '5m', 300_000_000],
  ['hours', '1h', 3_600_000_000],
  ['days', '1d', 86_400_000_000],
  ['milliseconds', '250ms', 250_000],
  ['microseconds', '7us', 7],
  ['fractional minutes', '1.5m', 90_000_000],
  ['spaces around', ' 2 s ', 2_000_000],
];
for (const [name, spec, us] of cases) {
  test(`parseDurationUs: ${name}`, () => assert.equal(parseDurationUs(spec), us));
}

test('parseDurationUs rejects what is not a duration', () => {
  for (const bad of ['', '5', '5x', '-1s', '1e3s', 's'])
    assert.throws(() => parseDurationUs(bad), /not a duration/);
});

test('formatDuration picks the largest exact unit', () => {
  assert.equal(formatDuration(90_000_000), '90s');
  assert.equal(formatDuration(300_000_000), '5m');
  assert.equal(formatDuration(250_000), '250ms');
  assert.equal(formatDuration(0), '0s');
});
