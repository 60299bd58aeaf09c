/**
 * A report lists each file read (issue 9, "safe by construction"): the scenario, its manifests, its
 * empirical service times and its traces, each with the field that names it, its size and sha256,
 * in scenario.json, summary.md and index.html; paths as the scenario gives them, so the same files
 * give the same report wherever they sit; names escaped in the page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { writeRunReport } from '../../src/report/write.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function scenarioDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-inputs-'));
  mkdirSync(join(dir, 'data <b>'));
  writeFileSync(join(dir, 'data <b>', 'times.txt'), '# seconds\n0.05\n0.06\n0.04\n');
  writeFileSync(join(dir, 'counts.csv'), 'time_s,count\n0,2\n30,4\n');
  writeFileSync(
    join(dir, 'inputs.yaml'),
    [
      'name: inputs',
      'duration: 1m',
      'nodePools:',
      '  pool: { cores: 8, cpuType: avx2_zen3 }',
      'models:',
      '  m:',
      '    serviceTime: { type: empirical, file: "data <b>/times.txt" }',
      'services:',
      '  svc: { model: m, replicas: 2 }',
      'streams:',
      '  - { type: svc, fps: 5, trace: counts.csv }',
      '',
    ].join('\n'),
  );
  return dir;
}

test('the scenario lists every file it was made from, with the field, size and sha256', (t) => {
  const dir = scenarioDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = loadScenario(join(dir, 'inputs.yaml'));
  assert.deepEqual(s.inputFiles, [
    {
      field: '(scenario)',
      file: 'inputs.yaml',
      bytes: readFileSync(join(dir, 'inputs.yaml')).length,
      sha256: sha(join(dir, 'inputs.yaml')),
    },
    {
      field: 'models.m.serviceTime.file',
      file: 'data <b>/times.txt',
      bytes: readFileSync(join(dir, 'data <b>', 'times.txt')).length,
      sha256: sha(join(dir, 'data <b>', 'times.txt')),
    },
    {
      field: 'streams[0].trace',
      file: 'counts.csv',
      bytes: readFileSync(join(dir, 'counts.csv')).length,
      sha256: sha(join(dir, 'counts.csv')),
    },
  ]);
  // A manifests file is listed under the service that names it.
  const cpu = loadScenario(join(ROOT, 'scenarios/seed-hpa-cpu.yaml'));
  assert.deepEqual(
    cpu.inputFiles.map((f) => [f.field, f.file, f.sha256]),
    [
      ['(scenario)', 'seed-hpa-cpu.yaml', sha(join(ROOT, 'scenarios/seed-hpa-cpu.yaml'))],
      [
        'services.car-fp32.manifests',
        'manifests/ei-infer-car-fp32.yaml',
        sha(join(ROOT, 'scenarios/manifests/ei-infer-car-fp32.yaml')),
      ],
    ],
  );
});

test('the report lists them in scenario.json, summary.md and index.html, the same wherever the files sit', async (t) => {
  const dir = scenarioDir();
  const moved = mkdtempSync(join(tmpdir(), 'inferscale-inputs-moved-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(moved, { recursive: true, force: true });
  });
  await writeRunReport(loadScenario(join(dir, 'inputs.yaml')), join(dir, 'out'));
  const asRun = JSON.parse(readFileSync(join(dir, 'out', 'scenario.json'), 'utf8'));
  assert.deepEqual(
    asRun.inputFiles.map((f: { file: string }) => f.file),
    ['inputs.yaml', 'data <b>/times.txt', 'counts.csv'],
  );
  const md = readFileSync(join(dir, 'out', 'summary.md'), 'utf8');
  for (const f of asRun.inputFiles) assert.ok(md.includes(f.sha256), `summary.md lacks ${f.file}`);
  // The page escapes the names it shows.
  const html = readFileSync(join(dir, 'out', 'index.html'), 'utf8');
  assert.ok(html.includes('data &lt;b&gt;/times.txt'));
  assert.ok(!html.includes('<td>data <b>'));
  for (const f of asRun.inputFiles) assert.ok(html.includes(f.sha256), `index.html lacks ${f.file}`);

  // The same files in another folder: the same scenario.json.
  cpSync(dir, moved, { recursive: true });
  rmSync(join(moved, 'out'), { recursive: true });
  await writeRunReport(loadScenario(join(moved, 'inputs.yaml')), join(moved, 'out'), { report: false });
  assert.equal(
    readFileSync(join(moved, 'out', 'scenario.json'), 'utf8'),
    readFileSync(join(dir, 'out', 'scenario.json'), 'utf8'),
  );
  // A changed data file shows in the list.
  writeFileSync(join(moved, 'counts.csv'), 'time_s,count\n0,3\n30,4\n');
  const changed = loadScenario(join(moved, 'inputs.yaml'));
  assert.notEqual(changed.inputFiles[2].sha256, asRun.inputFiles[2].sha256);
});
