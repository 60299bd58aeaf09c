/**
 * A slice of the importer fuzzing `npm run soak` does at length (test/fuzz/importers.ts): mutated and
 * random recorded-metrics files (OpenMetrics and Prometheus text, query_range JSON, CSV) and traces
 * (arrival, count) are parsed or refused with the file and line, never a throw of another kind, never
 * a NaN, infinity or a time that is not a date kept silently. Then the fuzzer's findings, minimized,
 * each with what the user gets now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzzImporter, importSeeds, IMPORT_TARGETS, judgeMetricsFile } from './importers.js';
import type { FuzzStats } from './fuzz.js';
import { DataError } from '../../src/errors.js';
import { readMetricsFile } from '../../src/replay/import.js';
import { SeriesBuilder } from '../../src/replay/series.js';
import { parseTime } from '../../src/replay/time.js';
import { windowMedians } from '../../src/replay/calibrate.js';
import seedrandom from 'seedrandom';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
// A sixth of the scenario slice per format: six formats in about the time of one.
const CASES = Math.round(Number(process.env.INFERSCALE_FUZZ_CASES ?? 600) / 6);

function report(stats: FuzzStats): string {
  return stats.findings
    .slice(0, 3)
    .map((f) => `case ${f.case}: ${f.why}\n--- input ---\n${f.input.toString('utf8').slice(0, 2000)}`)
    .join('\n\n');
}

for (const target of IMPORT_TARGETS)
  test(`fuzzed ${target.name}: parsed or refused with file and line, nothing wrong kept`, () => {
    const stats = fuzzImporter(target, CASES, `slice-${target.name}`);
    assert.equal(stats.findings.length, 0, report(stats));
    assert.equal(stats.cases, CASES);
    // The mutations reach past the first check: some mutants are still read, most are refused.
    assert.ok(stats.accepted > CASES / 50, `only ${stats.accepted} accepted`);
    assert.ok(stats.refused > CASES / 3, `only ${stats.refused} refused`);
  });

test('the seeds are valid: every one is read without a finding', () => {
  const s = importSeeds();
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-seeds-'));
  const files: [string, string][] = [
    ['recorded.om', s.openmetrics],
    ['recorded.prom', s.prometheus],
    ['recorded.csv', s.csv],
    ...s.json.map((j, i): [string, string] => [`recorded-${i}.json`, j]),
  ];
  for (const [name, text] of files) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const v = judgeMetricsFile(file);
    assert.deepEqual(v, { kind: 'ok' }, name);
    const b = new SeriesBuilder();
    readMetricsFile(file, b);
    assert.ok(b.finish(30).series.length >= 10, `${name}: every family's series`);
  }
  for (const t of IMPORT_TARGETS.filter((t) => t.name.includes('trace')))
    for (const text of t.corpus()) {
      const file = join(dir, t.fileName);
      writeFileSync(file, text);
      assert.equal(t.judge(file).kind, 'ok', `${t.name}: ${text.slice(0, 80)}`);
    }
});

// Findings of the fuzzer, minimized. Each crashed `replay` (exit 70, "Invalid array length" or
// "Invalid time value") or printed "undefined" before its fix.

function refusal(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'inferscale-finding-')), name);
  writeFileSync(file, text);
  try {
    readMetricsFile(file, new SeriesBuilder());
  } catch (e) {
    assert.ok(e instanceof DataError, String(e));
    assert.ok(e.message.startsWith(file), e.message);
    return e.message.slice(file.length);
  }
  assert.fail(`${name} was accepted`);
}

test('finding: a query_range time of 1e999 (Infinity) or 1e300 is refused at its sample, not kept', () => {
  const body = (t: string) =>
    `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"ei_infer_fps","pod":"a"},"values":[[1767225601,"1"],[${t},"2"]]}]}}`;
  assert.equal(
    refusal('r.json', body('1e999')),
    ': data.result[0].values[1]: timestamp "Infinity" is not a time from 1970 to 9999',
  );
  assert.match(refusal('r.json', body('1e300')), /^: data\.result\[0\]\.values\[1\]: timestamp "1e\+300"/);
  assert.match(refusal('r.json', body('-1')), /^: data\.result\[0\]\.values\[1\]: timestamp "-1"/);
});

test('finding: a text sample at 1e300 (seconds or ms) is refused at its line and column', () => {
  assert.equal(
    refusal('r.om', 'ei_infer_fps{pod="a"} 1 1767225601\nei_infer_fps{pod="a"} 1 1e300\n# EOF\n'),
    ':2:25: timestamp "1e300" is not a time from 1970 to 9999',
  );
  assert.equal(
    refusal('r.prom', 'ei_infer_fps{pod="a"} 1 1767225601000\nei_infer_fps{pod="a"} 1 -1e300\n'),
    ':2:25: timestamp "-1e300" is not a time from 1970 to 9999 (Prometheus text: milliseconds)',
  );
});

test('finding: a CSV timestamp of 400 digits (Infinity) is refused at its cell', () => {
  assert.equal(
    refusal(
      'r.csv',
      `timestamp,metric,pod,value\n1767225601,ei_infer_fps,a,1\n${'9'.repeat(400)},ei_infer_fps,a,2\n`,
    ),
    `:3:1: timestamp "${'9'.repeat(400)}" is not Unix seconds or RFC 3339 from 1970 to 9999`,
  );
  assert.equal(parseTime('9'.repeat(400)), null);
  assert.equal(parseTime('10000-01-01T00:00:00Z'), null);
  assert.equal(parseTime('1767225600.5'), 1767225600.5);
  assert.equal(parseTime('9999-12-31T23:59:59Z'), 253402300799);
});

test('finding: a vector without value, an answer without resultType: said so, not "undefined"', () => {
  assert.equal(
    refusal(
      'v.json',
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"ei_infer_fps"}}]}}',
    ),
    ': data.result[0]: value must be a sample [unix seconds, "value"]',
  );
  assert.equal(
    refusal('v.json', '[{"status":"success","data":{"result":[]}},{"status":"success","data":{}}]'),
    ' [0]: no resultType: a matrix (query_range) or a vector was expected',
  );
});

test('finding: replay of a recording with a time of 1e300 is exit 2 naming file:line:col, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-finding-'));
  const om = join(dir, 'late.om');
  writeFileSync(om, 'ei_infer_fps{pod="a"} 1 1767225601\nei_infer_fps{pod="a"} 1 1e300\n# EOF\n');
  const out = join(dir, 'out');
  const r = spawnSync(
    process.execPath,
    [CLI, 'replay', join(ROOT, 'test/fixtures/replay/recorded.yaml'), '--metrics', om, '--out', out],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /late\.om:2:25: timestamp "1e300" is not a time from 1970 to 9999/);
  assert.doesNotMatch(r.stderr, /Invalid time value|at .*\.js:\d+/);
  assert.ok(!existsSync(out));
});

test('finding: JSON that V8 quotes an excerpt of is refused at line:col without the excerpt', () => {
  const text = `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"x"},"values":[[1767225601,NaN]]}]}}`;
  assert.equal(
    refusal('n.json', text),
    `:1:${text.indexOf('NaN') + 1}: not valid JSON (Unexpected token 'N')`,
  );
});

/** calibrate's median window as it was written first: a scan outward from each point (O(gap) per point). */
function naiveWindowMedians(raw: number[], steps: number, lag: number, half: number): number[] {
  const at = (j: number) => raw[Math.max(0, Math.min(steps, j + lag))];
  const want = 2 * half + 1;
  const out: number[] = [];
  for (let k = 0; k <= steps; k++) {
    const window: number[] = [];
    for (let j = k - half; j <= k + half; j++) if (!Number.isNaN(at(j))) window.push(at(j));
    for (let d = half + 1; window.length < want && (k - d >= -lag || k + d <= steps); d++) {
      if (k + d <= steps && !Number.isNaN(at(k + d))) window.push(at(k + d));
      if (window.length < want && k - d >= -lag && !Number.isNaN(at(k - d))) window.push(at(k - d));
    }
    const s = [...window].sort((a, b) => a - b);
    const n = s.length;
    out.push(n === 0 ? 0 : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2);
  }
  return out;
}

