/** The worker thread behind `tune --workers W`: simulates candidates as the pool hands them out. */
import { parentPort } from 'node:worker_threads';
import { servePool } from '../parallel/pool.js';
import { evaluateCandidate } from './evaluate.js';

if (parentPort) servePool(parentPort, evaluateCandidate);
