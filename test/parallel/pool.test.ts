/**
 * runPool: results by job index whatever runs them; with `join`, this thread takes jobs from the same
 * queue once `after` resolves, beside the worker threads (or alone with none).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPool } from '../../src/parallel/pool.js';
import { square } from './square-worker.js';

const WORKER = new URL('./square-worker.js', import.meta.url);
const jobs = Array.from({ length: 40 }, (_, i) => i + 1);
const squares = jobs.map((n) => n * n);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test('join with one worker thread: this thread and the worker share the jobs, results in job order', async () => {
  let release = (): void => undefined;
  const after = new Promise<void>((resolve) => (release = resolve));
  const here: number[] = [];
  const done: number[] = [];
  const pool = runPool(jobs, {
    workerUrl: WORKER,
    workers: 1,
    inline: square,
    join: {
      after,
      run: async (n) => {
        here.push(n);
        await tick();
        return square(n);
      },
    },
    onDone: (i) => done.push(i),
  });
  // Nothing runs here before `after`.
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.deepEqual(here, []);
  release();
  assert.deepEqual(await pool, squares);
  assert.ok(here.length > 0 && here.length < jobs.length, `${here.length} of ${jobs.length} jobs here`);
  assert.deepEqual(
    [...done].sort((a, b) => a - b),
    jobs.map((_, i) => i),
  );
});

test('join with no worker thread: every job here, after `after`', async () => {
  const here: number[] = [];
  const results = await runPool(jobs, {
    workerUrl: WORKER,
    workers: 0,
    inline: square,
    join: { after: Promise.resolve(), run: async (n) => (here.push(n), square(n)) },
  });
  assert.deepEqual(results, squares);
  assert.deepEqual(here, jobs);
});

test('join: a rejected `after` or a failing job rejects the pool with its error', async () => {
  await assert.rejects(
    runPool(jobs, {
      workerUrl: WORKER,
      workers: 1,
      inline: square,
      join: { after: Promise.reject(new Error('the first seed failed')), run: async (n) => square(n) },
    }),
    /the first seed failed/,
  );
  await assert.rejects(
    runPool(jobs, {
      workerUrl: WORKER,
      workers: 0,
      inline: square,
      join: {
        after: Promise.resolve(),
        run: async (n) => {
          if (n === 7) throw new Error('job 7 broke');
          return square(n);
        },
      },
    }),
    /job 7 broke/,
  );
});
