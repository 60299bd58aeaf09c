/**
 * Malformed scenarios through the real CLI: every one must be refused with exit 2, each problem as
 * `file:line:col field: message` on stderr, nothing on stdout, no stack trace and no file written.
 * The fixtures in test/fixtures/bad/ hold one problem each (their first line says which).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
// Fixtures are passed relative to ROOT (the CLI's cwd), the way a user types them, so the test also
// checks that messages echo the path exactly as given rather than an absolutised one.
const BAD = 'test/fixtures/bad/';

// Generous, because two cores run four CLIs at once; a scenario that src wrongly accepts is built to
// simulate in a second or two, so hitting this means a hang, not a slow machine.
const TIMEOUT_MS = 30_000;

interface Case {
  name: string;
  /** The scenario path exactly as given on the command line. */
  file: string;
  /** The field path that the problem must be reported under. */
  field: string;
  /** The 1-based line the problem must be placed at (checked by hand against the fixture). */
  line: number;
  /** Only where the wording is the point of the case: what a person needs to fix the file. */
  message?: RegExp;
}

const fixture = (name: string, field: string, line: number, message?: RegExp): Case => ({
  name,
  file: BAD + name,
  field,
  line,
  message,
});

const FIXTURES: Case[] = [
  // Reading: encoding and emptiness.
  fixture('empty.yaml', '(file)', 1, /empty/),
  fixture('comments-only.yaml', '(root)', 1),
  fixture('binary-garbage.bin', '(file)', 3, /UTF-8|NUL|binary/),
  fixture('latin1-description.yaml', '(file)', 3, /UTF-8/),

  // YAML and JSON syntax.
  fixture('yaml-syntax-tab.yaml', '(syntax)', 14, /tab/i),
  fixture('duplicate-key.yaml', '(syntax)', 15, /unique|duplicate/i),
  fixture('multi-document.yaml', '(syntax)', 18),
  fixture('unknown-alias.yaml', '(syntax)', 13, /alias|anchor/i),
  fixture('alias-bomb.yaml', '(root)', 3, /alias/i),
  fixture('collection-key.yaml', '(syntax)', 12, /plain value/),
  fixture('alias-collection-key.yaml', '(syntax)', 13, /plain value/),
  fixture('tagged-key.yaml', '(syntax)', 6, /plain value/),
  fixture('deep-nesting.yaml', '(syntax)', 3),
  fixture('json-syntax-error.json', '(syntax)', 6),
  fixture('json-unknown-key.json', 'services.svc.replicaCount', 9),

  // Shape of the document.
  fixture('scalar-root.yaml', '(root)', 2),
  fixture('list-root.yaml', '(root)', 2),
  fixture('missing-services.yaml', 'services', 2, /required/),
  fixture('unknown-top-level-key.yaml', 'owner', 3),
  fixture('unknown-key-service.yaml', 'services.svc.replicaCount', 14, /replicas/),
  fixture('service-null.yaml', 'services.svc', 12),
  fixture('name-path-traversal.yaml', 'name', 2),
  fixture('bad-service-name.yaml', 'services.car/fp32', 12),

  // Numbers and durations.
  fixture('nan-fps.yaml', 'streams[0].fps', 17, /NaN/),
  fixture('infinity-cores.yaml', 'nodePools.pool.cores', 6, /Infinity/),
  fixture('negative-replicas.yaml', 'services.svc.replicas', 14),
  fixture('huge-stream-count.yaml', 'streams[0].count', 17),
  fixture('wrong-type-duration.yaml', 'duration', 3, /duration/),
  fixture('huge-duration-string.yaml', 'duration', 4),

  // Distributions.
  fixture('bad-distribution-type.yaml', 'models.m.serviceTime.type', 10, /exponential/),
  fixture('distribution-missing-type.yaml', 'models.m.serviceTime.type', 10),
  fixture('uniform-min-gt-max.yaml', 'models.m.serviceTime.min', 12),
  fixture('empirical-missing-file.yaml', 'models.m.serviceTime.file', 10, /no-such-times\.txt/),

  // References between sections.
  fixture('unknown-cpu-type.yaml', 'nodePools.pool.cpuType', 7, /xeon-9000/),
  fixture('unknown-model.yaml', 'services.svc.model', 13, /resnet50/),
  fixture('unknown-node-pool.yaml', 'services.svc.nodePool', 15, /gpu/),
  fixture('stream-unknown-type.yaml', 'streams[0].type', 16, /svx/),

  // Rules across fields.
  fixture('model-without-cost.yaml', 'models.m', 10),
  fixture('request-above-limit.yaml', 'services.svc.resources.requests.cpu', 16),
  fixture('schedule-out-of-order.yaml', 'streams[0].schedule[1].at', 20),
  fixture('jitter-too-large.yaml', 'streams[0].jitter', 18),
  fixture('rate-with-periodic.yaml', 'streams[0].rate', 18),
  fixture('two-schedule-forms.yaml', 'streams[0].sine', 20),

  // Data files named by the scenario.
  fixture('trace-missing-file.yaml', 'streams[0].trace', 18, /no-such-trace\.csv/),
  fixture('trace-bad-row.yaml', 'streams[0].trace', 18, /trace-bad-row\.csv:4:4: count "two"/),

  // Autoscaling: the HPA manifest, its metrics and targets.
  fixture(
    'hpa-api-version-v3.yaml',
    'services.svc.hpa.apiVersion',
    16,
    /autoscaling\/v2\b.*"autoscaling\/v3"/,
  ),
  fixture('hpa-api-version-apps.yaml', 'services.svc.hpa.apiVersion', 16, /autoscaling\/v2\b.*"apps\/v1"/),
  fixture('hpa-wrong-kind.yaml', 'services.svc.hpa.kind', 17, /HorizontalPodAutoscaler/),
  fixture('hpa-min-gt-max.yaml', 'services.svc.hpa.spec.minReplicas', 19, /maxReplicas.*5 > 2/),
  fixture('hpa-v1-with-metrics.yaml', 'services.svc.hpa.spec.metrics', 21, /autoscaling\/v2/),
  fixture(
    'hpa-v2-target-cpu-percent.yaml',
    'services.svc.hpa.spec.targetCPUUtilizationPercentage',
    21,
    /metrics/,
  ),
  fixture('hpa-min-zero-without-gate.yaml', 'services.svc.hpa.spec.minReplicas', 18, /HPAScaleToZero/),
  fixture('hpa-scale-target-statefulset.yaml', 'services.svc.hpa.spec.scaleTargetRef.kind', 21, /Deployment/),
  fixture(
    'hpa-value-target-on-resource.yaml',
    'services.svc.hpa.spec.metrics[0].resource.target.type',
    26,
    /Utilization or AverageValue/,
  ),
  fixture(
    'hpa-utilization-target-on-pods.yaml',
    'services.svc.hpa.spec.metrics[0].pods.target.type',
    26,
    /AverageValue/,
  ),
  fixture(
    'hpa-average-value-missing.yaml',
    'services.svc.hpa.spec.metrics[0].pods.target',
    25,
    /needs averageValue/,
  ),
  fixture(
    'hpa-target-foreign-field.yaml',
    'services.svc.hpa.spec.metrics[0].resource.target.averageValue',
    28,
    /Utilization/,
  ),
  fixture(
    'hpa-target-wrong-value-field.yaml',
    'services.svc.hpa.spec.metrics[0].external.target.value',
    27,
    /averageValue/,
  ),
  fixture(
    'hpa-average-value-zero.yaml',
    'services.svc.hpa.spec.metrics[0].pods.target.averageValue',
    27,
    /positive|greater than 0/,
  ),
  fixture(
    'hpa-quantity-malformed.yaml',
    'services.svc.hpa.spec.metrics[0].pods.target.averageValue',
    27,
    /quantity/,
  ),
  fixture(
    'hpa-target-overflow.yaml',
    'services.svc.hpa.spec.metrics[0].pods.target.averageValue',
    27,
    /at most|too large/,
  ),
  fixture('hpa-metric-member-mismatch.yaml', 'services.svc.hpa.spec.metrics[0].resource', 23, /\bpods\b/),
  fixture(
    'hpa-pods-metric-unknown.yaml',
    'services.svc.hpa.spec.metrics[0].pods.metric.name',
    24,
    /"http_requests".*ei_scale_ratio/,
  ),
  fixture(
    'hpa-external-metric-unknown.yaml',
    'services.svc.hpa.spec.metrics[0].external.metric.name',
    24,
    /pubsub_subscription_num_undelivered_messages.*queue_length/,
  ),
  fixture('hpa-memory-resource.yaml', 'services.svc.hpa.spec.metrics[0].resource.name', 24, /memory/),
  fixture(
    'hpa-container-resource-unknown-container.yaml',
    'services.svc.hpa.spec.metrics[0].containerResource.container',
    25,
    /"svc"/,
  ),
  fixture(
    'hpa-container-resource-not-deployment-container.yaml',
    'services.svc.hpa.spec.metrics[0].containerResource.container',
    33,
    /"infer"/,
  ),
  fixture(
    'hpa-metric-selector.yaml',
    'services.svc.hpa.spec.metrics[0].pods.metric.selector',
    25,
    /selector/,
  ),
  fixture(
    'hpa-behavior-unknown-key.yaml',
    'services.svc.hpa.spec.behavior.scaleUp.stabilisationWindowSeconds',
    23,
    /stabilizationWindowSeconds/,
  ),
  fixture(
    'hpa-select-policy-bad.yaml',
    'services.svc.hpa.spec.behavior.scaleDown.selectPolicy',
    23,
    /Max, Min, Disabled/,
  ),
  fixture(
    'hpa-policy-period-zero.yaml',
    'services.svc.hpa.spec.behavior.scaleUp.policies[0].periodSeconds',
    26,
    /at least 1\b/,
  ),
  fixture(
    'hpa-policies-empty.yaml',
    'services.svc.hpa.spec.behavior.scaleUp.policies',
    24,
    /at least (one|1)\b/,
  ),

  // Autoscaling: the service around the HPA, the shorthand, the controller and the metrics pipeline.
  fixture('hpa-autoscale-min-gt-max.yaml', 'services.svc.autoscale.min', 17, /max.*5 > 2/),
  fixture('hpa-and-autoscale.yaml', 'services.svc.autoscale', 28, /either|both/),
  fixture('hpa-with-scale-events.yaml', 'services.svc.scaleEvents', 16, /HPA/),
  fixture('hpa-replicas-outside-range.yaml', 'services.svc.replicas', 14, /\[1, 4\]/),
  fixture(
    'hpa-deployment-replicas-outside-range.yaml',
    'services.svc.deployment.spec.replicas',
    18,
    /\[1, 4\]/,
  ),
  fixture('hpa-applied-at-without-hpa.yaml', 'services.svc.hpaAppliedAt', 15, /no hpa/),
  fixture('hpa-node-selector-no-pool.yaml', 'services.svc.nodeSelector', 16, /no node pool/),
  fixture('hpa-controller-tolerance.yaml', 'controller.tolerance', 18, /at most 1\b/),
  fixture(
    'hpa-feature-gate-unknown.yaml',
    'controller.featureGates.HPAContainerMetrics',
    19,
    /HPAScaleToZero/,
  ),
  fixture(
    'hpa-feature-gate-string.yaml',
    'controller.featureGates.HPAScaleToZero',
    18,
    /true or false, not "true"/,
  ),
  fixture('hpa-scrape-interval-zero.yaml', 'metricsPipeline.prometheusScrapeInterval', 29, /at least 1s/),

  // KEDA ScaledObjects.
  fixture('keda-and-autoscale.yaml', 'services.svc.keda', 15, /give one autoscaler .*autoscale and keda/),
  fixture('keda-unknown-list.yaml', 'services.svc.keda.triggers[0].metadata.listName', 17, /queue_svc/),
  fixture(
    'keda-query-unsupported.yaml',
    'services.svc.keda.triggers[0].metadata.query',
    19,
    /sum, avg, max, min/,
  ),
  fixture('keda-trigger-type-unknown.yaml', 'services.svc.keda.triggers[0].type', 16, /redis, prometheus/),
  fixture('keda-idle-without-min.yaml', 'services.svc.keda.idleReplicaCount', 15, /minReplicaCount/),
  fixture(
    'keda-annotation-unknown.yaml',
    'services.svc.keda.annotations.autoscaling.keda.sh/paused-replicas',
    16,
    /paused-scale-in/,
  ),
  fixture('keda-list-length-word.yaml', 'services.svc.keda.triggers[0].metadata.listLength', 17, /number/),

  // Knative Pod Autoscaler.
  fixture('kpa-and-keda.yaml', 'services.svc.kpa', 18, /give one autoscaler .*keda and kpa/),
  fixture('kpa-stable-window-short.yaml', 'services.svc.kpa.stableWindow', 16, /at least 6s/),
  fixture('kpa-panic-threshold-low.yaml', 'services.svc.kpa.panicThresholdPercentage', 16, /at least 110/),

  // predictive and oracle.
  fixture('predictive-without-hpa.yaml', 'services.svc.predictive', 14, /hpa or autoscale/),
  fixture('oracle-without-slo.yaml', 'services.svc.oracle', 14, /slo/),
];

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// The test runner marks its children through this variable; the CLI is not a test file.
const CHILD_ENV = { ...process.env };
delete CHILD_ENV.NODE_TEST_CONTEXT;

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: CHILD_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Issue {
  line: number;
  col: number;
  field: string;
  message: string;
}

