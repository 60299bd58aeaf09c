/**
 * A key that no variant of a union takes is named even when the union has no variant to check the
 * value against (its `type` missing or misspelt): the soak's property test found `typeTypo` reported
 * only as "serviceTime.type ... missing", the misspelt key itself never named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type, type TSchema } from '@sinclair/typebox';
import { checkScenarioFile } from '../../src/scenario/load.js';
import { Obj } from '../../src/scenario/schema-base.js';
import { parseScenarioText } from '../../src/scenario/source.js';
import { unknownKeysOfAny } from '../../src/scenario/validate.js';

function issuesOf(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-union-'));
  try {
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, yaml);
    const r = checkScenarioFile(file);
    assert.equal(r.ok, false, 'the scenario was accepted');
    return r.ok
      ? []
      : r.issues.map((i) => ({ field: i.field, line: i.line, col: i.col, message: i.message }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const scenario = (serviceTime: string, startupDelay = '2s') => `name: union-keys
duration: 1m
nodePools:
  pool: { cores: 8, cpuType: avx2_zen3 }
models:
  m:
    serviceTime: ${serviceTime}
services:
  svc: { model: m, replicas: 2, startupDelay: ${startupDelay} }
streams:
  - { type: svc, fps: 10 }
`;

test('a misspelt `type` in a distribution: both the missing type and the unknown key, each placed', () => {
  const issues = issuesOf(scenario('{ typeTypo: exponential, mean: 50ms }'));
  assert.deepEqual(
    issues.map((i) => i.field),
    ['models.m.serviceTime.type', 'models.m.serviceTime.typeTypo'],
  );
  const typo = issues[1];
  assert.equal(typo.line, 7);
  assert.equal(typo.col, 20);
  assert.match(typo.message, /unknown key; valid keys here: type, .*mean/);
});

test('an unknown `type` and a key no distribution takes: both named', () => {
  const issues = issuesOf(scenario('{ type: expo, mean: 50ms, meen: 60ms }'));
  assert.deepEqual(
    issues.map((i) => i.field),
    ['models.m.serviceTime.type', 'models.m.serviceTime.meen'],
  );
});

test('the same inside a union that also takes a duration (startupDelay)', () => {
  const issues = issuesOf(scenario('50ms', '{ kind: uniform, min: 1s, max: 2s }'));
  assert.ok(
    issues.some((i) => i.field === 'services.svc.startupDelay.kind' && /unknown key/.test(i.message)),
    JSON.stringify(issues),
  );
});

test('a type missing with only valid keys gives the one issue it always gave', () => {
  const issues = issuesOf(scenario('{ mean: 50ms }'));
  assert.deepEqual(
    issues.map((i) => i.field),
    ['models.m.serviceTime.type'],
  );
});

// Every distribution in a scenario is the same union; a misspelt `type` is named in each.
const DISTRIBUTION_PLACES: { name: string; yaml: (d: string) => string; field: string }[] = [
  { name: 'a model’s serviceTime', yaml: (d) => scenario(d), field: 'models.m.serviceTime' },
  ...['startupDelay', 'imagePull', 'initWait', 'modelLoad'].map((key) => ({
    name: `a service’s ${key}`,
    yaml: (d: string) => scenario('50ms').replace('startupDelay: 2s', `${key}: ${d}`),
    field: `services.svc.${key}`,
  })),
];
for (const row of DISTRIBUTION_PLACES) {
  test(`a misspelt type in ${row.name}: the missing type and the misspelt key`, () => {
    const issues = issuesOf(row.yaml('{ tipe: uniform, min: 1s, max: 2s }'));
    assert.deepEqual(
      issues.map((i) => i.field),
      [`${row.field}.type`, `${row.field}.tipe`],
    );
    assert.match(issues[1].message, /^unknown key; valid keys here: type, /);
  });
}

test('a key named like an Object.prototype member is unknown too', () => {
  const issues = issuesOf(scenario('{ constructor: exponential, mean: 50ms }'));
  assert.deepEqual(
    issues.map((i) => i.field),
    ['models.m.serviceTime.type', 'models.m.serviceTime.constructor'],
  );
});

const kedaScenario = (triggers: string) => `name: union-keys-keda
duration: 1m
nodePools:
  pool: { cores: 8, cpuType: avx2_zen3 }
models:
  m: { gflops: 1 }
services:
  svc:
    model: m
    keda:
      triggers:
${triggers}
streams:
  - { type: svc, fps: 10 }
`;

test('a KEDA trigger without its type: a key that no trigger’s metadata takes is named, nested', () => {
  const issues = issuesOf(
    kedaScenario(`        - typ: redis
          metadata:
            listName: queue_svc
            listLenght: 5
`),
  );
  const at = 'services.svc.keda.triggers[0]';
  assert.deepEqual(
    issues.map((i) => i.field),
    [`${at}.type`, `${at}.typ`, `${at}.metadata.listLenght`],
  );
  const nested = issues[2];
  assert.deepEqual([nested.line, nested.col], [15, 13]);
  // The keys listed are those of every trigger type's metadata, redis's and prometheus's.
  assert.match(nested.message, /^unknown key; valid keys here: listName, .*listLength.*, query, threshold/);
});

test('a KEDA trigger whose type is empty is looked inside as one without a type', () => {
  const issues = issuesOf(
    kedaScenario(`        - type:
          metadata: { listNam: queue_svc }
`),
  );
  const at = 'services.svc.keda.triggers[0]';
  assert.deepEqual(
    issues.map((i) => [i.field, i.line, i.col]),
    [
      [`${at}.type`, 12, 16],
      [`${at}.metadata.listNam`, 13, 23],
    ],
  );
});

test('a KEDA trigger of a type we do not know: its own keys are judged, not those inside them', () => {
  // `metadata` may be a kafka trigger's, whose keys are not ours to call misspelt; `metricTyp` is
  // a key no trigger of any type has.
  const issues = issuesOf(
    kedaScenario(`        - type: kafka
          metricTyp: AverageValue
          metadata: { topic: frames, lagThreshold: '5' }
`),
  );
  const at = 'services.svc.keda.triggers[0]';
  assert.deepEqual(
    issues.map((i) => i.field),
    [`${at}.type`, `${at}.metricTyp`],
  );
  assert.match(issues[0].message, /must be one of redis, prometheus; not "kafka"/);
});

test('a KEDA trigger that is not a mapping says what a trigger is', () => {
  const issues = issuesOf(kedaScenario('        - redis\n'));
  assert.deepEqual(
    issues.map((i) => [i.field, i.message]),
    [['services.svc.keda.triggers[0]', 'must be a mapping {type: redis|prometheus, ...}; not "redis"']],
  );
});

/** The issues of a scenario whose service reads `manifestYaml` as its manifests file, and that file's path. */
function manifestIssues(manifestYaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-union-'));
  try {
    const manifest = join(dir, 'manifests.yaml');
    writeFileSync(manifest, manifestYaml);
    const file = join(dir, 'scenario.yaml');
    writeFileSync(
      file,
      scenario('50ms').replace('startupDelay: 2s', 'startupDelay: 2s, manifests: manifests.yaml'),
    );
    const r = checkScenarioFile(file);
    assert.equal(r.ok, false, 'the scenario was accepted');
    return { manifest, issues: r.ok ? [] : r.issues };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a manifest without a kind: the misspelt kind and a key no kind’s spec takes, placed in the manifest file', () => {
  const { manifest, issues } = manifestIssues(`apiVersion: autoscaling/v2
knd: HorizontalPodAutoscaler
spec:
  minReplicas: 1
  maxReplicas: 4
  maxReplica: 5
`);
  assert.deepEqual(
    issues.map((i) => [i.file, i.field, i.line, i.col]),
    [
      [manifest, 'kind', 1, 1],
      [manifest, 'knd', 2, 1],
      [manifest, 'spec.maxReplica', 6, 3],
    ],
  );
  assert.match(issues[1].message, /^unknown key; valid keys here: apiVersion, kind, metadata, spec, status/);
});

