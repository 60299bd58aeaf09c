/**
 * The worker thread behind parallel/draw-prefetch.ts: keeps each stream's ring of blocks full of its
 * next draws, and sleeps when every ring is full until the run's thread copies a block out (or stops it).
 */
import { workerData } from 'node:worker_threads';
import { hotDraw } from '../model/draws.js';
import { BLOCKS, FAILED, FAILED_PRODUCED, HEADER, STOP, WAKE, type DrawWorkerData } from './draw-prefetch.js';

function serve({ seed, specs, blockSize, control, data }: DrawWorkerData): void {
  const ctl = new Int32Array(control);
  const n = specs.length;
  try {
    const draws = specs.map((spec) => hotDraw(seed, spec));
    const values = data.map((d) => new Float64Array(d));
    const produced = new Array<number>(n).fill(0);
    for (;;) {
      const wake = Atomics.load(ctl, WAKE);
      if (Atomics.load(ctl, STOP) !== 0) return;
      let filled = false;
      // One block per stream per pass: a block is 0.05-0.2 ms of work, so no stream waits long.
      for (let s = 0; s < n; s++) {
        if (produced[s] - Atomics.load(ctl, HEADER + n + s) >= BLOCKS) continue;
        const v = values[s];
        const draw = draws[s];
        const start = (produced[s] % BLOCKS) * blockSize;
        for (let i = start; i < start + blockSize; i++) v[i] = draw();
        produced[s]++;
        Atomics.store(ctl, HEADER + s, produced[s]);
        Atomics.notify(ctl, HEADER + s);
        filled = true;
      }
      // Every ring full: sleep until the run's thread copies a block out (or stops us).
      if (!filled) Atomics.wait(ctl, WAKE, wake);
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
