/**
 * stdout closed by its reader (`inferscale schema | head -1`, `simulate --json | true`): the command
 * finishes its work and exits with its own code, without Node's "Unhandled 'error' event" stack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

/** Runs the CLI with the read end of its stdout closed before it writes; resolves to exit code and stderr. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

test('schema into a closed pipe: exit 0, no stack trace', async () => {
  const r = await withClosedStdout(['schema']);
  assert.doesNotMatch(r.stderr, /Unhandled 'error' event|EPIPE|\n\s+at /, r.stderr);
  assert.equal(r.code, 0, r.stderr);
});

test('simulate --json into a closed pipe: the report is written, exit 0, no stack trace', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-pipe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'run');
  const r = await withClosedStdout([
    'simulate',
    'scenarios/seed-demo.yaml',
    '--duration',
    '30s',
    '--no-report',
    '--json',
    '--out',
    out,
  ]);
  assert.doesNotMatch(r.stderr, /Unhandled 'error' event|EPIPE|\n\s+at /, r.stderr);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(out, 'summary.json')));
  assert.deepEqual(readdirSync(dir), ['run']);
});
