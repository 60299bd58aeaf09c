/**
 * `npm run soak` and `npm run bench` take options too: a bad one is a usage error (exit 2, the usage
 * on stderr, no stack trace), never a silent default; --help prints the usage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SOAK = fileURLToPath(new URL('../soak/run.js', import.meta.url));
const BENCH = fileURLToPath(new URL('../bench/run.js', import.meta.url));

function run(script: string, args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
}

for (const [name, script] of [
  ['soak', SOAK],
  ['bench', BENCH],
] as const) {
  test(`${name} --help prints its usage and exits 0`, () => {
    const r = run(script, ['--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /usage: npm run /);
  });

  test(`${name}: an unknown option is a usage error, without a stack trace`, () => {
    const r = run(script, ['--no-such-option']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no-such-option/);
    assert.match(r.stderr, /usage: npm run /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace');
  });
}

test('soak: a bad value names its option and exits 2 before any leg runs', () => {
  for (const [args, pattern] of [
    [['--legs', 'fuzz,cty'], /--legs: unknown leg cty/],
    [['--cases', 'many'], /--cases must be a whole number/],
    [['--property-runs', '0.5'], /--property-runs must be a whole number >= 1/],
    [['--city-duration', '4q'], /--city-duration: /],
    [['--rss-factor', '0.9'], /--rss-factor must be a number >= 1/],
  ] as const) {
    const r = run(SOAK, [...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stdout, /\| leg \|/, `${args.join(' ')} ran legs`);
  }
});

test('bench: a bad --repeats or --city-seconds names its option and exits 2 before anything runs', () => {
  for (const [args, pattern] of [
    [['--repeats', '0'], /--repeats must be a whole number from 1 to 99/],
    [['--repeats', '2.5'], /--repeats must be a whole number from 1 to 99/],
    [['--city-seconds', 'soon'], /--city-seconds must be a positive number of seconds/],
  ] as const) {
    const r = run(BENCH, [...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /bench: /, `${args.join(' ')} started measuring`);
  }
});
