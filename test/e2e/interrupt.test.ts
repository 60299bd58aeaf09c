/**
 * Ctrl-C in the middle of a tune, on one worker and on two: exit 130, a message that says how many
 * candidates are kept and where, a checkpoint holding exactly those, no report folder; the same
 * command then finishes from there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SCENARIO = join(ROOT, 'scenarios/seed-hpa-scale-ratio.yaml');
const SPACE = join(ROOT, 'test/fixtures/tune/space-resume.yaml');

for (const workers of ['1', '2']) {
  test(`tune on ${workers} worker(s) stops cleanly on Ctrl-C and says what it kept`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'inferscale-int-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'tune');
    const checkpoint = `${out}.checkpoint.jsonl`;
    const records = () =>
      existsSync(checkpoint) ? readFileSync(checkpoint, 'utf8').split('\n').length - 2 : 0;
    const child = spawn(
      process.execPath,
      [CLI, 'tune', SCENARIO, '--space', SPACE, '--out', out, '--workers', workers],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 6000 && child.exitCode === null; i++) {
      await new Promise((res) => setTimeout(res, 5));
      if (records() >= 3) {
        child.kill('SIGINT');
        break;
      }
    }
    const code = await exited;
    assert.equal(code, 130, stderr);
    const m =
      /interrupted \(SIGINT\): (\d+) of 24 candidates finished; they are kept in (\S+)\. Run the same command/.exec(
        stderr,
      );
    assert.ok(m, stderr);
    assert.equal(Number(m[1]), records(), 'the message counts what the checkpoint holds');
    assert.ok(Number(m[1]) >= 3 && Number(m[1]) < 24);
    assert.equal(m[2], checkpoint);
    assert.equal(existsSync(out), false);

    const again = spawnSync(
      process.execPath,
      [CLI, 'tune', SCENARIO, '--space', SPACE, '--out', out, '--workers', workers, '--quiet'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(join(out, 'candidates.csv'), 'utf8').trim().split('\n').length, 1 + 24);
    assert.equal(existsSync(checkpoint), false);
  });
}
