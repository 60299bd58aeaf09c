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
import { checkScenarioFile } from '../../src/scenario/load.js';

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
