/**
 * `inferscale validate FILE` runs a bundle of its modules from V8's code cache (src/cli/validate-entry.ts):
 * it must say exactly what the modules say, for every shipped scenario and every malformed fixture,
 * with or without its code cache, and main.ts must pick it only while it is not older than tsc's output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleValidate, writeCodeCache } from '../helpers/bundle-cli.js';
import {
  CODE_CACHE_SUFFIX,
  VALIDATE_BUNDLE,
  VALIDATE_MODULE,
  validateEntry,
} from '../../src/cli/validate-entry.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODULE = fileURLToPath(new URL(`../../src/cli/${VALIDATE_MODULE}`, import.meta.url));
const ENTRY = fileURLToPath(new URL('../../src/cli/validate-entry.js', import.meta.url));

/**
 * Runs validateCommand on each file in one process, from the modules (`bundle` null) or from a
 * bundle through main.ts's loader: what it printed and returned, and whether a code cache was used.
 */
function validateAll(bundle: string | null, files: string[]): { cached: boolean; results: unknown[] } {
  const runner = `
    const [entry, bundle, ...files] = process.argv.slice(1);
    let command = await import(entry);
    let cached = false;
    if (bundle !== '') ({ command, cached } = command.loadBundle(bundle));
    const results = [];
    const out = { stdout: '', stderr: '' };
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (s) => ((out.stdout += s), true);
    process.stderr.write = (s) => ((out.stderr += s), true);
    for (const file of files) {
      out.stdout = out.stderr = '';
      const status = command.validateCommand(file, false);
      results.push({ file, status, ...out });
    }
    write(JSON.stringify({ cached, results }));`;
  const entry = bundle === null ? MODULE : ENTRY;
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', runner, pathToFileURL(entry).href, bundle ?? '', ...files],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { cached: boolean; results: unknown[] };
}

test('the bundle says what the modules say, file by file, with and without its code cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-bundle-'));
  try {
    const bundle = join(dir, VALIDATE_BUNDLE);
    await bundleValidate(bundle);
    const files = [
      ...readdirSync(join(ROOT, 'scenarios'))
        .filter((f) => /\.(yaml|json)$/.test(f))
        .map((f) => `scenarios/${f}`),
      ...readdirSync(join(ROOT, 'test/fixtures/bad')).map((f) => `test/fixtures/bad/${f}`),
      'test/fixtures/no-such-file.yaml',
      'scenarios',
    ];
    const fromModules = validateAll(null, files).results as { status: number }[];
    // Both outcomes are there, so the comparison covers messages as well as OK lines.
    assert.ok(fromModules.some((r) => r.status === 0));
    assert.ok(fromModules.filter((r) => r.status === 2).length > 50);

    const plain = validateAll(bundle, files);
    assert.equal(plain.cached, false, 'no code cache yet');
    assert.deepEqual(plain.results, fromModules);

    writeCodeCache(bundle);
    const cached = validateAll(bundle, files);
    assert.equal(cached.cached, true, 'the code cache made for this bundle is used');
    assert.deepEqual(cached.results, fromModules);

    // A cache made for another bundle, or cut short, is not used; the bundle still runs.
    const cache = readFileSync(bundle + CODE_CACHE_SUFFIX);
    writeFileSync(bundle + CODE_CACHE_SUFFIX, Buffer.concat([Buffer.from('// another\n'), cache]));
    assert.deepEqual(validateAll(bundle, files.slice(0, 3)), {
      cached: false,
      results: fromModules.slice(0, 3),
    });
    writeFileSync(bundle + CODE_CACHE_SUFFIX, cache.subarray(0, cache.length >> 1));
    assert.deepEqual(validateAll(bundle, files.slice(0, 3)), {
      cached: false,
      results: fromModules.slice(0, 3),
    });
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
