/**
 * The Knative Pod Autoscaler's reference vectors (../shared/reference/autoscalers/kpa-vectors.json,
 * KPA.md): decisions step by step, construction, window averages, the max window and the
 * weighted-exponential coefficient, through the adapter the conformance CLI uses; then the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKpaVectors } from '../../src/autoscale/kpa/vectors.js';

const VECTORS = fileURLToPath(
  new URL('../../../../shared/reference/autoscalers/kpa-vectors.json', import.meta.url),
);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/conformance.js');
const text = readFileSync(VECTORS, 'utf8');
const cases = parseKpaVectors(text, VECTORS);

test('the reference file holds 19 decision, 4 creation, 4 aggregation, 4 max-window and 5 coefficient cases', () => {
  assert.equal(cases.length, 36);
});

for (const c of cases) {
  test(`kpa ${c.name}`, () => {
    const checks = c.check();
    assert.ok(checks.length > 0);
    for (const k of checks)
      assert.ok(k.ok, `${k.field}: expected ${JSON.stringify(k.expected)}, got ${JSON.stringify(k.actual)}`);
  });
}

test('every decision step checks each field its expect holds (panic_after_source is provenance)', () => {
  const doc = JSON.parse(text) as {
    decision_cases: { id: string; steps: { expect: Record<string, unknown> }[] }[];
  };
  for (const dc of doc.decision_cases) {
    const fields = new Set(
      cases
        .find((c) => c.name === dc.id)!
        .check()
        .map((k) => k.field),
    );
    dc.steps.forEach((s, i) => {
      for (const f of Object.keys(s.expect)) {
        if (f === 'panic_after_source') continue;
        assert.ok(fields.has(`steps[${i}].${f}`), `${dc.id} steps[${i}].${f}`);
      }
    });
  }
});

const conformance = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

test('conformance CLI kpa: every case passes, exit 0', () => {
  const r = conformance(['kpa', VECTORS]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '36 passed, 0 failed\n');
});

test('conformance CLI kpa: an altered decision fails by name and step, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-kpa-'));
  try {
    const doc = JSON.parse(text);
    const victim = doc.decision_cases.find((c: { id: string }) => c.id === 'table-panic-double');
    victim.steps[0].expect.desired = 11;
    writeFileSync(join(dir, 'altered.json'), JSON.stringify(doc));
    const r = conformance(['kpa', join(dir, 'altered.json')]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(
      r.stdout,
      'FAIL table-panic-double: steps[0].desired expected 11, got 10\n35 passed, 1 failed\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
