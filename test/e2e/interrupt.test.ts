/**
 * Ctrl-C in the middle of a tune, on one worker and on two: exit 130, a message that says how many
 * candidates are kept and where, a checkpoint holding exactly those, no report folder; the same
 * command then finishes from there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { folderDigest } from '../helpers/digest.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SCENARIO = join(ROOT, 'scenarios/seed-hpa-scale-ratio.yaml');
const SPACE = join(ROOT, 'test/fixtures/tune/space-resume.yaml');

/** The CLI as a child process: its stderr as it comes, and how it ended (exit code, or the signal). */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = {
    child,
    stderr: '',
    ended: new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    ),
  };
  child.stderr.on('data', (d) => (run.stderr += d));
  return run;
}

/** Polls `ready` every `ms` until it holds or the child has exited, `tries` times at most. */
async function waitFor(run: ReturnType<typeof startCli>, ready: () => boolean, ms = 5, tries = 6000) {
  for (let i = 0; i < tries && !ready() && run.child.exitCode === null; i++)
    await new Promise((res) => setTimeout(res, ms));
}

/**
 * Ctrl-C to a simulate whose --out is `dir`/run, once it runs: its temp folder beside the report exists
 * (made after the Ctrl-C handler is set), then 300 ms more. Its exit code, stderr, and how long after
 * the signal it ended.
 */
async function interruptRunningSimulate(run: ReturnType<typeof startCli>, dir: string) {
  await waitFor(run, () => readdirSync(dir).some((n) => n.startsWith('.run.partial-')));
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(run.child.exitCode, null, `the run ended before it could be interrupted: ${run.stderr}`);
  const sentAt = performance.now();
  run.child.kill('SIGINT');
  const { code } = await run.ended;
  return { code, stderr: run.stderr, tookMs: performance.now() - sentAt };
}

/** Candidate records in tune's live checkpoint beside `out` (its header line left out). */
function checkpointRecords(out: string): number {
  const checkpoint = `${out}.checkpoint.jsonl`;
  return existsSync(checkpoint) ? readFileSync(checkpoint, 'utf8').split('\n').length - 2 : 0;
}

for (const workers of ['1', '2']) {
  test(`tune on ${workers} worker(s) stops cleanly on Ctrl-C and says what it kept`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'inferscale-int-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'tune');
    const checkpoint = `${out}.checkpoint.jsonl`;
    const records = () => checkpointRecords(out);
    const run = startCli(['tune', SCENARIO, '--space', SPACE, '--out', out, '--workers', workers]);
    await waitFor(run, () => records() >= 3);
    run.child.kill('SIGINT');
    const { code } = await run.ended;
    const stderr = run.stderr;
    assert.equal(code, 130, stderr);
    const m =
      /interrupted \(SIGINT\): (\d+) of 26 runs \(candidates, and the scenario's own and the oracle's\) finished; they are kept in (\S+)\. Run the same command/.exec(
        stderr,
      );
    assert.ok(m, stderr);
    assert.equal(Number(m[1]), records(), 'the message counts what the checkpoint holds');
    assert.ok(Number(m[1]) >= 3 && Number(m[1]) < 26);
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

for (const [what, args] of [
  ['in the middle of the first seed', [join(ROOT, 'test/bench/city.yaml'), '--duration', '1h']],
  [
    'while other seeds run on workers',
    [join(ROOT, 'scenarios/seed-demo-hpa.yaml'), '--seeds', '40', '--workers', '2'],
  ],
] as const) {
  test(`simulate stops on Ctrl-C ${what}: exit 130, the previous report untouched`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'inferscale-int-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'run');
    // A previous, complete report in the folder.
    const first = spawnSync(
      process.execPath,
      [CLI, 'simulate', join(ROOT, 'scenarios/seed-demo.yaml'), '--duration', '30s', '--out', out, '--quiet'],
      { encoding: 'utf8' },
    );
    assert.equal(first.status, 0, first.stderr);
    const before = folderDigest(out);
    const run = startCli(['simulate', ...args, '--out', out, '--quiet']);
    const { code, stderr, tookMs } = await interruptRunningSimulate(run, dir);
    assert.equal(code, 130, stderr);
    assert.match(
      stderr,
      new RegExp(
        `interrupted \\(SIGINT\\) at [0-9.]+ of [0-9.]+ s simulated: nothing was written; the previous report in ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is unchanged`,
      ),
    );
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(folderDigest(out), before, 'the previous report, byte for byte');
    assert.deepEqual(readdirSync(dir), ['run'], 'no temp folder left beside it');
    // Seen between slices of events, not at the end of the run (generous: the machine may be loaded).
    assert.ok(tookMs < 20_000, `exit ${tookMs.toFixed(0)} ms after the signal`);
  });
}

test('simulate stops on Ctrl-C while the charts are drawn: exit 130, no stack trace, nothing written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-int-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'run');
  const run = startCli(['simulate', '--out', out, '--quiet']);
  // summary.json lands in the temp folder just before the charts are sent to the renderer, which
  // then draws for most of a second.
  const drawing = () =>
    readdirSync(dir).some((n) => n.startsWith('.run.partial-') && existsSync(join(dir, n, 'summary.json')));
  await waitFor(run, drawing, 2);
  assert.equal(run.child.exitCode, null, `the run ended before it could be interrupted: ${run.stderr}`);
  run.child.kill('SIGINT');
  const { code } = await run.ended;
  const stderr = run.stderr;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted \(SIGINT\) at 600 of 600 s simulated: nothing was written/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(stderr, /chart renderer stopped/);
  assert.deepEqual(readdirSync(dir), [], 'no report and no temp folder');
});

