/**
 * The worker thread behind parallel/draw-prefetch.ts: keeps each stream's ring of blocks full of its
 * next draws, and sleeps when every ring is full until the run's thread frees half a ring (or stops it).
 */
import { workerData } from 'node:worker_threads';
import { hotDraw } from '../model/draws.js';
import {
  BLOCKS,
  FAILED,
  FAILED_PRODUCED,
  HEADER,
  SLEEPING,
  STOP,
  WAKE,
  type DrawWorkerData,
} from './draw-prefetch.js';

function serve({ seed, specs, blockSize, control, data }: DrawWorkerData): void {
  const ctl = new Int32Array(control);
  const n = specs.length;
  try {
    const draws = specs.map((spec) => hotDraw(seed, spec));
    const values = data.map((d) => new Float64Array(d));
    const produced = new Array<number>(n).fill(0);
    /** Makes stream s's next block if its ring has room; false if it has none. */
    const fill = (s: number): boolean => {
      const consumed = Atomics.load(ctl, HEADER + n + s);
      if (produced[s] - consumed >= BLOCKS) return false;
      const draw = draws[s];
      if (produced[s] < consumed) {
        // The run's thread made this block itself while this worker started: the same draws, not stored.
        for (let i = 0; i < blockSize; i++) draw();
      } else {
        const v = values[s];
        const start = (produced[s] % BLOCKS) * blockSize;
        for (let i = start; i < start + blockSize; i++) v[i] = draw();
      }
      produced[s]++;
      Atomics.store(ctl, HEADER + s, produced[s]);
      Atomics.notify(ctl, HEADER + s);
      return true;
    };
    for (;;) {
      if (Atomics.load(ctl, STOP) !== 0) return;
      // One block per stream per pass: a block is 0.05-0.2 ms of work, so no stream waits long.
      let filled = false;
      for (let s = 0; s < n; s++) if (fill(s)) filled = true;
      if (filled) continue;
      // Every ring full: sleep until the run's thread frees half a ring (or stops us). SLEEPING is set
      // before the rings are looked at again: a reader that frees a slot after that look sees it and
      // bumps WAKE, so the wait returns; one that freed it before, the look finds.
      Atomics.store(ctl, SLEEPING, 1);
      const wake = Atomics.load(ctl, WAKE);
      let room = Atomics.load(ctl, STOP) !== 0;
      for (let s = 0; s < n && !room; s++) room = produced[s] - Atomics.load(ctl, HEADER + n + s) < BLOCKS;
      if (!room) Atomics.wait(ctl, WAKE, wake);
      Atomics.store(ctl, SLEEPING, 0);
    }
  } catch (e) {
    Atomics.store(ctl, FAILED, 1);
    // Every produced[s] changes too: a reader that saw FAILED unset and is about to wait on its
    // counter then finds it changed and returns at once, instead of sleeping until it times out.
    for (let s = 0; s < n; s++) {
      Atomics.store(ctl, HEADER + s, FAILED_PRODUCED);
      Atomics.notify(ctl, HEADER + s);
    }
    throw e;
  }
}

serve(workerData as DrawWorkerData);
