/** A pool worker for pool.test.ts: squares its job after a few milliseconds of work. */
import { parentPort } from 'node:worker_threads';
import { servePool } from '../../src/parallel/pool.js';

export function square(n: number): number {
  const end = performance.now() + 3;
  while (performance.now() < end);
  return n * n;
}

if (parentPort) servePool(parentPort, square);