test('replay stops on Ctrl-C while Prometheus keeps it waiting: exit 130, nothing written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-int-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A server that takes each query and never answers it.
  let queries = 0;
  const server = createServer(() => queries++);
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const out = join(dir, 'replay');
  const run = startCli([
    'replay',
    join(ROOT, 'test/fixtures/replay/recorded.yaml'),
    '--metrics',
    url,
    '--from',
    '1767225600',
    '--to',
    '1767226200',
    '--out',
    out,
    '--quiet',
  ]);
  await waitFor(run, () => queries > 0, 5, 3000);
  assert.ok(queries > 0, `replay never queried the server: ${run.stderr}`);
  run.child.kill('SIGINT');
  const { code } = await run.ended;
  const stderr = run.stderr;
  assert.equal(code, 130, stderr);
  assert.match(stderr, new RegExp(`interrupted \\(SIGINT\\): nothing was written; .*replay was not made`));
  assert.deepEqual(readdirSync(dir), [], 'no folder and no staging left');
});

test('tune stops cleanly on Ctrl-C after its last candidate, while it writes the report', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-int-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'tune');
  const records = () => checkpointRecords(out);
  const run = startCli(['tune', SCENARIO, '--space', SPACE, '--out', out, '--workers', '1', '--quiet']);
  // Every run is in the checkpoint: the report (its chart drawn first) is being made.
  await waitFor(run, () => records() >= 26, 2);
  assert.equal(run.child.exitCode, null, `the tune ended before it could be interrupted: ${run.stderr}`);
  run.child.kill('SIGINT');
  const { code, signal } = await run.ended;
  const stderr = run.stderr;
  assert.equal(signal, null, 'ended by the signal itself: no handler was listening');
  assert.equal(code, 130, stderr);
  assert.match(
    stderr,
    /interrupted \(SIGINT\): 26 of 26 runs .* they are kept in \S+\. Run the same command/,
  );
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir), ['tune.checkpoint.jsonl'], 'no temp folder left beside it');
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`report DIR stops on ${signal} while it draws: exit ${signal === 'SIGINT' ? 130 : 143}, the folder unchanged`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'inferscale-int-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'run');
    const first = spawnSync(
      process.execPath,
      [
        CLI,
        'simulate',
        join(ROOT, 'scenarios/seed-demo-hpa.yaml'),
        '--duration',
        '2h',
        '--out',
        out,
        '--quiet',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(first.status, 0, first.stderr);
    // An older report's page: regenerating it would change it, so an unchanged folder shows nothing was replaced.
    writeFileSync(join(out, 'index.html'), 'older page\n');
    const before = folderDigest(out);
    const run = startCli(['report', out, '--quiet']);
    const child = run.child;
    // Reading the run's CSV files (Linux: /proc lists the files the process has open): it has started.
    const reading = () => {
      try {
        return readdirSync(`/proc/${child.pid}/fd`).some((fd) => {
          try {
            return readlinkSync(`/proc/${child.pid}/fd/${fd}`).startsWith(out);
          } catch {
            return false;
          }
        });
      } catch {
        return false;
      }
    };
    await waitFor(run, reading, 1, 20000);
    assert.equal(child.exitCode, null, `report ended before it could be interrupted: ${run.stderr}`);
    child.kill(signal);
    const { code, signal: sig } = await run.ended;
    const stderr = run.stderr;
    assert.equal(sig, null, 'ended by the signal itself: no handler was listening');
    assert.equal(code, signal === 'SIGINT' ? 130 : 143, stderr);
    assert.match(stderr, new RegExp(`interrupted \\(${signal}\\): nothing was replaced; .*run is unchanged`));
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(folderDigest(out), before, 'the folder, byte for byte');
    assert.deepEqual(readdirSync(dir), ['run'], 'no temp folder left beside it');
  });
}

test('simulate --seeds on one worker answers Ctrl-C between short seeds, not after all of them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-int-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'run');
  // 200 seeds of the default scenario, each shorter than a slice of events, all on this thread: a few
  // seconds back to back.
  const run = startCli([
    'simulate',
    '--seeds',
    '200',
    '--workers',
    '1',
    '--no-report',
    '--out',
    out,
    '--quiet',
  ]);
  // The 300 ms after it starts take it past the first seed (tens of ms), into the others.
  const { code, stderr, tookMs } = await interruptRunningSimulate(run, dir);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted \(SIGINT\) at 600 of 600 s simulated: nothing was written/);
  assert.deepEqual(readdirSync(dir), [], 'no report and no temp folder');
  assert.ok(tookMs < 1500, `exit ${tookMs.toFixed(0)} ms after the signal`);
});
