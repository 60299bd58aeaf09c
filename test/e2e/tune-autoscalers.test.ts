/**
 * `inferscale tune` over several autoscalers, as a user runs it: on the seed's people service under
 * bursts (scenarios/seed-people-bursty.yaml) the best policy, and the best HPA, cost less than the
 * seed's own HPA at no higher drop %; regret against the oracle as written; each kind of best policy
 * (HPA, predictive's HPA, KEDA ScaledObject, Knative annotations) validates against its typed
 * Kubernetes model and loads back into the scenario, simulating to the KPIs its candidate had.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ConfigMap } from 'kubernetes-models/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Service } from '@kubernetes-models/knative/serving.knative.dev/v1';
import { simulate } from '../../src/model/simulate.js';
import { roundDeep } from '../../src/report/format.js';
import { loadScenario } from '../../src/scenario/load.js';
import { medianKpis, runKpis } from '../../src/tune/kpis.js';
import { kpaFromKnative } from '../../src/scenario/knative.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SCENARIO = join(ROOT, 'scenarios/seed-people-bursty.yaml');
const SPACE = join(ROOT, 'scenarios/tune-people-bursty.yaml');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withTmp(fn: (dir: string) => void) {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'inferscale-tune-as-'));
    try {
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

type Row = Record<string, string>;
const csvRows = (file: string): Row[] => parseCsv(readFileSync(file, 'utf8'), { columns: true }) as Row[];
const docsOf = (file: string) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

/** The scenario with people's autoscaler replaced, simulated on the tune's seeds: per-seed and median KPIs. */
function rerun(
  dir: string,
  best: { seeds: number[]; durationSeconds: number },
  people: Record<string, unknown>,
) {
  const input = parse(readFileSync(SCENARIO, 'utf8'));
  delete input.services.people.hpa;
  Object.assign(input.services.people, people);
  const file = join(dir, `loaded-back-${Object.keys(people).join('-')}.yaml`);
  writeFileSync(file, stringify(input));
  const v = cli(['validate', file]);
  assert.equal(v.status, 0, v.stderr);
  const loaded = loadScenario(file);
  const perSeed = best.seeds.map((seed) =>
    roundDeep(runKpis(loaded, simulate(loaded, { seed, durationUs: best.durationSeconds * 1e6 }))),
  );
  return { perSeed, kpis: medianKpis(perSeed) };
}

