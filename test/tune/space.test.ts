/** The space file: paths, domains, strategies, and every problem placed at file:line:col. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIssue } from '../../src/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { readScenarioFile } from '../../src/scenario/source.js';
import { applyCandidate, buildContext } from '../../src/tune/candidates.js';
import { parseConstraint, parsePath, readSpaceFile, resolveSpace } from '../../src/tune/space.js';
import { STRATEGIES, gridSize, type Domain } from '../../src/tune/strategies.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCENARIO = join(ROOT, 'scenarios/seed-hpa-scale-ratio.yaml');

/** Resolves a space given as YAML text against a scenario file; issues as formatted lines. */
function resolveText(yaml: string, scenarioFile = SCENARIO) {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-space-'));
  try {
    const file = join(dir, 'space.yaml');
    writeFileSync(file, yaml);
    const read = readSpaceFile(file);
    assert.ok(read.ok);
    const scenario = loadScenario(scenarioFile);
    const value = readScenarioFile(scenarioFile);
    assert.ok(value.ok);
    const r = resolveSpace(read.source, read.value, scenario, value.value as Record<string, unknown>);
    return r.ok
      ? { ok: true as const, space: r.space, scenario, value: value.value as Record<string, unknown> }
      : { ok: false as const, issues: r.issues.map((i) => formatIssue({ ...i, file: 'space.yaml' })) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('parsePath: manifest paths with an optional hpa. / spec. prefix', () => {
  const rows: [string, (string | number)[] | null][] = [
    ['minReplicas', ['minReplicas']],
    ['hpa.metrics[0].target.averageValue', ['metrics', 0, 'target', 'averageValue']],
    ['spec.behavior.scaleUp.policies[1].value', ['behavior', 'scaleUp', 'policies', 1, 'value']],
    ['hpa.spec.maxReplicas', ['maxReplicas']],
    ['metrics[x].target', null],
    ['metrics..target', null],
    ['', null],
    ['hpa', null],
  ];
  for (const [path, want] of rows) assert.deepEqual(parsePath(path), want, path);
});

test('parseConstraint: KPI, operator, number', () => {
  assert.deepEqual(parseConstraint('dropPercent <= 1'), {
    kpi: 'dropPercent',
    op: '<=',
    value: 1,
    text: 'dropPercent <= 1',
  });
  assert.deepEqual(parseConstraint(' sloViolationSeconds<30.5 '), {
    kpi: 'sloViolationSeconds',
    op: '<',
    value: 30.5,
    text: 'sloViolationSeconds < 30.5',
  });
  assert.match(parseConstraint('drops <= 1') as string, /"drops" is not a KPI; KPIs: cost, dropPercent/);
  assert.match(parseConstraint('dropPercent = 1') as string, /is not a constraint/);
});

test('grid: every combination, the last parameter fastest; a range steps from min', () => {
  const domains: Domain[] = [
    { kind: 'list', values: ['a', 'b'] },
    { kind: 'range', min: 0.1, max: 0.35, step: 0.1, integer: false },
  ];
  assert.equal(gridSize(domains), 6);
  assert.deepEqual(STRATEGIES.grid.generate({ names: ['x', 'y'], domains, budget: 0, seed: 1 }), [
    ['a', 0.1],
    ['a', 0.2],
    ['a', 0.3],
    ['b', 0.1],
    ['b', 0.2],
    ['b', 0.3],
  ]);
  assert.equal(gridSize([{ kind: 'range', min: 0, max: 1, step: null, integer: false }]), Infinity);
});

test('random and lhs: seeded (same seed, same candidates; another seed, others), within the domain', () => {
  const domains: Domain[] = [
    { kind: 'range', min: 0, max: 600, step: null, integer: true },
    { kind: 'range', min: 0.5, max: 1.5, step: null, integer: false },
    { kind: 'list', values: [2, 3, 4] },
  ];
  for (const name of ['random', 'lhs'] as const) {
    const gen = (seed: number) =>
      STRATEGIES[name].generate({ names: ['a', 'b', 'c'], domains, budget: 20, seed });
    const one = gen(1);
    assert.deepEqual(one, gen(1), name);
    assert.notDeepEqual(one, gen(2), name);
    assert.equal(one.length, 20);
    for (const [a, b, c] of one) {
      assert.ok(Number.isInteger(a) && (a as number) >= 0 && (a as number) <= 600, `${name} a=${a}`);
      assert.ok((b as number) >= 0.5 && (b as number) <= 1.5, `${name} b=${b}`);
      assert.ok([2, 3, 4].includes(c as number));
    }
  }
});

test('lhs: each of the budget strata of every parameter is used exactly once', () => {
  const n = 25;
  const rows = STRATEGIES.lhs.generate({
    names: ['u', 'v'],
    domains: [
      { kind: 'range', min: 0, max: 1, step: null, integer: false },
      { kind: 'range', min: 10, max: 20, step: null, integer: false },
    ],
    budget: n,
    seed: 3,
  });
  for (const [p, [min, max]] of [
    [0, [0, 1]],
    [1, [10, 20]],
  ] as const) {
    const strata = rows.map((r) => Math.min(n - 1, Math.floor((((r[p] as number) - min) / (max - min)) * n)));
    assert.deepEqual(
      [...strata].sort((a, b) => a - b),
      Array.from({ length: n }, (_, k) => k),
      `parameter ${p}`,
    );
  }
  // A list of 3 values over 9 candidates: each value 3 times.
  const listed = STRATEGIES.lhs.generate({
    names: ['w'],
    domains: [{ kind: 'list', values: [1, 2, 3] }],
    budget: 9,
    seed: 5,
  });
  for (const v of [1, 2, 3]) assert.equal(listed.filter((r) => r[0] === v).length, 3);
});

test('the example and the test space resolve; integer fields get integer ranges', () => {
  const example = resolveText(readFileSync(join(ROOT, 'scenarios/tune-seed.yaml'), 'utf8'));
  assert.ok(example.ok);
  assert.equal(buildContext(example.scenario, example.space, example.value).candidates.length, 18);
  const small = resolveText(readFileSync(join(ROOT, 'test/fixtures/tune/space-small.yaml'), 'utf8'));
  assert.ok(small.ok, JSON.stringify(!small.ok && small.issues));
  const window = small.space.parameters.find((p) => p.name.startsWith('behavior'))!;
  assert.deepEqual(window.domain, { kind: 'range', min: 0, max: 300, step: 60, integer: true });
  assert.equal(small.space.paretoX, 'replicaSeconds', 'no prices: replica-seconds stand in for cost');
  assert.equal(small.space.durationUs, 360e6);
});

test('bad spaces: every problem at file:line:col with the field', () => {
  const rows: [string, string, RegExp][] = [
    [
      'unknown top-level key',
      'parameters: { maxReplicas: [2] }\nstrategey: grid\n',
      /^space\.yaml:2:1 strategey: unknown key; valid keys here: .*strategy/,
    ],
    [
      'a field the HPA does not have',
      'parameters:\n  behavior.scaleDown.stabilizationWindowSecs: [0, 60]\n',
      /^space\.yaml:2:3 parameters\.behavior\.scaleDown\.stabilizationWindowSecs: people's HPA has no such field: spec\.behavior\.scaleDown\.stabilizationWindowSecs: unknown key; valid keys here: stabilizationWindowSeconds/,
    ],
    [
      'a value of the wrong type, at the value',
      'parameters:\n  maxReplicas: [2, "four"]\n',
      /^space\.yaml:2:20 parameters\.maxReplicas\[1\]: people's HPA: spec\.maxReplicas: must be an integer, not "four"/,
    ],
    [
      'a metric index past the list',
      'parameters:\n  metrics[3].target.averageValue: [1]\n',
      /^space\.yaml:2:3 parameters\.metrics\[3\]\.target\.averageValue: people's HPA: spec\.metrics has 1 item\(s\); there is no \[3\]/,
    ],
    [
      'a range over a field of names',
      'parameters:\n  behavior.scaleUp.selectPolicy: { min: 0, max: 1 }\n',
      /^space\.yaml:2:34 parameters\.behavior\.scaleUp\.selectPolicy: spec\.behavior\.scaleUp\.selectPolicy does not take numbers; give a list/,
    ],
    [
      'an unknown autoscaler, with the registered ones',
      'parameters:\n  maxReplicas: [2]\n  autoscaler: [hpa, oracle]\n',
      /^space\.yaml:3:21 parameters\.autoscaler\[1\]: "oracle" is not an autoscaler that can be tuned; registered: hpa, keda, kpa, predictive$/,
    ],
    [
      'an unknown service',
      'service: car\nparameters: { maxReplicas: [2] }\n',
      /^space\.yaml:1:10 service: unknown service "car"; the scenario has people/,
    ],
    [
      'cost without prices',
      'parameters: { maxReplicas: [2] }\nobjective: cost\n',
      /^space\.yaml:2:12 objective: no node pool .* has a pricePerHour/,
    ],
    [
      'a bad constraint',
      'parameters: { maxReplicas: [2] }\nconstraints: [drop < 1]\n',
      /^space\.yaml:2:15 constraints\[0\]: "drop" is not a KPI/,
    ],
    [
      'random without a budget',
      'strategy: random\nparameters: { maxReplicas: [2] }\n',
      /^space\.yaml:1:11 strategy: random needs a budget/,
    ],
    [
      'a grid over a fractional range without a step',
      'parameters:\n  metrics[0].target.averageValue: { min: 0.5, max: 1 }\n',
      /^space\.yaml:2:35 parameters\.metrics\[0\]\.target\.averageValue: a grid needs a step/,
    ],
    [
      'a grid larger than the budget',
      'budget: 2\nparameters: { maxReplicas: [2, 3, 4] }\n',
      /^space\.yaml:1:9 budget: the grid has 3 candidates, more than the budget \(2\)/,
    ],
    [
      'a range with min > max',
      'parameters:\n  maxReplicas: { min: 4, max: 2 }\n',
      /^space\.yaml:2:23 parameters\.maxReplicas\.min: must not exceed max \(4 > 2\)/,
    ],
    [
      'an unknown range key',
      'parameters:\n  maxReplicas: { min: 1, max: 2, by: 1 }\n',
      /^space\.yaml:2:34 parameters\.maxReplicas\.by: unknown key; valid keys here: min, max, step, integer/,
    ],
    [
      'a path that is no path',
      'parameters:\n  "metrics[0]..target": [1]\n',
      /^space\.yaml:2:3 parameters\.metrics\[0\]\.\.target: is not a field path/,
    ],
    [
      "a ScaledObject field KEDA's spec does not have",
      'parameters:\n  autoscaler: [hpa, keda]\n  keda.pollingIntervall: [10]\n',
      /^space\.yaml:3:3 parameters\.keda\.pollingIntervall: people's ScaledObject has no such field/,
    ],
    [
      'a kpa setting with no kpa candidate',
      'parameters:\n  autoscaler: [hpa, keda]\n  kpa.target: [1, 2]\n',
      /^space\.yaml:3:3 parameters\.kpa\.target: sets the kpa: settings, and no candidate runs kpa: add it to autoscaler: \[hpa, keda\]/,
    ],
    [
      'a keda setting without an autoscaler list, on an HPA service',
      'parameters:\n  keda.pollingInterval: [10]\n',
      /^space\.yaml:2:3 parameters\.keda\.pollingInterval: sets the KEDA ScaledObject's spec, and people run\(s\) hpa: list autoscaler: \[\.\.\., keda\]/,
    ],
    [
      'an autoscaler listed twice',
      'parameters:\n  autoscaler: [kpa, kpa]\n',
      /^space\.yaml:2:21 parameters\.autoscaler\[1\]: kpa is listed twice/,
    ],
    [
      'a kpa value out of its range',
      'parameters:\n  autoscaler: [kpa]\n  kpa.panicThresholdPercentage: [100]\n',
      /^space\.yaml:3:34 parameters\.kpa\.panicThresholdPercentage\[0\]: people's kpa settings: panicThresholdPercentage: must be/,
    ],
    [
      'a random budget smaller than the autoscalers listed',
      'strategy: random\nbudget: 1\nparameters:\n  autoscaler: [hpa, kpa]\n  kpa.target: { min: 1, max: 4 }\n',
      /^space\.yaml:2:9 budget: must be at least the 2 autoscalers listed/,
    ],
  ];
  const wrong: string[] = [];
  for (const [name, yaml, want] of rows) {
    const r = resolveText(yaml);
    if (r.ok) wrong.push(`${name}: accepted`);
    else if (!want.test(r.issues[0])) wrong.push(`${name}: ${r.issues.join(' | ')}`);
  }
  assert.deepEqual(wrong, []);
});

test('candidates with several autoscalers: a group each, only its own parameters varying, the rest empty', () => {
  const r = resolveText(
    'strategy: lhs\nbudget: 7\nparameters:\n  maxReplicas: [3, 4]\n  autoscaler: [hpa, kpa, predictive, keda]\n  kpa.target: { min: 1, max: 8 }\n  predictive.horizon: [10, 20]\n',
  );
  assert.ok(r.ok, r.ok ? '' : r.issues.join('\n'));
  const ctx = buildContext(r.scenario, r.space, r.value);
  const by = (a: string) => ctx.candidates.filter((c) => c.values[1] === a).map((c) => c.values);
  // 7 split as 2, 2, 2, 1; keda has no parameter of its own: its base ScaledObject, once.
  assert.deepEqual(
    ['hpa', 'kpa', 'predictive', 'keda'].map((a) => by(a).length),
    [2, 2, 2, 1],
  );
  for (const v of by('hpa')) assert.ok(v[0] !== null && v[2] === null && v[3] === null);
  for (const v of by('kpa')) assert.ok(v[0] === null && typeof v[2] === 'number' && v[3] === null);
  for (const v of by('predictive')) assert.ok(v[0] !== null && v[2] === null && v[3] !== null);
  assert.deepEqual(by('keda'), [[null, 'keda', null, null]]);
  // The kpa candidates start from Knative's defaults with the HPA's bounds.
  const base = ctx.bases[0];
  assert.equal(base.autoscaler, 'hpa');
  assert.equal(base.policies.kpa!.kpa!.minScale, 1);
  assert.equal(base.policies.kpa!.kpa!.maxScale, 4);
  assert.equal(base.policies.keda!.keda!.kind, 'ScaledObject');
});

test('applyCandidate: keda, kpa and predictive candidates run those autoscalers; a KPA the loader refuses is invalid', () => {
  const r = resolveText(
    'parameters:\n  autoscaler: [keda, kpa, predictive]\n  keda.minReplicaCount: [2]\n  keda.triggers[0].metadata.listLength: [7]\n  kpa.minScale: [5]\n  predictive.horizon: [12]\n',
  );
  assert.ok(r.ok, r.ok ? '' : r.issues.join('\n'));
  const ctx = buildContext(r.scenario, r.space, r.value);
  assert.deepEqual(
    ctx.candidates.map((c) => c.values[0]),
    ['keda', 'kpa', 'predictive'],
  );
  const [keda, kpa, predictive] = ctx.candidates.map((c) => applyCandidate(r.scenario, ctx, c));
  assert.ok(keda.ok);
  const k = keda.scenario.services[0];
  assert.equal(k.hpa, null);
  assert.equal(k.autoscaler?.policy, 'keda');
  if (k.autoscaler?.policy === 'keda') {
    assert.equal(k.autoscaler.keda.minReplicaCount, 2);
    assert.deepEqual(
      k.autoscaler.keda.triggers.map((t) => (t.type === 'redis' ? [t.listName, t.listLength] : null)),
      [['queue_people', 7]],
    );
    assert.equal(k.autoscaler.keda.hpa.maxReplicas, 4); // the HPA's bounds
  }
  assert.deepEqual(kpa, { ok: false, problems: ['people: kpa.minScale: must not exceed maxScale (5 > 4)'] });
  assert.ok(predictive.ok);
  const p = predictive.scenario.services[0];
  assert.deepEqual(p.hpa, r.scenario.services[0].hpa);
  assert.equal(p.autoscaler?.policy, 'predictive');
  if (p.autoscaler?.policy === 'predictive') assert.equal(p.autoscaler.predictive.horizonSeconds, 12);
});