function issuesIn(stderr: string, file: string): Issue[] {
  const re = new RegExp(`^${escapeRegExp(file)}:(\\d+):(\\d+) (\\S+): (.+)$`);
  const out: Issue[] = [];
  for (const l of stderr.split('\n')) {
    const m = re.exec(l);
    if (m) out.push({ line: Number(m[1]), col: Number(m[2]), field: m[3], message: m[4] });
  }
  return out;
}

function assertRefused(c: Case, command: string, r: Run): void {
  const context = `${command} ${c.file}\n--- stderr ---\n${r.stderr}--- stdout ---\n${r.stdout}`;
  assert.equal(r.signal, null, `killed after ${TIMEOUT_MS} ms (hung?): ${context}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace on stderr: ${context}`);
  assert.ok(!r.stderr.includes('node:internal'), `Node internals on stderr: ${context}`);
  assert.ok(!/\(node:\d+\) \w*Warning/.test(r.stderr), `a Node warning on stderr: ${context}`);
  assert.equal(r.status, 2, `exit status: ${context}`);
  assert.equal(r.stdout, '', `stdout must stay empty: ${context}`);

  const issues = issuesIn(r.stderr, c.file);
  assert.ok(issues.length > 0, `no "${c.file}:line:col field: message" line: ${context}`);
  const hit = issues.find((i) => i.field === c.field && i.line === c.line);
  assert.ok(hit, `expected ${c.field} at line ${c.line}: ${context}`);
  if (c.message) assert.match(hit.message, c.message, `message for ${c.field}: ${context}`);
  // A parser may report follow-on errors after the first one; past parsing, one problem in the file
  // must come out as one issue, or the user reads noise.
  if (c.field !== '(syntax)') assert.equal(issues.length, 1, `one problem, one issue: ${context}`);
}

