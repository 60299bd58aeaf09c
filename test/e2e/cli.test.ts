/** The CLI as a user runs it: a real process, real files, exit codes and streams. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withTmp(fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-cli-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('--help lists every command with examples', () => {
  const r = cli(['--help']);
  assert.equal(r.status, 0);
  for (const c of ['simulate', 'validate', 'schema']) assert.match(r.stdout, new RegExp(`inferscale ${c}`));
  const s = cli(['simulate', '--help']);
  assert.match(s.stdout, /Examples:/);
});

test('simulate with no file runs the built-in seed-demo-hpa scenario and prints a summary table', () => {
  withTmp((dir) => {
    const out = join(dir, 'demo');
    const r = cli(['simulate', '--out', out, '--duration', '2m']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^seed-demo-hpa: 120 s simulated, seed 1/);
    assert.equal(r.stderr, '', 'no progress line when stderr is not a terminal');
    for (const svc of ['car-fp32', 'car-int8', 'face-fp32', 'face-int8', 'people', 'total']) {
      assert.match(r.stdout, new RegExp(`^${svc}\\s+1?\\d?\\s`, 'm'));
    }
    assert.match(r.stdout, new RegExp(`report: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const header = readFileSync(join(out, 'timeseries.csv'), 'utf8').split('\n')[0];
    assert.equal(
      header,
      'time_s,service,replicas,ready_replicas,queue_length,offered_fps,infer_fps,drop_fps,scale_ratio,cpu_utilization,latency_p50_s,latency_p95_s,latency_p99_s,desired_replicas,hpa_metric,hpa_target',
    );
    const rows = readFileSync(join(out, 'timeseries.csv'), 'utf8').trim().split('\n');
    assert.equal(rows.length, 1 + 120 * 5);
    const nodes = readFileSync(join(out, 'nodes.csv'), 'utf8').trim().split('\n');
    assert.equal(nodes[0], 'time_s,pool,nodes,cpu_cores,cpu_requested_cores,cpu_used_cores,cpu_utilization');
    assert.equal(nodes.length, 1 + 120 * 1, 'one row per step for the one pool');
    assert.ok(existsSync(join(out, 'events.csv')) && existsSync(join(out, 'summary.md')));
  });
});

test('--json prints summary.json to stdout and nothing else', () => {
  withTmp((dir) => {
    const out = join(dir, 'mm');
    const r = cli([
      'simulate',
      'scenarios/mmck.yaml',
      '--json',
      '--duration',
      '60s',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const printed = JSON.parse(r.stdout);
    assert.deepEqual(printed, JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
    assert.equal(printed.seed, 3);
    const svc = printed.services[0];
    for (const k of [
      'offeredFrames',
      'inferredFrames',
      'droppedFrames',
      'dropRatio',
      'offeredFps',
      'inferFps',
      'dropFps',
      'meanQueueWaitSeconds',
      'latencyP50Seconds',
      'latencyP95Seconds',
      'latencyP99Seconds',
      'replicaSeconds',
      'maxReplicas',
    ]) {
      assert.equal(typeof svc[k], 'number', k);
      assert.equal(typeof printed.total[k], 'number', k);
    }
  });
});

test('a second run replaces the report folder whole', () => {
  withTmp((dir) => {
    const out = join(dir, 'r');
    assert.equal(
      cli(['simulate', 'scenarios/mmck.yaml', '--duration', '10s', '--out', out, '--quiet']).status,
      0,
    );
    const first = readFileSync(join(out, 'timeseries.csv'), 'utf8');
    const r = cli(['simulate', 'scenarios/mmck.yaml', '--duration', '20s', '--out', out, '--quiet']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    const second = readFileSync(join(out, 'timeseries.csv'), 'utf8');
    assert.equal(second.trim().split('\n').length, 21);
    assert.notEqual(first, second);
  });
});

test('validate says OK for every shipped scenario', () => {
  // scenarios/tune-*.yaml are search spaces for `inferscale tune` (test/tune/space.test.ts reads them).
  const files = readdirSync(join(ROOT, 'scenarios')).filter(
    (f) => f.endsWith('.yaml') && !f.startsWith('tune-'),
  );
  for (const f of files) {
    const r = cli(['validate', `scenarios/${f}`]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^OK scenarios\//);
  }
});

test('scenarios/scenario.schema.json is what `inferscale schema` prints', () => {
  const r = cli(['schema']);
  assert.equal(r.status, 0);
  assert.equal(
    r.stdout,
    readFileSync(join(ROOT, 'scenarios/scenario.schema.json'), 'utf8'),
    'run: npm run schema',
  );
  const schema = JSON.parse(r.stdout);
  assert.equal(schema.additionalProperties, false);
  assert.ok(schema.properties.services && schema.properties.streams);
});

test('bad command-line values exit 2 with a message and no stack trace', () => {
  for (const args of [
    ['simulate', 'scenarios/mmck.yaml', '--duration', 'soon'],
    ['simulate', 'scenarios/mmck.yaml', '--seed', '-4'],
    ['simulate', 'scenarios/mmck.yaml', '--no-such-flag'],
    ['frobnicate'],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.length > 0);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});
