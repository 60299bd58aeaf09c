/**
 * An output path that names something the command must not replace: a regular file at --out (the
 * report folder would be renamed over it, deleting it) or a folder at --openmetrics (the run would
 * finish, replace the report, then fail). Each is refused before anything runs: exit 2, the
 * option named, the file or folder as it was, nothing else written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const S = (name: string) => join(ROOT, 'scenarios', name);
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
/** The seed demo for 30 s, CSV and JSON only: a run that would write its outputs at once. */
const SHORT_RUN = ['simulate', S('seed-demo.yaml'), '--duration', '30s', '--no-report'];

for (const [command, args] of [
  ['simulate', SHORT_RUN],
  ['plan', ['plan', S('plan-seed.yaml'), '--no-confirm']],
  [
    'tune',
    ['tune', S('seed-hpa-scale-ratio.yaml'), '--space', join(ROOT, 'test/fixtures/tune/space-resume.yaml')],
  ],
] as const) {
  test(`${command} refuses an --out that is a regular file, and leaves it alone`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'inferscale-out-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'notes.txt');
    writeFileSync(out, 'my notes\n');
    const r = cli([...args, '--out', out, '--quiet']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^\(command line\):1:1 --out: .*notes\.txt is a file, not a folder/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(readFileSync(out, 'utf8'), 'my notes\n', 'the file as it was');
    assert.deepEqual(readdirSync(dir), ['notes.txt'], 'nothing else written beside it');
  });
}

test('simulate refuses an --openmetrics that is a folder before it runs', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-out-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'metrics'));
  const r = cli([...SHORT_RUN, '--out', join(dir, 'run'), '--openmetrics', join(dir, 'metrics'), '--quiet']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^\(command line\):1:1 --openmetrics: .*metrics is a folder, not a file/m);
  assert.deepEqual(readdirSync(dir), ['metrics'], 'no report written');
  assert.deepEqual(readdirSync(join(dir, 'metrics')), []);
});

for (const flag of ['--out', '--openmetrics'] as const) {
  test(`simulate refuses an ${flag} under a regular file (exit 2, the file named), not an I/O error`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'inferscale-out-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
    const target = join(dir, 'notes.txt', 'deeper', flag === '--out' ? 'run' : 'run.om');
    const out = flag === '--out' ? target : join(dir, 'run');
    const r = cli([
      ...SHORT_RUN,
      '--out',
      out,
      ...(flag === '--openmetrics' ? ['--openmetrics', target] : []),
      '--quiet',
    ]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^\\(command line\\):1:1 ${flag}: \\S+notes\\.txt is a file, so \\S+ cannot be made`, 'm'),
    );
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'my notes\n');
    assert.deepEqual(readdirSync(dir), ['notes.txt'], 'nothing else written');
  });
}
