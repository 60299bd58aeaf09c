/**
 * The round trip through a real Prometheus: a simulated cluster (test/fixtures/replay/recorded.yaml)
 * -> `simulate --openmetrics` -> `promtool tsdb create-blocks-from openmetrics` -> Prometheus on
 * 127.0.0.1 (a free port, a temporary storage folder) -> `replay --metrics http://127.0.0.1:PORT`:
 * the calibrated scenario recovers the fixture's per-replica FPS and start delays within 5%, the
 * replica timelines are equal and the FPS MAPE is under 5%; the same calibrated scenario as from the
 * file itself. Then Prometheus stops, and the same replay exits 2 saying so.
 *
 * Without Debian's prometheus these tests fail, saying how to install it (CI installs it); set
 * INFERSCALE_SKIP_PROMETHEUS=1 to skip them instead. Run them alone with
 *   npx tsc -p . && node --test dist/test/e2e/prometheus.test.js
 */
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  backfill,
  prometheusMissing,
  startPrometheus,
  type RunningPrometheus,
} from '../helpers/prometheus.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const RECORDED = join(ROOT, 'test/fixtures/replay/recorded.yaml');
const T0 = 1767225600;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const skip = process.env.INFERSCALE_SKIP_PROMETHEUS === '1';
let prometheus: RunningPrometheus | null = null;
const dir = mkdtempSync(join(tmpdir(), 'inferscale-prometheus-'));

after(async () => {
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function ready(t: TestContext): boolean {
  if (skip) {
    t.skip('INFERSCALE_SKIP_PROMETHEUS=1');
    return false;
  }
  const missing = prometheusMissing();
  if (missing) assert.fail(missing);
  return true;
}

function within(actual: number, expected: number, rel: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= rel * expected,
    `${what}: ${actual}, expected ${expected} within ${100 * rel}%`,
  );
}

test('simulate -> OpenMetrics -> promtool -> Prometheus -> replay recovers the scenario', async (t) => {
  if (!ready(t)) return;
  const om = join(dir, 'run.om');
  const sim = cli([
    'simulate',
    RECORDED,
    '--no-report',
    '--quiet',
    '--out',
    join(dir, 'run'),
    '--openmetrics',
    om,
  ]);
  assert.equal(sim.status, 0, sim.stderr);
  backfill(om, dir);
  prometheus = await startPrometheus(dir);
  const mapping = join(dir, 'mapping.yaml');
  // One sample a second was recorded: a series silent for 2 s has ended (backfilled blocks carry no
  // staleness markers, so the query itself leaves older samples out).
  writeFileSync(mapping, 'staleAfter: 2s\n');
  const out = join(dir, 'live');
  const window = ['--from', String(T0), '--to', String(T0 + 600), '--step', '1s'];
  // Credentials in the URL and a bearer token (Prometheus without a web config ignores both): the
  // report names the Prometheus without them.
  const token = 'tok-5ecret-value';
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${token}\n`);
  const r = cli([
    'replay',
    RECORDED,
    '--metrics',
    prometheus.url.replace('http://', 'http://alice:hunter2@'),
    '--token-file',
    tokenFile,
    ...window,
    '--mapping',
    mapping,
    '--out',
    out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const summary = readFileSync(join(out, 'summary.md'), 'utf8');
  assert.ok(summary.includes(`Metrics queried from the Prometheus at \`${prometheus.url}/\``), summary);
  for (const secret of ['alice', 'hunter2', token, tokenFile])
    assert.ok(!summary.includes(secret) && !r.stdout.includes(secret) && !r.stderr.includes(secret), secret);
  const cal = JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8'));
  const byName = Object.fromEntries(cal.services.map((s: { service: string }) => [s.service, s]));
  within(byName.car.replicaFps.value, 10, 0.05, 'car replica FPS');
  within(byName.face.replicaFps.value, 6, 0.05, 'face replica FPS');
  within(byName.car.startDelaySeconds.value, 20, 0.05, 'car start delay');
  within(byName.face.startDelaySeconds.value, 30, 0.05, 'face start delay');
  const fid = JSON.parse(readFileSync(join(out, 'fidelity.json'), 'utf8'));
  for (const s of fid.services) {
    assert.equal(s.measures.replicas.equalShare, 1, `${s.service}: replica timelines differ`);
    assert.equal(s.measures.replicas.steps, 600);
    assert.ok(
      s.measures.infer_fps.mapePercent < 5,
      `${s.service} infer FPS MAPE ${s.measures.infer_fps.mapePercent}%`,
    );
    assert.ok(
      s.measures.drop_fps.mapePercent < 5,
      `${s.service} drop FPS MAPE ${s.measures.drop_fps.mapePercent}%`,
    );
  }
  // What the file itself gives.
  const fromFile = join(dir, 'file');
  assert.equal(
    cli(['replay', RECORDED, '--metrics', om, '--mapping', mapping, '--out', fromFile, '--quiet']).status,
    0,
  );
  assert.equal(
    readFileSync(join(out, 'calibrated.yaml'), 'utf8'),
    readFileSync(join(fromFile, 'calibrated.yaml'), 'utf8'),
  );

  // Shadow mode over the recorded history (--to walks it as if it were now): a candidate HPA beside
  // what the cluster did, at each poll.
  const candidate = join(dir, 'candidate.yaml');
  writeFileSync(
    candidate,
    [
      'apiVersion: autoscaling/v2',
      'kind: HorizontalPodAutoscaler',
      'metadata: { name: car, annotations: { inferscale.io/service: car } }',
      'spec:',
      '  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ei-infer-car-app }',
      '  minReplicas: 1',
      '  maxReplicas: 8',
      '  metrics:',
      '    - type: Pods',
      '      pods: { metric: { name: ei_scale_ratio }, target: { type: AverageValue, averageValue: 1 } }',
      '',
    ].join('\n'),
  );
  const shadow = cli([
    'replay',
    RECORDED,
    '--metrics',
    prometheus.url,
    '--step',
    '1s',
    '--mapping',
    mapping,
    '--out',
    join(dir, 'follow'),
    '--follow',
    '--polls',
    '2',
    '--interval',
    '1m',
    '--window',
    '4m',
    '--to',
    String(T0 + 300),
    '--candidate',
    candidate,
  ]);
  assert.equal(shadow.status, 0, shadow.stderr);
  const polls = shadow.stdout.split('\n').filter((l) => /^2026-/.test(l));
  assert.deepEqual(polls, ['2026-01-01T00:05:00Z', '2026-01-01T00:06:00Z']);
  // The cluster had 6 car replicas from 5 min (fixture: scaled to 6 at 5m) and 3 face replicas.
  assert.equal(
    shadow.stdout.match(/car: cluster 6 replicas; candidate policy \d+/g)?.length,
    2,
    shadow.stdout,
  );
  assert.equal(
    shadow.stdout.match(/face: cluster 3 replicas; candidate policy 3/g)?.length,
    2,
    shadow.stdout,
  );

  // Prometheus stops: the same replay fails clearly, exit 2, after its retries.
  await prometheus.stop();
  const down = cli([
    'replay',
    RECORDED,
    '--metrics',
    prometheus.url,
    ...window,
    '--mapping',
    mapping,
    '--retries',
    '1',
    '--out',
    join(dir, 'down'),
  ]);
  assert.equal(down.status, 2, down.stderr);
  assert.match(
    down.stderr,
    /connection refused \(is Prometheus running there\?\) \(gave up after 2 attempts\)/,
  );
  prometheus = null;
});