test(
  "tune on people under bursts: the best policy and the best HPA cost less than the seed's HPA at no higher drop %; regret against the oracle",
  withTmp((dir) => {
    const out = join(dir, 'out');
    const r = cli(['tune', SCENARIO, '--space', SPACE, '--workers', '2', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    // Priced pods: the best's KPIs start with its cost.
    assert.match(r.stdout, /\n  cost [0-9.]+, dropPercent [0-9.]+, /);
    assert.match(r.stdout, /The scenario's own policy: cost [0-9.]+, dropPercent [0-9.]+\n/);
    assert.match(r.stdout, /The oracle \(lower bound\): cost [0-9.]+, dropPercent [0-9.]+\n/);
    const best = JSON.parse(readFileSync(join(out, 'best.json'), 'utf8'));
    assert.deepEqual(best.baseline.autoscalers, { people: 'hpa' });
    assert.deepEqual(best.oracle.slo, { maxDropPercent: 2, maxP95LatencySeconds: null });

    // The baseline is the scenario as written: simulating it gives its KPIs.
    const own = loadScenario(SCENARIO);
    const ownPerSeed = best.seeds.map((seed: number) => roundDeep(runKpis(own, simulate(own, { seed }))));
    assert.deepEqual(best.baseline.perSeed, ownPerSeed);
    const base = best.baseline.kpis;

    // The acceptance: cheaper than the seed's own HPA at no higher drop %, overall and among HPAs.
    assert.ok(best.best.kpis.cost < base.cost, `best ${best.best.kpis.cost} vs own ${base.cost}`);
    assert.ok(best.best.kpis.dropPercent <= base.dropPercent);
    const rows = csvRows(join(out, 'candidates.csv'));
    const hpas = rows
      .filter((x) => x.autoscaler === 'hpa' && x.feasible === 'true')
      .sort((a, b) => Number(a.cost) - Number(b.cost));
    assert.ok(hpas.length > 0);
    assert.ok(Number(hpas[0].cost) < base.cost, `best HPA ${hpas[0].cost} vs own ${base.cost}`);
    assert.ok(Number(hpas[0].dropPercent) <= base.dropPercent);
    // Every autoscaler ran, each varying only its own parameters (the others empty).
    for (const a of ['hpa', 'keda', 'kpa', 'predictive'])
      assert.ok(
        rows.some((x) => x.autoscaler === a),
        a,
      );
    for (const x of rows.filter((y) => y.autoscaler === 'keda')) {
      assert.equal(x['metrics[0].target.averageValue'], '');
      assert.equal(x['kpa.target'], '');
      assert.notEqual(x['keda.pollingInterval'], '');
    }
    for (const x of rows.filter((y) => y.autoscaler === 'predictive')) {
      assert.notEqual(x['metrics[0].target.averageValue'], '');
      assert.notEqual(x['predictive.horizon'], '');
    }

    // Regret: each KPI minus the oracle's, for every candidate and the baseline.
    const o = best.oracle.kpis;
    const close = (a: number, b: number) => Math.abs(a - b) < 2e-6;
    for (const x of rows) {
      assert.ok(close(Number(x.costRegret), Number(x.cost) - o.cost), `candidate ${x.id}`);
      assert.ok(
        close(Number(x.dropPercentRegret), Number(x.dropPercent) - o.dropPercent),
        `candidate ${x.id}`,
      );
    }
    assert.ok(close(best.baseline.regret.cost, base.cost - o.cost));
    assert.ok(close(best.best.regret.dropPercent, best.best.kpis.dropPercent - o.dropPercent));
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    assert.match(summary, /## Against the scenario's own policy and the oracle/);
    assert.match(
      summary,
      /The best costs [0-9.]+ less \(cost\) than the scenario's own policy at no higher drop %\./,
    );
  }),
);

/** A one-autoscaler tune of people over 4 simulated minutes; its folder and best.json. */
function tuneOne(dir: string, name: string, parameters: string) {
  const space = join(dir, `space-${name}.yaml`);
  writeFileSync(
    space,
    `service: people\nduration: 4m\nseedsPerCandidate: 2\nparameters:\n  autoscaler: [${name}]\n${parameters}constraints: ['dropPercent <= 100']\n`,
  );
  const out = join(dir, name);
  const r = cli(['tune', SCENARIO, '--space', space, '--workers', '1', '--out', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  return { out, best: JSON.parse(readFileSync(join(out, 'best.json'), 'utf8')) };
}

test(
  'the best policy of each autoscaler validates against its typed Kubernetes model and loads back to the same KPIs',
  withTmp((dir) => {
    // hpa: best-hpa.yaml through manifests:.
    {
      const { out, best } = tuneOne(dir, 'hpa', '  maxReplicas: [3, 4]\n');
      const docs = docsOf(join(out, 'best-hpa.yaml'));
      assert.equal(docs.length, 1);
      new HorizontalPodAutoscaler(docs[0] as never).validate();
      const back = rerun(dir, best, { manifests: join(out, 'best-hpa.yaml') });
      assert.deepEqual(back.perSeed, best.best.perSeed);
    }
    // predictive: the HPA it feeds in best-hpa.yaml, its settings in best.json (and the file's note).
    {
      const { out, best } = tuneOne(dir, 'predictive', '  predictive.horizon: [5, 20]\n');
      const text = readFileSync(join(out, 'best-hpa.yaml'), 'utf8');
      assert.match(text, /people runs predictive: this HPA decides on Holt-Winters forecasts/);
      const docs = docsOf(join(out, 'best-hpa.yaml'));
      new HorizontalPodAutoscaler(docs[0] as never).validate();
      const settings = best.best.objects[0].object.predictive;
      assert.ok(text.includes(`predictive: ${JSON.stringify(settings)}`));
      const back = rerun(dir, best, { manifests: join(out, 'best-hpa.yaml'), predictive: settings });
      assert.deepEqual(back.perSeed, best.best.perSeed);
    }
    // keda: best-keda.yaml (a ScaledObject, its metadata strings) through manifests:.
    {
      const { out, best } = tuneOne(dir, 'keda', '  keda.triggers[0].metadata.listLength: [3, 6]\n');
      const docs = docsOf(join(out, 'best-keda.yaml'));
      assert.equal(docs.length, 1);
      assert.equal(docs[0].kind, 'ScaledObject');
      new ScaledObject(docs[0] as never).validate();
      const trig = (docs[0].spec as { triggers: { metadata: Record<string, unknown> }[] }).triggers[0];
      assert.equal(typeof trig.metadata.listLength, 'string');
      const back = rerun(dir, best, { manifests: join(out, 'best-keda.yaml') });
      assert.deepEqual(back.perSeed, best.best.perSeed);
      // A typed model that refuses what the KEDA CRD refuses (so the check above can fail).
      const bad = structuredClone(docs[0]) as { spec: { pollingInterval: unknown } };
      bad.spec.pollingInterval = 'often';
      assert.throws(() => new ScaledObject(bad as never).validate());
    }
    // kpa: best-kpa.yaml's Knative Service annotations and config-autoscaler back to kpa: settings.
    {
      const { out, best } = tuneOne(dir, 'kpa', '  kpa.target: [2, 4]\n  kpa.stableWindow: [30]\n');
      const docs = docsOf(join(out, 'best-kpa.yaml'));
      assert.deepEqual(
        docs.map((d) => d.kind),
        ['Service', 'ConfigMap'],
      );
      new Service(docs[0] as never).validate();
      new ConfigMap(docs[1] as never).validate();
      const annotations = (
        docs[0] as { spec: { template: { metadata: { annotations: Record<string, string> } } } }
      ).spec.template.metadata.annotations;
      assert.equal(annotations['autoscaling.knative.dev/class'], 'kpa.autoscaling.knative.dev');
      assert.equal(annotations['autoscaling.knative.dev/window'], '30s');
      const back = rerun(dir, best, { kpa: kpaFromKnative(docs[0], docs[1]) });
      assert.deepEqual(back.perSeed, best.best.perSeed);
      // The file itself as the service's manifests: the scenario reads the annotations.
      const again = rerun(dir, best, { manifests: join(out, 'best-kpa.yaml') });
      assert.deepEqual(again.perSeed, best.best.perSeed);
      // An annotation inferscale does not model, and a value kpa: would refuse, are placed errors.
      const text = readFileSync(join(out, 'best-kpa.yaml'), 'utf8')
        .replace(
          'autoscaling.knative.dev/window: 30s',
          'autoscaling.knative.dev/window: 30s\n        autoscaling.knative.dev/windoww: 10s',
        )
        .replace(
          /autoscaling.knative.dev\/panic-threshold-percentage: "200"/,
          'autoscaling.knative.dev/panic-threshold-percentage: "50"',
        );
      writeFileSync(join(dir, 'bad-kpa.yaml'), text);
      const input = parse(readFileSync(SCENARIO, 'utf8'));
      delete input.services.people.hpa;
      input.services.people.manifests = join(dir, 'bad-kpa.yaml');
      writeFileSync(join(dir, 'bad.yaml'), stringify(input));
      const v = cli(['validate', join(dir, 'bad.yaml')]);
      assert.equal(v.status, 2, v.stderr);
      assert.match(
        v.stderr,
        /bad-kpa\.yaml:\d+:\d+ spec\.template\.metadata\.annotations\.autoscaling\.knative\.dev\/windoww: inferscale reads the annotations/,
      );
      assert.match(
        v.stderr,
        /bad-kpa\.yaml:\d+:\d+ spec\.template\.metadata\.annotations\.autoscaling\.knative\.dev\/panic-threshold-percentage: must be/,
      );
    }
  }),
);
