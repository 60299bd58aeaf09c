/** The worker thread behind `simulate --seeds N --workers W`: runs seeds as the pool hands them out. */
import { parentPort } from 'node:worker_threads';
import { servePool } from '../parallel/pool.js';
import { runSeed } from './replications.js';

if (parentPort) servePool(parentPort, runSeed);