test(
  'finding: the offered load over a long gap is the same medians as the outward scan, without its O(gap) per point',
  { timeout: 30_000 },
  () => {
    // The fuzzer's case: one pod series a sample 60,000 s after the rest, so 60,000 grid points with
    // nothing known between; the scan outward from each point made replay take minutes (quadratic).
    const rng = seedrandom('window-medians');
    for (let c = 0; c < 300; c++) {
      const steps = 1 + Math.floor(rng() * 120);
      const lag = Math.floor(rng() * 4);
      const half = Math.max(1, lag * 2 - Math.floor(rng() * 2), lag);
      const density = rng();
      const raw = Array.from({ length: steps + 1 }, () => (rng() < density ? Math.round(rng() * 50) : NaN));
      // Long gaps, the ends known or not.
      if (rng() < 0.5) raw.fill(NaN, Math.floor(rng() * steps), Math.floor(rng() * (steps + 1)));
      assert.deepEqual(
        windowMedians(raw, steps, lag, half),
        naiveWindowMedians(raw, steps, lag, half),
        `case ${c}`,
      );
    }
    // The fuzzer's shape, small enough for the scan: a known start, a gap, a known end.
    const gap = (steps: number) => {
      const raw = new Array<number>(steps + 1).fill(NaN);
      for (let k = 0; k < 30; k++) raw[k] = 10 + (k % 3);
      raw[steps] = 40;
      return raw;
    };
    assert.deepEqual(windowMedians(gap(3000), 3000, 10, 20), naiveWindowMedians(gap(3000), 3000, 10, 20));
    // At the fuzzer's size it finishes (the scan took about 110 s here; the timeout makes a return to it fail).
    const loads = windowMedians(gap(60_000), 60_000, 10, 20);
    assert.equal(loads[100], 12, 'inside the gap: the median of the nearest 41 known values');
    assert.equal(loads[60_000], 40);
  },
);
