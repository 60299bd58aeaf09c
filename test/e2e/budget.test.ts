/**
 * Runs too big for the machine are refused before they start, with the estimate and the ways out
 * (--duration, --step, --max-events, --max-rows), exit 2 and nothing written; within the budget,
 * and with a raised budget, the same scenario runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

/** mmck.yaml with its Poisson stream replaced by `count` cameras at `fps`, for `duration`. */
function cityScenario(dir: string, count: number, fps: number, duration: string): string {
  const base = readFileSync(join(ROOT, 'scenarios/mmck.yaml'), 'utf8');
  const text = base
    .replace(/^duration: .*$/m, `duration: ${duration}`)
    .replace(
      /^streams:[\s\S]*$/m,
      `streams:\n  - { type: mm, kind: camera, fps: ${fps}, count: ${count} }\n`,
    );
  const file = join(dir, 'city.yaml');
  writeFileSync(file, text);
  return file;
}

function simulate(args: string[]) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, 'simulate', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { ...r, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

test('2,000 cameras at 60 FPS for a year are refused up front with the estimate', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-budget-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = cityScenario(dir, 2000, 60, '365d');
  const out = join(dir, 'out');
  const r = simulate([file, '--out', out]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  // 2,000 x 60 FPS x 365 d = 3.78e12 frames, two events each.
  assert.match(
    r.stderr,
    new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1 --max-events: `, 'm'),
  );
  assert.match(r.stderr, /about 7\.6e12 events \(3\.8e12 frames\), over the budget of 1e10/);
  assert.match(r.stderr, /--duration/);
  // A year of 1 s steps, one service and one node pool: 63 million rows; the row budget says so
  // too, and names --step.
  assert.match(r.stderr, /--max-rows: this run would keep about 6\.3e7 time-series rows.*--step/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(out), false, 'nothing written');
});

test('--step and --max-events make the same kind of run fit; --seeds multiplies the estimate', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-budget-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // 200 cameras at 25 FPS for 30 days: 1.3e10 frames, 2.6e10 events, 2 x 2.6 million 1 s rows.
  const file = cityScenario(dir, 200, 25, '30d');
  const refused = simulate([file, '--out', join(dir, 'a'), '--max-rows', '1e6']);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /--max-events: this run would process about 2\.6e10 events/);
  assert.match(refused.stderr, /--max-rows: this run would keep about 5\.2e6 time-series rows/);

  // A ten-minute run of the same streams fits; with three seeds it is three times the events.
  const short = cityScenario(dir, 200, 25, '10m');
  const seeds = simulate([
    short,
    '--out',
    join(dir, 'b'),
    '--seeds',
    '3',
    '--max-events',
    '1e7',
    '--no-report',
  ]);
  assert.equal(seeds.status, 2, seeds.stderr);
  assert.match(seeds.stderr, /about 1\.8e7 events \(3 seeds × 6e6 events, 3e6 frames each\)/);

  const ok = simulate([
    short,
    '--out',
    join(dir, 'c'),
    '--duration',
    '1m',
    '--step',
    '10s',
    '--no-report',
    '--quiet',
  ]);
  assert.equal(ok.status, 0, ok.stderr);
  const rows =
    readFileSync(join(dir, 'c', 'timeseries.csv'), 'utf8')
      .trim()
      .split('\n').length - 1;
  assert.equal(rows, 6, '--step 10s over 1 min gives 6 rows');
});

test('bad budget and step options are refused naming the option', () => {
  for (const [args, field] of [
    [['--max-events', '0'], '--max-events'],
    [['--max-rows', 'NaN'], '--max-rows'],
    [['--step', 'soon'], '--step'],
    [['--step', '2h'], '--step'],
  ] as const) {
    const r = simulate(['scenarios/mmck.yaml', '--out', join(tmpdir(), 'never-written'), ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`\\(command line\\):1:1 ${field}: `));
  }
});