test('a manifest of a kind inferscale does not read: its kind, not its spec, is the problem', () => {
  const { issues } = manifestIssues(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
spec:
  rules: [{ host: example.com }]
`);
  assert.deepEqual(
    issues.map((i) => i.field),
    ['kind'],
  );
  assert.match(issues[0].message, /not "Ingress"/);
});

// unknownKeysOfAny on its own, against small schemas: where a candidate takes any key, nothing
// below it is unknown; lists and records are followed.
const A = Obj({
  type: Type.Literal('a'),
  opts: Obj({ p: Type.Number() }),
  list: Type.Optional(Type.Array(Obj({ q: Type.Number() }))),
  labels: Type.Optional(
    Type.Record(Type.String({ pattern: '^[a-z]+$' }), Obj({ r: Type.Number() }), {
      additionalProperties: false,
    }),
  ),
});
const B = Obj({ type: Type.Literal('b'), opts: Type.Unknown(), extra: Type.Optional(Type.String()) });

const UNKNOWN_KEY_ROWS: {
  name: string;
  candidates: TSchema[];
  yaml: string;
  deep?: boolean;
  fields: string[];
}[] = [
  {
    name: 'a key no candidate takes, at the top and inside a list',
    candidates: [A],
    yaml: 'typo: a\nopts: { p: 1 }\nlist: [{ q: 1 }, { qq: 2 }]\n',
    fields: ['typo', 'list[1].qq'],
  },
  {
    name: 'inside a key another candidate takes as anything',
    candidates: [A, B],
    yaml: 'opts: { pp: 1 }\nextra: x\nbogus: 1\n',
    fields: ['bogus'],
  },
  {
    name: 'inside a key only strict objects take',
    candidates: [A],
    yaml: 'opts: { pp: 1 }\n',
    fields: ['opts.pp'],
  },
  {
    name: 'not deep: only the keys of the value itself',
    candidates: [A],
    yaml: 'opts: { pp: 1 }\ntypo: 1\nlist: [{ qq: 2 }]\n',
    deep: false,
    fields: ['typo'],
  },
  {
    name: 'a record: a name matching its pattern is followed, another is unknown',
    candidates: [A],
    yaml: 'labels: { ok: { rr: 1 }, NotOk: { r: 1 } }\n',
    fields: ['labels.ok.rr', 'labels.NotOk'],
  },
  {
    name: 'a candidate that takes anything at the top',
    candidates: [A, Type.Unknown()],
    yaml: 'typo: a\n',
    fields: [],
  },
];
for (const row of UNKNOWN_KEY_ROWS) {
  test(`unknownKeysOfAny: ${row.name}`, () => {
    const parsed = parseScenarioText(row.yaml, 'x.yaml');
    assert.ok(parsed.ok);
    if (!parsed.ok) return;
    const issues = unknownKeysOfAny(parsed.source, row.candidates, parsed.value, { deep: row.deep });
    assert.deepEqual(
      issues.map((i) => i.field),
      row.fields,
    );
    for (const i of issues)
      assert.match(
        i.message,
        i.field === 'labels.NotOk'
          ? /^name "NotOk" is not allowed: a name matches \^\[a-z\]\+\$$/
          : /^unknown key; valid keys here: \w/,
      );
  });
}
