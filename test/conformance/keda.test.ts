/**
 * KEDA's reference vectors (../shared/reference/autoscalers/keda-vectors.json, KEDA.md section 3):
 * every executor case through the adapter the conformance CLI uses, then the CLI itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKedaVectors } from '../../src/autoscale/keda/vectors.js';

const VECTORS = fileURLToPath(
  new URL('../../../../shared/reference/autoscalers/keda-vectors.json', import.meta.url),
);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/conformance.js');
const text = readFileSync(VECTORS, 'utf8');
const cases = parseKedaVectors(text, VECTORS);

test('the reference file holds its 10 executor cases', () => {
  assert.equal(cases.length, 10);
});

for (const c of cases) {
  test(`keda ${c.name}`, () => {
    const checks = c.check();
    assert.ok(checks.some((k) => k.field === 'replicas_after'));
    for (const k of checks) assert.deepEqual(k.actual, k.expected, k.field);
  });
}

test('every expected field of every case is checked', () => {
  const doc = JSON.parse(text) as { executor_cases: { expect: Record<string, unknown> }[] };
  doc.executor_cases.forEach((raw, i) => {
    const fields = new Set(cases[i].check().map((k) => k.field));
    for (const f of Object.keys(raw.expect)) assert.ok(fields.has(f), `case ${i}: ${f} not checked`);
  });
});

const conformance = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

test('conformance CLI keda: every case passes, exit 0', () => {
  const r = conformance(['keda', VECTORS]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '10 passed, 0 failed\n');
});

test('conformance CLI keda: an altered case fails by name (exit 1); a file without executor_cases exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-keda-'));
  try {
    const doc = JSON.parse(text);
    doc.executor_cases[2].expect.replicas_after = 7;
    writeFileSync(join(dir, 'altered.json'), JSON.stringify(doc));
    const r = conformance(['keda', join(dir, 'altered.json')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /^FAIL TestScaleFromMinReplicasWhenActive: replicas_after expected 7, got 1\n9 passed, 1 failed\n$/,
    );
    writeFileSync(join(dir, 'empty.json'), '{}');
    const e = conformance(['keda', join(dir, 'empty.json')]);
    assert.equal(e.status, 2);
    assert.match(e.stderr, /expected an object with a "executor_cases" array/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
