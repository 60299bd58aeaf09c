/**
 * `inferscale validate FILE` runs a bundle of its modules (src/cli/validate-entry.ts): it must say
 * exactly what the modules say, for every shipped scenario and every malformed fixture, and main.ts
 * must pick it only while it is not older than tsc's output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleValidate } from '../helpers/bundle-cli.js';
import { VALIDATE_BUNDLE, VALIDATE_MODULE, validateEntry } from '../../src/cli/validate-entry.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODULE = fileURLToPath(new URL(`../../src/cli/${VALIDATE_MODULE}`, import.meta.url));

/** Runs validateCommand from `entry` on each file in one process: what it printed and returned. */
function validateAll(entry: string, files: string[]): unknown {
  const runner = `
    const { validateCommand } = await import(process.argv[1]);
    const results = [];
    const out = { stdout: '', stderr: '' };
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (s) => ((out.stdout += s), true);
    process.stderr.write = (s) => ((out.stderr += s), true);
    for (const file of process.argv.slice(2)) {
      out.stdout = out.stderr = '';
      const status = validateCommand(file, false);
      results.push({ file, status, ...out });
    }
    write(JSON.stringify(results));`;
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', runner, pathToFileURL(entry).href, ...files],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('the bundle says what the modules say, file by file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-bundle-'));
  try {
    const bundle = join(dir, 'validate.bundle.mjs');
    await bundleValidate(bundle);
    const files = [
      ...readdirSync(join(ROOT, 'scenarios'))
        .filter((f) => /\.(yaml|json)$/.test(f))
        .map((f) => `scenarios/${f}`),
      ...readdirSync(join(ROOT, 'test/fixtures/bad')).map((f) => `test/fixtures/bad/${f}`),
      'test/fixtures/no-such-file.yaml',
      'scenarios',
    ];
    const fromModules = validateAll(MODULE, files) as { status: number }[];
    // Both outcomes are there, so the comparison covers messages as well as OK lines.
    assert.ok(fromModules.some((r) => r.status === 0));
    assert.ok(fromModules.filter((r) => r.status === 2).length > 50);
    assert.deepEqual(validateAll(bundle, files), fromModules);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('main.ts runs the bundle only when it is not older than tsc output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-entry-'));
  try {
    const cli = pathToFileURL(`${dir}/`);
    const buildInfo = new URL('.tsbuildinfo', cli);
    const touch = (name: string, seconds: number) => {
      const path = join(dir, name);
      writeFileSync(path, '');
      utimesSync(path, seconds, seconds);
    };
    assert.equal(validateEntry(cli, buildInfo), VALIDATE_MODULE, 'no bundle');
    touch(VALIDATE_BUNDLE, 1000);
    assert.equal(validateEntry(cli, buildInfo), VALIDATE_BUNDLE, 'a bundle, no build info (installed)');
    touch('.tsbuildinfo', 2000);
    assert.equal(validateEntry(cli, buildInfo), VALIDATE_MODULE, 'tsc wrote after the bundle');
    touch(VALIDATE_BUNDLE, 3000);
    assert.equal(validateEntry(cli, buildInfo), VALIDATE_BUNDLE, 'bundled after tsc');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
