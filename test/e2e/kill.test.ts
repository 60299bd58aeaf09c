/**
 * Reports are complete or absent: `simulate` killed (SIGKILL or SIGINT) at moments spread over a
 * whole run leaves its report folder holding either the previous complete report or the new
 * complete one, byte for byte, never a mix or a torn file; the next run cleans up what the killed
 * ones left beside it. And a run killed between swapInto's two renames gets its previous report
 * back (report/partials.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recoverPartials } from '../../src/report/partials.js';
import { folderDigest } from '../helpers/digest.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const ARGS = ['simulate', 'scenarios/seed-demo-hpa.yaml', '--duration', '2m', '--quiet'];

function simulate(seed: number, out: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...ARGS, '--seed', String(seed), '--out', out], { cwd: ROOT });
  assert.equal(r.status, 0, r.stderr?.toString());
  return performance.now() - started;
}

function killedRun(seed: number, out: string, afterMs: number, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...ARGS, '--seed', String(seed), '--out', out], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill(signal), afterMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test('simulate killed at any moment leaves the previous complete report or the new one', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'inferscale-kill-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  // The two complete reports a folder may hold: seed 1's and seed 2's.
  simulate(1, join(scratch, 'ref-1'));
  const wallMs = simulate(2, join(scratch, 'ref-2'));
  const refs = [folderDigest(join(scratch, 'ref-1')), folderDigest(join(scratch, 'ref-2'))];
  assert.notDeepEqual(refs[0], refs[1]);

  const out = join(scratch, 'runs', 'report');
  simulate(1, out);
  const seen = new Set<number>();
  const kills = 8;
  for (let k = 0; k < kills; k++) {
    // Moments spread from start-up to past the end of a whole run, alternating the two seeds so
    // each kill may interrupt a replacement of the other's report. The last two (1.3x and 1.5x the
    // reference run's wall) come after the end even on a busier machine, one per seed, so the
    // folder changes hands at least once.
    const afterMs = ((k + 0.5) / kills) * wallMs * 1.6;
    await killedRun(k % 2 === 0 ? 2 : 1, out, afterMs, k % 3 === 0 ? 'SIGINT' : 'SIGKILL');
    assert.ok(existsSync(out), `kill ${k} at ${afterMs.toFixed(0)} ms left no report folder`);
    const now = folderDigest(out);
    const which = refs.findIndex((r) => JSON.stringify(r) === JSON.stringify(now));
    assert.ok(
      which >= 0,
      `kill ${k} at ${afterMs.toFixed(0)} ms left a report that is neither: ${Object.keys(now).join(', ')}`,
    );
    seen.add(which);
  }
  // Some kills came too late to stop the run: the folder did change hands.
  assert.deepEqual([...seen].sort(), [0, 1], 'every kill left the same report: the moments missed the runs');
  // The next complete run removes whatever the killed ones left beside the folder.
  simulate(2, out);
  assert.deepEqual(readdirSync(join(scratch, 'runs')), ['report']);
  assert.deepEqual(folderDigest(out), refs[1]);
});

test('a run killed between the two renames gets its previous report back; live runs are left alone', (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'inferscale-partials-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  const deadPid = Number(dead.stdout);
  const out = join(scratch, 'report');
  // The state swapInto leaves after renameSync(out, old) and before renameSync(tmp, out).
  mkdirSync(join(scratch, `.report.partial-${deadPid}.old`));
  writeFileSync(join(scratch, `.report.partial-${deadPid}.old`, 'summary.json'), '{"previous": true}\n');
  mkdirSync(join(scratch, `.report.partial-${deadPid}`));
  writeFileSync(join(scratch, `.report.partial-${deadPid}`, 'timeseries.csv'), 'torn');
  // A run in progress (this process) keeps its folder.
  mkdirSync(join(scratch, `.report.partial-${process.pid}`));
  const did = recoverPartials(out);
  assert.equal(did.length, 2);
  assert.equal(readFileSync(join(out, 'summary.json'), 'utf8'), '{"previous": true}\n');
  assert.deepEqual(readdirSync(scratch).sort(), [`.report.partial-${process.pid}`, 'report']);
  // With the folder present, a dead run's `.old` is stale: removed, the folder kept.
  mkdirSync(join(scratch, `.report.partial-${deadPid}.old`));
  recoverPartials(out);
  assert.equal(existsSync(join(scratch, `.report.partial-${deadPid}.old`)), false);
  assert.equal(readFileSync(join(out, 'summary.json'), 'utf8'), '{"previous": true}\n');
});

test('report DIR cleans up what a killed `report DIR` left in the folder, and gets charts/ back', (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'inferscale-partials-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const out = join(scratch, 'run');
  simulate(1, out);
  const complete = folderDigest(out);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  const deadPid = Number(dead.stdout);
  // A `report DIR` killed between swapInto's two renames of charts/, its page and summary written
  // beside their places.
  rmSync(join(out, 'charts'), { recursive: true });
  mkdirSync(join(out, `.charts.partial-${deadPid}.old`));
  writeFileSync(join(out, `.charts.partial-${deadPid}.old`, 'old.svg'), '<svg/>');
  mkdirSync(join(out, `.charts.partial-${deadPid}`));
  writeFileSync(join(out, `.index.html.partial-${deadPid}`), 'torn');
  writeFileSync(join(out, `.summary.md.partial-${deadPid}`), 'torn');
  const r = spawnSync(process.execPath, [CLI, 'report', out, '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(folderDigest(out), complete, 'the complete report, nothing beside it');
});
