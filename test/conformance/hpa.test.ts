/**
 * The Kubernetes HPA reference vectors (../shared/reference/hpa/vectors.json, SPEC.md): every case
 * through the same adapter the conformance CLI uses, one named test per case asserting every
 * expected field; then the CLI as a user runs it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { behaviorDefaulting, checkCase, parseVectorFile } from '../../src/autoscale/hpa/vectors.js';

const VECTORS = fileURLToPath(new URL('../../../../shared/reference/hpa/vectors.json', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/conformance.js');

const text = readFileSync(VECTORS, 'utf8');
const cases = parseVectorFile(text, VECTORS);

test('the reference file holds its 156 cases', () => {
  assert.equal(cases.length, 156);
});

for (const c of cases) {
  test(c.name, () => {
    const checks = checkCase(c);
    const checked = new Set(checks.map((k) => k.field));
    for (const field of Object.keys(c.expected)) assert.ok(checked.has(field), `${field} was not checked`);
    for (const k of checks) {
      if (k.ok) continue;
      // error_contains compares by inclusion; the deepEqual shows the two texts.
      assert.deepEqual(k.actual, k.expected, `${c.kind} ${k.field}`);
      assert.fail(`${k.field}: ${JSON.stringify(k.actual)} does not contain ${JSON.stringify(k.expected)}`);
    }
  });
}

test('defaultBehavior turns every behavior as written into the effective rules of the vectors', () => {
  let seen = 0;
  for (const c of cases) {
    const d = behaviorDefaulting(c);
    if (d === null) continue;
    seen++;
    assert.deepEqual(d.written, d.effective, c.name);
  }
  assert.ok(seen >= 20, `only ${seen} cases carry a behavior as written`);
});

function conformance(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lastLine: r.stdout.trimEnd().split('\n').at(-1),
  };
}

function withTmp(fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-hpa-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('conformance CLI: every reference case passes, exit 0', () => {
  const r = conformance(['hpa', VECTORS]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '156 passed, 0 failed\n');
});

test('conformance CLI: one altered expectation fails that case by name, exit 1', () => {
  withTmp((dir) => {
    const doc = JSON.parse(text);
    const victim = doc.cases.find((c: { kind: string }) => c.kind === 'controller_reconcile');
    victim.expected.desired_replicas += 1;
    const file = join(dir, 'altered.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = conformance(['hpa', file]);
    assert.equal(r.status, 1, r.stderr);
    const failures = r.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
    assert.equal(failures.length, 1);
    assert.ok(
      failures[0].startsWith(
        `FAIL ${victim.name}: desired_replicas expected ${victim.expected.desired_replicas}, got`,
      ),
    );
    assert.equal(r.lastLine, '155 passed, 1 failed');
  });
});

test('conformance CLI: unknown kind, unreadable or malformed file exit 2 with a message and no stack', () => {
  withTmp((dir) => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"cases": [');
    const noCases = join(dir, 'nocases.json');
    writeFileSync(noCases, '{"schema_version": 1}');
    const badInput = join(dir, 'badinput.json');
    const doc = JSON.parse(text);
    delete doc.cases[3].input.current_replicas;
    writeFileSync(badInput, JSON.stringify(doc));
    for (const [args, pattern] of [
      [['nope', VECTORS], /unknown kind 'nope'; valid kinds are: hpa, keda, kpa/],
      [['hpa', join(dir, 'missing.json')], /cannot read .*missing\.json/],
      [['hpa', notJson], /not valid JSON/],
      [['hpa', noCases], /expected an object with a "cases" array/],
      [['hpa', badInput], /cases\[3\]\.input\.current_replicas: expected a number/],
      [['hpa'], /usage: conformance <kind> <file>/],
    ] as const) {
      const r = conformance([...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
});