async function validateRefuses(c: Case): Promise<void> {
  assertRefused(c, 'validate', await cli(['validate', c.file]));
}

async function simulateRefuses(c: Case): Promise<void> {
  // --out in a fresh, otherwise empty folder: afterwards that folder must still be empty, which
  // covers both the report folder and the `.out.partial-<pid>` folder written before the swap.
  const parent = mkdtempSync(join(tmpdir(), 'inferscale-bad-out-'));
  try {
    assertRefused(c, 'simulate', await cli(['simulate', c.file, '--out', join(parent, 'out')]));
    assert.deepEqual(readdirSync(parent), [], `simulate ${c.file} wrote into ${parent}`);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

/** Cases that are not files in the repository: made in a scratch folder, removed afterwards. */
function runtimeCases(scratch: string): Case[] {
  const dir = join(scratch, 'scenario.yaml');
  mkdirSync(dir);

  // A valid scenario padded with comments past 50 MiB: only its size is wrong.
  const big = join(scratch, 'huge.yaml');
  const bytes = Buffer.alloc(50 * 1024 * 1024, `#${' '.repeat(62)}\n`);
  bytes.write(readFileSync(join(ROOT, 'scenarios/mmck.yaml'), 'utf8'), 0);
  writeFileSync(big, bytes);

  return [
    { name: 'a directory', file: dir, field: '(file)', line: 1, message: /directory/ },
    {
      name: 'a missing file',
      file: join(scratch, 'missing.yaml'),
      field: '(file)',
      line: 1,
      message: /no such file/,
    },
    { name: 'a 50 MiB file', file: big, field: '(file)', line: 1, message: /MiB|too large|limit/ },
  ];
}

test('every fixture in test/fixtures/bad/ has a row in the table', () => {
  const listed = new Set(FIXTURES.map((c) => c.file.slice(BAD.length)));
  // Data files are read through the scenario that names them, never on their own.
  const scenarios = readdirSync(join(ROOT, BAD)).filter((f) => !f.endsWith('.csv'));
  assert.deepEqual(
    scenarios.filter((f) => !listed.has(f)),
    [],
  );
  assert.ok(FIXTURES.length >= 35);
});

test('a valid scenario passes validate (the control)', () => {
  const r = spawnSync(process.execPath, [CLI, 'validate', 'scenarios/mmck.yaml'], {
    cwd: ROOT,
    env: CHILD_ENV,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^OK/);
  assert.equal(r.stderr, '');
});

// Two cases at a time, each running validate and simulate side by side: four CLIs keep two cores
// busy while each waits on its own start-up. Separate subtests so a case reports both commands.
test('malformed scenarios are refused with exit 2 and a placed message', { concurrency: 2 }, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'inferscale-bad-in-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const cases = [...FIXTURES, ...runtimeCases(scratch)];
  await Promise.all(
    cases.map((c) =>
      t.test(c.name, { concurrency: 2 }, async (tc) => {
        await Promise.all([
          tc.test('validate', () => validateRefuses(c)),
          tc.test('simulate', () => simulateRefuses(c)),
        ]);
      }),
    ),
  );
});
