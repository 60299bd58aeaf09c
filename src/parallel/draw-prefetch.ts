/**
 * Hot draws made ahead of time on another core (model/draws.ts). A service time or a Poisson gap costs
 * this thread 15-45 ns a frame (a logarithm, a cosine, an exponential); a worker thread makes them
 * into shared memory and this thread reads each with an array load. The numbers are the same as
 * drawing them here, in the same order (each stream is read by nothing else), so a run with them is
 * the same run, byte for byte; only its wall time changes.
 *
 * Shared memory, per stream s: a ring of BLOCKS blocks of `blockSize` doubles, and two counters:
 * produced[s] (blocks the worker has made) and consumed[s] (blocks this thread is done with). The
 * worker fills block produced[s] mod BLOCKS while produced[s] - consumed[s] < BLOCKS, then stores
 * produced[s] + 1 and notifies; this thread, when it needs its next block, waits for produced[s] to
 * pass it, copies it out and stores consumed[s] + 1. Atomics order the worker's writes of a block
 * before its counter, so a block is copied only once it is whole, and the worker writes a slot again
 * only once it was copied.
 *
 * Two things keep this thread from waiting on the worker or waking it more than it must:
 * - While the worker starts (a new isolate loading its modules: 40-60 ms, in which a run reads
 *   hundreds of thousands of draws), this thread makes its blocks itself from its own copy of the
 *   stream and marks them consumed; the worker makes the same blocks without storing them. From the
 *   first block the worker has ready, this thread copies, and never draws again.
 * - The worker sleeps on the WAKE word when every ring is full, saying so in SLEEPING first; this
 *   thread bumps WAKE and notifies (a system call) only when the worker sleeps and the stream just
 *   freed half its ring, not after every block.
 */
import { Worker } from 'node:worker_threads';
import { InvariantError } from '../errors.js';
import type { Sampler } from '../model/distributions.js';
import { hotDraw, type DrawSpec } from '../model/draws.js';

/** Blocks per stream: the worker can be this many blocks ahead. */
export const BLOCKS = 4;
export const DEFAULT_BLOCK_SIZE = 4096;
/**
 * Streams prefetched at most (the first ones given; the rest are drawn in the run's thread): each
 * holds BLOCKS x blockSize doubles, 128 KiB by default.
 */
export const MAX_PREFETCH_STREAMS = 64;
/**
 * Estimated events (model/budget.ts) from which a run prefetches: a worker costs ~40 ms to start and
 * saves 13-20% of the run (about 0.5 s from here on).
 */
export const PREFETCH_MIN_EVENTS = 5e6;

/** Whether a run should prefetch its hot draws: long enough, on a machine with a core to spare. */
export function worthPrefetching(estimatedEvents: number, streams: number, cores: number): boolean {
  return cores >= 2 && estimatedEvents >= PREFETCH_MIN_EVENTS && streams >= 1;
}

/** How long this thread waits for a block before it gives up (a worker that died, not a slow one). */
const STALL_MS = 60_000;

/** Control words: [WAKE, STOP, FAILED, SLEEPING, produced[0..n), consumed[0..n)]. */
export const WAKE = 0;
export const STOP = 1;
/** Set by a worker that failed (then every produced[s] is set to FAILED_PRODUCED and notified). */
export const FAILED = 2;
/** 1 while the worker sleeps (or is about to) on WAKE: only then does a reader wake it. */
export const SLEEPING = 3;
/** produced[s] of a failed worker: a value no count of blocks has, so a reader's wait returns. */
export const FAILED_PRODUCED = -1;
export const HEADER = 4;

export interface DrawWorkerData {
  seed: number;
  specs: DrawSpec[];
  blockSize: number;
  control: SharedArrayBuffer;
  data: SharedArrayBuffer[];
}

export interface DrawPrefetch {
  /** The draws by random stream name, for SimulateOptions.draws. */
  readonly draws: ReadonlyMap<string, Sampler>;
  /** Stops the worker; the draws must not be read after. */
  close(): Promise<void>;
}

/**
 * Starts a worker making the draws of `all` (the first MAX_PREFETCH_STREAMS) for `seed`; a draw read
 * before the worker has made it waits for it.
 */
