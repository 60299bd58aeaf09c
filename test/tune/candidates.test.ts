/** Candidates applied to a scenario's HPAs, the manifest round trip, the front and the best. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { readScenarioFile } from '../../src/scenario/source.js';
import { scenarioFrom, baseSpec, merge } from '../helpers/scenario.js';
import { applyCandidate, buildContext, type TuneContext } from '../../src/tune/candidates.js';
import type { CandidateRecord } from '../../src/tune/checkpoint.js';
import { hpaObject, hpaSpecManifest, resolveHpaManifest } from '../../src/tune/hpa-manifest.js';
import { analyse } from '../../src/tune/results.js';
import type { Parameter, TuneSpace } from '../../src/tune/space.js';
import type { Kpis } from '../../src/tune/kpis.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const names = { hpa: 'h', deployment: 'd', service: 's' };

test('every HPA of the shipped scenarios survives the trip to an autoscaling/v2 manifest and back', () => {
  let seen = 0;
  for (const f of readdirSync(join(ROOT, 'scenarios')).filter(
    (f) => /\.yaml$/.test(f) && !f.startsWith('tune'),
  )) {
    const scenario = loadScenario(join(ROOT, 'scenarios', f));
    for (const svc of scenario.services) {
      if (!svc.hpa) continue;
      seen++;
      const back = resolveHpaManifest(hpaObject(hpaSpecManifest(svc.hpa), names), svc.containerName, false);
      assert.ok(back.ok, `${f} ${svc.name}`);
      assert.deepEqual(back.spec, svc.hpa, `${f} ${svc.name}`);
    }
  }
  assert.ok(seen >= 3);
});

test('the trip keeps behavior, tolerances, fractional quantities and every source type', () => {
  const scenario = scenarioFrom(
    merge(baseSpec(), {
      controller: { featureGates: { HPAConfigurableTolerance: true } },
      services: {
        svc: {
          resources: { requests: { cpu: 0.5 } },
          hpa: {
            apiVersion: 'autoscaling/v2',
            kind: 'HorizontalPodAutoscaler',
            spec: {
              maxReplicas: 6,
              metrics: [
                {
                  type: 'Resource',
                  resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '350m' } },
                },
                {
                  type: 'Pods',
                  pods: {
                    metric: { name: 'ei_drop_fps' },
                    target: { type: 'AverageValue', averageValue: 0.25 },
                  },
                },
                {
                  type: 'External',
                  external: { metric: { name: 'queue_length' }, target: { type: 'Value', value: 12 } },
                },
                {
                  type: 'Object',
                  object: {
                    metric: { name: 'queue_length' },
                    describedObject: { kind: 'Service', name: 'redis' },
                    target: { type: 'AverageValue', averageValue: '2500m' },
                  },
                },
                {
                  type: 'ContainerResource',
                  containerResource: {
                    name: 'cpu',
                    container: 'svc',
                    target: { type: 'Utilization', averageUtilization: 70 },
                  },
                },
              ],
              behavior: {
                scaleUp: {
                  selectPolicy: 'Min',
                  tolerance: '50m',
                  policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }],
                },
                scaleDown: { stabilizationWindowSeconds: 120 },
              },
            },
          },
        },
      },
    }),
  );
  const spec = scenario.services[0].hpa!;
  const back = resolveHpaManifest(hpaObject(hpaSpecManifest(spec), names), 'svc', false);
  assert.ok(back.ok, JSON.stringify(!back.ok && back.problems));
  assert.deepEqual(back.spec, spec);
});

function contextFor(
  file: string,
  parameters: Parameter[],
  values: (number | string)[][],
): { ctx: TuneContext; scenario: ReturnType<typeof loadScenario> } {
  const scenario = loadScenario(join(ROOT, file));
  const read = readScenarioFile(join(ROOT, file));
  assert.ok(read.ok);
  const space: TuneSpace = {
    description: '',
    services: scenario.services
      .filter((s) => s.hpa)
      .map((s) => s.name)
      .slice(0, 1),
    durationUs: 60e6,
    strategy: 'grid',
    budget: null,
    seed: 1,
    seedsPerCandidate: 1,
    parameters,
    objective: ['replicaSeconds'],
    paretoX: 'replicaSeconds',
    constraints: [],
  };
  const ctx = buildContext(scenario, space, read.value as Record<string, unknown>);
  return { scenario, ctx: { ...ctx, candidates: values.map((v, id) => ({ id, values: v })) } };
}

const list = (name: string, path: (string | number)[]): Parameter => ({
  name,
  target: 'policy',
  part: 'hpa',
  path,
  domain: { kind: 'list', values: [0] },
});

test('applyCandidate: values land in the HPA the simulation runs; min > max and a zero target are invalid, not a crash', () => {
  // seed-demo-hpa's car-fp32 has an autoscaling/v1 HPA: its CPU target is metrics[0].target.averageUtilization.
  const { ctx, scenario } = contextFor(
    'scenarios/seed-demo-hpa.yaml',
    [
      list('metrics[0].target.averageUtilization', ['metrics', 0, 'target', 'averageUtilization']),
      list('minReplicas', ['minReplicas']),
      list('behavior.scaleDown.stabilizationWindowSeconds', [
        'behavior',
        'scaleDown',
        'stabilizationWindowSeconds',
      ]),
    ],
    [
      [50, 1, 30],
      [50, 5, 30],
    ],
  );
  assert.deepEqual(ctx.space.services, ['car-fp32']);
  const ok = applyCandidate(scenario, ctx, ctx.candidates[0]);
  assert.ok(ok.ok);
  const hpa = ok.scenario.services.find((s) => s.name === 'car-fp32')!.hpa!;
  assert.deepEqual(hpa.metrics, [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
  ]);
  assert.equal(hpa.behavior?.scaleDown.stabilizationWindowSeconds, 30);
  assert.deepEqual(hpa.behavior?.scaleUp.policies, [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ]);
  assert.equal(ok.scenario.durationUs, 60e6, "the space's duration");
  assert.deepEqual(
    ok.scenario.services.find((s) => s.name === 'people'),
    scenario.services.find((s) => s.name === 'people'),
    'an untuned service is left alone',
  );
  const bad = applyCandidate(scenario, ctx, ctx.candidates[1]);
  assert.deepEqual(bad, {
    ok: false,
    problems: ['car-fp32: spec.minReplicas: must not exceed maxReplicas (5 > 4)'],
  });

  const zero = contextFor(
    'scenarios/seed-hpa-scale-ratio.yaml',
    [list('metrics[0].target.averageValue', ['metrics', 0, 'target', 'averageValue'])],
    [[0]],
  );
  assert.deepEqual(applyCandidate(zero.scenario, zero.ctx, zero.ctx.candidates[0]), {
    ok: false,
    problems: ['people: spec.metrics[0].pods.target.averageValue: must be greater than 0'],
  });
});

function rec(
  id: number,
  replicaSeconds: number | null,
  dropPercent: number | null,
  valid = true,
): CandidateRecord {
  const kpis: Kpis = {
    cost: 0,
    dropPercent,
    sloViolationSeconds: 0,
    scaleEventsPerHour: 0,
    replicaSeconds,
    latencyP95Seconds: null,
  };
  return { id, values: [id], valid, problems: valid ? [] : ['x'], kpis: valid ? kpis : null, perSeed: null };
}

test('analyse: the front (ties kept, dominated points out), the best feasible by objective then id', () => {
  const { ctx } = contextFor(
    'scenarios/seed-hpa-scale-ratio.yaml',
    [list('maxReplicas', ['maxReplicas'])],
    [],
  );
  const c: TuneContext = {
    ...ctx,
    space: {
      ...ctx.space,
      objective: ['replicaSeconds', 'dropPercent'],
      constraints: [{ kpi: 'dropPercent', op: '<=', value: 5, text: 'dropPercent <= 5' }],
    },
  };
  const records = [
    rec(0, 100, 10), // cheapest, misses the constraint: on the front, not best
    rec(1, 200, 4), // front, best (cheapest that meets it)
    rec(2, 200, 4), // same point: on the front too; loses the tie to id 1
    rec(3, 250, 4), // dominated by 1
    rec(4, 300, 1), // front
    rec(5, 300, 2), // dominated by 4 (same cost, more drops)
    rec(6, 50, 0, false), // invalid: nowhere
  ];
  const r = analyse(c, [...records].reverse());
  assert.deepEqual(
    r.front,
    [1, 2, 0, 4].sort((a, b) => records[a].kpis!.replicaSeconds! - records[b].kpis!.replicaSeconds! || a - b),
  );
  assert.equal(r.best, 1);
  assert.deepEqual(
    r.candidates.map((x) => [x.id, x.feasible, x.pareto]),
    [
      [0, false, true],
      [1, true, true],
      [2, true, true],
      [3, true, false],
      [4, true, true],
      [5, true, false],
      [6, false, false],
    ],
  );
  assert.deepEqual(r.candidates[0].violations, ['dropPercent 10 > 5']);
  assert.equal(analyse(c, [rec(0, 100, 10)]).best, null, 'none feasible');
});
