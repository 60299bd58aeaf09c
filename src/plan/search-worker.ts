/** The worker thread behind `plan --workers W`: runs simulated replica searches as the pool hands them out. */
import { parentPort } from 'node:worker_threads';
import { servePool } from '../parallel/pool.js';
import { searchReplicas } from './plan.js';

if (parentPort) servePool(parentPort, searchReplicas);