export function startDrawPrefetch(
  seed: number,
  all: readonly DrawSpec[],
  blockSize = DEFAULT_BLOCK_SIZE,
  options: {
    /**
     * Make the blocks here while the worker is not ready (default true). Off, every draw comes from
     * the worker, and a read waits for it: what the tests of a failing worker need.
     */
    startHere?: boolean;
  } = {},
): DrawPrefetch {
  const specs = all.slice(0, MAX_PREFETCH_STREAMS);
  if (specs.length === 0) throw new InvariantError('a prefetch of no random streams');
  const n = specs.length;
  const control = new SharedArrayBuffer(4 * (HEADER + 2 * n));
  const ctl = new Int32Array(control);
  const data = specs.map(() => new SharedArrayBuffer(8 * BLOCKS * blockSize));
  const workerData: DrawWorkerData = { seed, specs, blockSize, control, data };
  const worker = new Worker(new URL('./draw-worker.js', import.meta.url), { workerData });
  // The run does not wait for the worker to end, and a process must not wait for it either.
  worker.unref();
  let failure: Error | null = null;
  worker.on('error', (e) => {
    failure = e;
  });
  const draws = new Map<string, Sampler>();
  specs.forEach((spec, s) =>
    draws.set(
      spec.component,
      reader(
        ctl,
        s,
        n,
        new Float64Array(data[s]),
        blockSize,
        options.startHere === false ? null : seed,
        spec,
      ),
    ),
  );
  let closed: Promise<void> | null = null;
  return {
    draws,
    close: () => {
      if (closed) return closed;
      Atomics.store(ctl, STOP, 1);
      Atomics.add(ctl, WAKE, 1);
      Atomics.notify(ctl, WAKE);
      closed = worker.terminate().then(() => {
        if (failure) throw failure;
        if (Atomics.load(ctl, FAILED) !== 0)
          throw new InvariantError('the random-draw prefetch worker failed');
      });
      return closed;
    },
  };
}

/**
 * Stream s's draws in order, block by block as the worker makes them; until the worker has a block
 * ready, made here from `spec` (when `seedHere` is not null).
 */
function reader(
  ctl: Int32Array,
  s: number,
  n: number,
  values: Float64Array,
  blockSize: number,
  seedHere: number | null,
  spec: DrawSpec,
): Sampler {
  const produced = HEADER + s;
  const consumed = HEADER + n + s;
  // The block being read, copied out of shared memory (or made here): the worker wrote it from another
  // core, and one copy moves its cache lines here at once instead of one miss at a time while the run
  // reads it.
  const block = new Float64Array(blockSize);
  let pos = blockSize;
  /** Blocks taken so far; the next one is block `taken` of the stream (its slot: taken mod BLOCKS). */
  let taken = 0;
  /** This thread's copy of the stream, while it makes its own blocks; null once it reads the worker's. */
  let here: Sampler | null = null;
  let fromWorker = seedHere === null;
  const nextBlock = (): void => {
    for (;;) {
      const have = Atomics.load(ctl, produced);
      if (have > taken) break; // never FAILED_PRODUCED (-1)
      if (Atomics.load(ctl, FAILED) !== 0) throw new InvariantError('the random-draw prefetch worker failed');
      if (!fromWorker) {
        // The worker is not there yet: this block is made here (the same numbers), and the worker
        // will make it without storing it.
        here ??= hotDraw(seedHere!, spec);
        for (let i = 0; i < blockSize; i++) block[i] = here();
        taken++;
        pos = 0;
        Atomics.store(ctl, consumed, taken);
        return;
      }
      if (Atomics.wait(ctl, produced, have, STALL_MS) === 'timed-out' && Atomics.load(ctl, produced) === have)
        throw new InvariantError(`no random draws from the prefetch worker in ${STALL_MS / 1000} s`);
    }
    fromWorker = true;
    here = null;
    const from = (taken % BLOCKS) * blockSize;
    block.set(values.subarray(from, from + blockSize));
    taken++;
    pos = 0;
    // Copied: the worker may fill its slot again. It is woken only when it sleeps and half this ring
    // is free: it then fills every ring, so it sleeps for the next half ring's worth of draws.
    Atomics.store(ctl, consumed, taken);
    if (Atomics.load(ctl, SLEEPING) !== 0 && 2 * (Atomics.load(ctl, produced) - taken) <= BLOCKS) {
      Atomics.add(ctl, WAKE, 1);
      Atomics.notify(ctl, WAKE);
    }
  };
  return () => {
    if (pos === blockSize) nextBlock();
    return block[pos++];
  };
}
