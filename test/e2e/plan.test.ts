/** `inferscale plan` as a user runs it: exit codes, files, manifests that load back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loadScenario } from '../../src/scenario/load.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withTmp(fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-plan-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('plan scenarios/plan-seed.yaml: the cheapest candidate, every file, manifests that load back as a scenario', () => {
  withTmp((dir) => {
    const out = join(dir, 'plan');
    const r = cli(['plan', 'scenarios/plan-seed.yaml', '--no-confirm', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Cheapest: \S+ at (fp32|int8)\./);
    for (const f of [
      'plan.json',
      'plan.csv',
      'plan.md',
      'index.html',
      'charts/cost.svg',
      'charts/replicas.vl.json',
      'scenario.yaml',
    ])
      assert.ok(existsSync(join(out, f)), f);
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    assert.equal(plan.candidates.length, 8, '4 pools x 2 precisions');
    const best = plan.candidates[plan.best];
    const feasible = plan.candidates.filter((c: { feasible: boolean }) => c.feasible);
    for (const c of feasible) assert.ok(best.costPerMonth <= c.costPerMonth);
    // Is VNNI worth it? int8 on a VNNI pool needs fewer replicas than fp32 on the same pool.
    const onVnni = plan.candidates.filter((c: { cpuType: string }) => c.cpuType === 'avx512_vnni_icx');
    const sum = (c: { services: { replicas: number }[] }) => c.services.reduce((n, s) => n + s.replicas, 0);
    assert.ok(
      sum(onVnni.find((c: { precision: string }) => c.precision === 'int8')) <
        sum(onVnni.find((c: { precision: string }) => c.precision === 'fp32')),
    );
    // plan.csv: a row per candidate and service.
    assert.equal(readFileSync(join(out, 'plan.csv'), 'utf8').trim().split('\n').length, 1 + 8 * 5);
    assert.match(readFileSync(join(out, 'plan.md'), 'utf8'), /CPU catalog figures used[\s\S]*OV24/);
    // The manifests: a Deployment and an autoscaling/v2 HPA per service, as planned.
    for (const s of best.services) {
      const docs = parseAllDocuments(readFileSync(join(out, 'manifests', `${s.service}.yaml`), 'utf8')).map(
        (d) => d.toJS(),
      );
      assert.equal(docs[0].kind, 'Deployment');
      assert.equal(docs[0].spec.replicas, s.replicas);
      assert.equal(docs[1].apiVersion, 'autoscaling/v2');
      assert.equal(docs[1].spec.maxReplicas, s.hpa.maxReplicas);
      assert.ok(docs[1].spec.metrics[0].resource.target.averageUtilization <= 80);
    }
    // scenario.yaml loads back unchanged: the planned pool and node count, replicas, requests, HPAs.
    const v = cli(['validate', join(out, 'scenario.yaml')]);
    assert.equal(v.status, 0, v.stderr);
    const planned = loadScenario(join(out, 'scenario.yaml'));
    assert.deepEqual(
      planned.nodePools.map((p) => [p.name, p.count]),
      [[best.pool, best.nodes]],
    );
    for (const s of best.services) {
      const svc = planned.services.find((x) => x.name === s.service)!;
      assert.equal(svc.replicas, s.replicas);
      assert.equal(svc.cpuRequest, s.cpuPerPod);
      assert.equal(svc.precision, s.precision);
      assert.equal(svc.hpa?.maxReplicas, s.hpa.maxReplicas);
      assert.equal(svc.hpa?.minReplicas, s.hpa.minReplicas);
    }
    // ... and simulates: the planned HPAs follow the load steps (drops stay low over the whole schedule).
    const sim = cli([
      'simulate',
      join(out, 'scenario.yaml'),
      '--no-report',
      '--json',
      '--out',
      join(dir, 'sim'),
    ]);
    assert.equal(sim.status, 0, sim.stderr);
    const summary = JSON.parse(sim.stdout);
    assert.ok(summary.total.dropRatio < 0.03, `planned scenario drops ${summary.total.dropRatio}`);
  });
});

test('plan without an SLO is bad input (exit 2) naming the file, position and field; nothing is written', () => {
  withTmp((dir) => {
    const file = join(dir, 'noslo.yaml');
    writeFileSync(
      file,
      'name: noslo\nnodePools: { p: { count: 1, cores: 4, cpuType: avx2_zen2 } }\nmodels: { m: { gflops: 1 } }\nservices: { s: { model: m } }\nstreams: [{ type: s, fps: 10 }]\n',
    );
    const r = cli(['plan', file, '--out', join(dir, 'out')]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /noslo\.yaml:1:1 slo: a plan needs an SLO/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    assert.ok(!existsSync(join(dir, 'out')));
    writeFileSync(file, readFileSync(file, 'utf8') + 'slo: {}\n');
    const e = cli(['plan', file, '--out', join(dir, 'out')]);
    assert.equal(e.status, 2);
    assert.match(e.stderr, /noslo\.yaml:6:1 slo: give maxDropPercent, maxP95LatencySeconds or both/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('slo: {}', 'slo: { maxDropPercent: 120 }'));
    const o = cli(['plan', file, '--out', join(dir, 'out')]);
    assert.equal(o.status, 2);
    assert.match(o.stderr, /noslo\.yaml:6:\d+ slo\.maxDropPercent/);
  });
});

test('an infeasible plan is an answer: exit 3, the constraint and by how much, and a report', () => {
  withTmp((dir) => {
    const file = join(dir, 'tight.yaml');
    writeFileSync(
      file,
      'name: tight\nnodePools: { p: { count: 2, cores: 4, cpuType: avx2_zen2 } }\nmodels: { m: { gflops: 8 } }\nservices: { s: { model: m } }\nstreams: [{ type: s, fps: 25 }]\nslo: { maxP95LatencySeconds: 0.01 }\n',
    );
    const r = cli(['plan', file, '--out', join(dir, 'out'), '--precisions', 'fp32']);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /No candidate meets the SLO/);
    assert.match(r.stdout, /infeasible: s: .*latency/);
    assert.match(readFileSync(join(dir, 'out', 'plan.md'), 'utf8'), /No candidate meets the SLO/);
    assert.ok(!existsSync(join(dir, 'out', 'manifests')));
  });
});
