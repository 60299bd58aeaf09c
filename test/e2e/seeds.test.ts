/**
 * `simulate --seeds N`: the default scenario over 20 seeds gives the same files whatever the number
 * of worker threads, with bands in the charts, the tables and bands.csv; `report DIR` redraws it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, by relative path, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

type Band = { p5: number; median: number; p95: number } | null;

test('--seeds 20 on the default scenario: identical with 1 and 2 workers, bands present, report DIR redraws it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-seeds-'));
  try {
    const one = join(dir, 'w1');
    const two = join(dir, 'w2');
    const single = join(dir, 'single');
    const r1 = cli(['simulate', '--seeds', '20', '--workers', '1', '--out', one]);
    assert.equal(r1.status, 0, r1.stderr);
    const r2 = cli(['simulate', '--seeds', '20', '--workers', '2', '--out', two, '--quiet']);
    assert.equal(r2.status, 0, r2.stderr);
    const a = tree(one);
    const b = tree(two);
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [path, bytes] of a)
      assert.ok(bytes.equals(b.get(path)!), `${path} differs between 1 and 2 workers`);

    // The table on stdout says what it summarises and shows bands.
    assert.match(r1.stdout, /20 seeds \(1–20\): each figure is the median/);
    assert.match(r1.stdout, /^total\s.*\(\d+\.\d+–\d+\.\d+\)/m);

    // summary.json: the first seed's figures at the top (equal to a one-seed run), bands beside them.
    const s1 = cli(['simulate', '--out', single, '--no-report', '--quiet']);
    assert.equal(s1.status, 0, s1.stderr);
    const multi = JSON.parse(readFileSync(join(one, 'summary.json'), 'utf8'));
    const plain = JSON.parse(readFileSync(join(single, 'summary.json'), 'utf8'));
    const { replications, ...top } = multi;
    assert.deepEqual(top, plain);
    assert.deepEqual(
      replications.seeds,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.equal(replications.services.length, plain.services.length);
    let wide = 0;
    for (const s of [...replications.services, replications.total])
      for (const [k, v] of Object.entries(s as Record<string, Band | string>)) {
        if (k === 'service' || v === null || typeof v === 'string') continue;
        assert.ok(v.p5 <= v.median && v.median <= v.p95, `${k}: ${JSON.stringify(v)}`);
        if (v.p95 > v.p5) wide++;
      }
    assert.ok(wide > 10, 'seeds differ, so many bands have width');
    // The one-seed figures lie inside or near the bands (seed 1 is one of the 20).
    assert.ok(plain.total.dropRatio >= replications.total.dropRatio.p5 - 0.02);
    assert.ok(plain.total.dropRatio <= replications.total.dropRatio.p95 + 0.02);

    // bands.csv: one row per chart point, p5 <= median <= p95 in every measure.
    const lines = readFileSync(join(one, 'bands.csv'), 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    assert.equal(header[0], 'time_s');
    assert.equal(lines.length - 1, 600 * plain.services.length);
    for (const line of lines.slice(1, 400)) {
      const c = line.split(',');
      for (let i = 2; i < c.length; i += 3) {
        if (c[i] === '') continue;
        const [lo, mid, hi] = [Number(c[i]), Number(c[i + 1]), Number(c[i + 2])];
        assert.ok(lo <= mid && mid <= hi, `${header[i]}: ${line}`);
      }
    }
    // Charts draw the bands (area marks) and say what they are; the page and summary.md too.
    const fps = readFileSync(join(one, 'charts/fps.vl.json'), 'utf8');
    assert.match(fps, /"type": "area"/);
    assert.match(fps, /median of 20 seeds/);
    const svg = readFileSync(join(one, 'charts/fps.svg'), 'utf8');
    assert.match(svg, /class="mark-area/);
    assert.match(readFileSync(join(one, 'summary.md'), 'utf8'), /20 seeds \(1–20\)/);
    assert.match(readFileSync(join(one, 'index.html'), 'utf8'), /Every figure over the 20 seeds/);

    // `report DIR` redraws the same charts, page and summary from the files.
    const again = join(dir, 'again');
    cpSync(one, again, { recursive: true });
    rmSync(join(again, 'charts'), { recursive: true });
    rmSync(join(again, 'index.html'));
    const rr = cli(['report', again, '--quiet']);
    assert.equal(rr.status, 0, rr.stderr);
    const c = tree(again);
    for (const [path, bytes] of a) assert.ok(bytes.equals(c.get(path)!), `${path} differs after report DIR`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--seeds and --workers out of range are usage errors (exit 2) that name the option', () => {
  for (const [args, field] of [
    [['--seeds', '0'], '--seeds'],
    [['--seeds', '2.5'], '--seeds'],
    [['--workers', '0'], '--workers'],
    [['--seed', '4294967295', '--seeds', '2'], '--seeds'],
  ] as const) {
    const r = cli(['simulate', '--no-report', '--out', join(tmpdir(), 'never-written'), ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(field));
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  }
});
