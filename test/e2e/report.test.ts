/** Reports as a user makes them: `simulate` writes charts and a page, `report DIR` redraws them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseSpec, merge } from '../helpers/scenario.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const HOSTILE = ['<script>alert(1)</script>', '</script><script>alert(2)</script>'];
const CHARTS = ['fps', 'hpa', 'latency', 'nodes', 'queue', 'replicas'];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' }, (error, _stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    ),
  );
}

/** The generated files of a report folder, by relative path. */
function generated(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const f of readdirSync(join(dir, 'charts')).sort())
    files.set(`charts/${f}`, readFileSync(join(dir, 'charts', f)));
  for (const f of ['index.html', 'summary.md']) files.set(f, readFileSync(join(dir, f)));
  return files;
}

function assertSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>, what: string) {
  assert.deepEqual([...a.keys()], [...b.keys()], what);
  for (const [f, bytes] of a) assert.ok(bytes.equals(b.get(f)!), `${f}: ${what}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'inferscale-report-e2e-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const scenarioFile = join(tmp, 'hostile.json');
writeFileSync(
  scenarioFile,
  JSON.stringify(
    merge(baseSpec(), {
      name: 'hostile',
      description: HOSTILE.join(' and '),
      services: {
        svc: {
          model: 'm',
          resources: { requests: { cpu: 0.5 } },
          autoscale: { cpuPercent: 60, min: 1, max: 2 },
        },
      },
      streams: [{ type: 'svc', fps: 15, phase: 0 }],
      controller: { syncPeriod: '5s' },
      metricsPipeline: { metricsServerResolution: '5s' },
    }),
  ),
);
const simulate = (out: string, ...more: string[]) =>
  cli(['simulate', scenarioFile, '--duration', '40s', '--out', join(tmp, out), '--quiet', ...more]);

test('simulate writes the charts as specs and SVG, the page and a summary.md that shows them', () => {
  const r = simulate('a');
  assert.equal(r.status, 0, r.stderr);
  const dir = join(tmp, 'a');
  assert.deepEqual(readdirSync(dir).sort(), [
    'charts',
    'events.csv',
    'index.html',
    'nodes.csv',
    'scenario.json',
    'summary.json',
    'summary.md',
    'timeseries.csv',
  ]);
  assert.deepEqual(
    readdirSync(join(dir, 'charts')).sort(),
    CHARTS.flatMap((c) => [`${c}.svg`, `${c}.vl.json`]),
  );
  const md = readFileSync(join(dir, 'summary.md'), 'utf8');
  for (const c of CHARTS) assert.match(md, new RegExp(`!\\[[^\\]]+\\]\\(charts/${c}\\.svg\\)`));
  const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8'));
  assert.equal(scenario.durationUs, 40e6, 'scenario.json is the scenario as run (--duration applied)');
  assert.equal(scenario.services[0].queueCapacity, 32, 'defaults are filled in');
});

test('scenario text reaches index.html only escaped', () => {
  const html = readFileSync(join(tmp, 'a', 'index.html'), 'utf8');
  for (const s of HOSTILE) {
    assert.ok(!html.includes(s), `${s} appears unescaped`);
    assert.ok(html.includes(s.replace(/</g, '&lt;').replace(/>/g, '&gt;')), `${s} does not appear escaped`);
  }
  assert.equal(html.match(/<\/script/gi)?.length, 5);
  assert.doesNotMatch(readFileSync(join(tmp, 'a', 'summary.md'), 'utf8'), /<script/);
});

test('two runs give byte-identical charts, page and summary', () => {
  assert.equal(simulate('b').status, 0);
  assertSameFiles(generated(join(tmp, 'a')), generated(join(tmp, 'b')), 'differs between two runs');
});

test('report DIR regenerates byte-identical files from a run folder, without simulating', () => {
  const dir = join(tmp, 'a');
  const before = generated(dir);
  rmSync(join(dir, 'charts'), { recursive: true });
  rmSync(join(dir, 'index.html'));
  const r = cli(['report', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^report: .* \(6 charts, index.html, summary.md\)\n$/);
  assertSameFiles(before, generated(dir), 'differs once regenerated');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith('.')),
    [],
    'temporary files were left behind',
  );
});

test('report DIR on a folder written before nodes.csv existed draws every chart but the nodes chart', () => {
  const dir = join(tmp, 'no-nodes');
  cpSync(join(tmp, 'b'), dir, { recursive: true });
  rmSync(join(dir, 'nodes.csv'));
  const r = cli(['report', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(5 charts, index.html, summary.md\)/);
  const before = generated(join(tmp, 'b'));
  const after = generated(dir);
  before.delete('charts/nodes.svg');
  before.delete('charts/nodes.vl.json');
  for (const f of ['charts/fps.svg', 'charts/latency.vl.json', 'charts/replicas.svg'])
    assert.ok(before.get(f)!.equals(after.get(f)!), `${f} differs`);
  assert.doesNotMatch(after.get('summary.md')!.toString(), /nodes\.svg/);
});

test('--no-report writes the CSV and JSON files only; report DIR adds the rest, as simulate would', () => {
  const r = simulate('c', '--no-report');
  assert.equal(r.status, 0, r.stderr);
  const dir = join(tmp, 'c');
  assert.deepEqual(readdirSync(dir).sort(), [
    'events.csv',
    'nodes.csv',
    'scenario.json',
    'summary.json',
    'timeseries.csv',
  ]);
  assert.equal(cli(['report', dir, '--quiet']).status, 0);
  assertSameFiles(generated(join(tmp, 'b')), generated(dir), 'differs from what simulate wrote');
});

test('report DIR: a missing or malformed folder or file exits 2 naming it, and replaces nothing', async () => {
  const good = join(tmp, 'b');
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['no folder', (dir) => rmSync(dir, { recursive: true }), /error: .*no-folder: no such folder/],
    [
      'a file, not a folder',
      (dir) => {
        rmSync(dir, { recursive: true });
        writeFileSync(dir, 'notes\n');
      },
      /error: .*a-file is a file, not a report folder/,
    ],
    [
      'summary.json not JSON',
      (dir) => writeFileSync(join(dir, 'summary.json'), '{'),
      /summary\.json: not valid JSON/,
    ],
    [
      'summary.json without services',
      (dir) =>
        writeFileSync(
          join(dir, 'summary.json'),
          '{"scenario":"x","seed":1,"durationSeconds":1,"stepSeconds":1,"events":0}',
        ),
      /summary\.json: services must be a non-empty array/,
    ],
    [
      'a bad number in timeseries.csv',
      (dir) => {
        const lines = readFileSync(join(dir, 'timeseries.csv'), 'utf8').split('\n');
        lines[2] = lines[2].replace(/^([^,]*,[^,]*,)[^,]*/, '$1lots');
        writeFileSync(join(dir, 'timeseries.csv'), lines.join('\n'));
      },
      /timeseries\.csv:3: replicas "lots" is not a number/,
    ],
    ['no events.csv', (dir) => rmSync(join(dir, 'events.csv')), /events\.csv: no such file/],
    [
      'a bad number in nodes.csv',
      (dir) => {
        const lines = readFileSync(join(dir, 'nodes.csv'), 'utf8').split('\n');
        lines[1] = lines[1].replace(/,[^,]*$/, ',busy');
        writeFileSync(join(dir, 'nodes.csv'), lines.join('\n'));
      },
      /nodes\.csv:2: cpu_utilization "busy" is not a number/,
    ],
    [
      'a load step without a time in summary.json',
      (dir) => {
        const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
        summary.services[0].loadSteps = [{ recoverySeconds: 3 }];
        writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
      },
      /summary\.json: services\[0\]\.loadSteps\[0\]\.atSeconds must be a number/,
    ],
  ];
  // Each case breaks its own copy of a good run folder; the commands run side by side.
  const results = await Promise.all(
    cases.map(async ([name, breakIt], i) => {
      const dir = join(tmp, i === 0 ? 'no-folder' : i === 1 ? 'a-file' : `broken-${i}`);
      cpSync(good, dir, { recursive: true });
      breakIt(dir);
      const r = await cliAsync(['report', dir]);
      return { r, dir };
    }),
  );
  const page = readFileSync(join(good, 'index.html'));
  for (const [i, [name, , message]] of cases.entries()) {
    const { r, dir } = results[i];
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${name}: a stack trace`);
    if (i > 1)
      assert.ok(readFileSync(join(dir, 'index.html')).equals(page), `${name}: index.html was replaced`);
  }
});
