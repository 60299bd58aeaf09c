/**
 * A fixed pool of worker threads for independent jobs (seeds of one scenario, candidates of a sweep):
 *
 *   jobs[i] -> the next idle worker (or this thread, once it joins) -> results[i]
 *
 * Results are placed by job index, never by finishing order, so whatever the worker count the
 * caller sees the same array. With `workers <= 1` and no `join`, every job runs in this thread
 * through `inline`, which is the serial reference the threaded runs must equal.
 */
import { Worker } from 'node:worker_threads';

export interface PoolOptions<J, R> {
  /** The worker module: it answers each `{ index, job }` message with `{ index, result }` or `{ index, error }`. */
  workerUrl: URL;
  /** Worker threads to start (at most one per job); 1 or less runs every job inline. */
  workers: number;
  /** The same computation the worker does, for the serial path. */
  inline: (job: J) => R | Promise<R>;
  /** Called as each job finishes (in finishing order), e.g. for progress. */
  onDone?: (index: number, result: R) => void;
  /**
   * This thread's share, for a caller that first simulates something of its own (`simulate --seeds`:
   * the first seed): once `after` resolves, this thread takes jobs from the same queue as the worker
   * threads, each through `run`, which must yield to the event loop between slices of its work so
   * that the workers' replies (and a Ctrl-C) are handled meanwhile. `workers` may then be 0. Without
   * it, this thread only waited for the workers once its own work was done, and with as many workers
   * as cores, three threads shared two cores while it worked.
   */
  join?: { after: Promise<unknown>; run: (job: J) => Promise<R> };
}

export type PoolRequest<J> = { index: number; job: J };
export type PoolReply<R> = { index: number; result: R } | { index: number; error: string };

/** Runs every job; rejects with the first failure (by job index among those that failed first). */
export async function runPool<J, R>(jobs: readonly J[], options: PoolOptions<J, R>): Promise<R[]> {
  const results = new Array<R>(jobs.length);
  const join = options.join;
  if (!join && (options.workers <= 1 || jobs.length <= 1)) {
    for (const [i, job] of jobs.entries()) {
      results[i] = await options.inline(job);
      options.onDone?.(i, results[i]);
      // A turn of the event loop between jobs, so a Ctrl-C handler (cli/interrupt.ts) gets to run.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return results;
  }
  const count = Math.max(0, Math.min(options.workers, jobs.length));
  let next = 0;
  const threads: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      if (jobs.length === 0) return resolve();
      const feed = (w: Worker) => {
        if (failed || next >= jobs.length) return;
        const request: PoolRequest<J> = { index: next, job: jobs[next] };
        next++;
        w.postMessage(request);
      };
      for (let t = 0; t < count; t++) {
        const w = new Worker(options.workerUrl);
        threads.push(w);
        w.on('message', (reply: PoolReply<R>) => {
          if ('error' in reply) return fail(new Error(reply.error));
          // The worker gets its next job first: whatever onDone does on this thread (a checkpoint
          // line written and fsynced, progress) then overlaps the worker's simulation instead of
          // leaving it idle.
          feed(w);
          results[reply.index] = reply.result;
          options.onDone?.(reply.index, reply.result);
          if (++finished === jobs.length) resolve();
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (finished < jobs.length) fail(new Error(`a worker thread stopped early (exit code ${code})`));
        });
        feed(w);
      }
      if (join) {
        join.after.then(async () => {
          while (!failed && next < jobs.length) {
            const index = next++;
            let result: R;
            try {
              result = await join.run(jobs[index]);
            } catch (e) {
              return fail(e instanceof Error ? e : new Error(String(e)));
            }
            results[index] = result;
            options.onDone?.(index, result);
            if (++finished === jobs.length) resolve();
          }
        }, fail);
      }
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return results;
}

/** The worker side: answers every request with `compute(job)`. */
export function servePool<J, R>(
  port: import('node:worker_threads').MessagePort,
  compute: (job: J) => R | Promise<R>,
): void {
  port.on('message', async (request: PoolRequest<J>) => {
    let reply: PoolReply<R>;
    try {
      reply = { index: request.index, result: await compute(request.job) };
    } catch (e) {
      reply = { index: request.index, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}
