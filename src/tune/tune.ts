/**
 * Running a tune's candidates, resumably, on worker threads:
 *
 *   context (candidates; the baseline and oracle runs, ids -1 and -2) -> this shard's share (id mod N;
 *   the references with shard 0)
 *   -> the records a checkpoint already holds (the live one, or a finished folder's)
 *   -> for each candidate left, in id order: invalid policy -> recorded at once;
 *                                           valid -> a job for the pool
 *   -> runPool (results by id) -> each finished candidate appended to the checkpoint (flushed)
 *      while its worker already simulates the next one
 *   -> every record of the share
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { DataError } from '../errors.js';
import { runPool } from '../parallel/pool.js';
import type { Scenario } from '../scenario/types.js';
import {
  applyCandidate,
  isReference,
  referenceIds,
  referenceScenario,
  type TuneContext,
} from './candidates.js';
import {
  CheckpointWriter,
  inShard,
  readCheckpoint,
  type CandidateRecord,
  type CheckpointRead,
  type Shard,
} from './checkpoint.js';
import { evaluateCandidate, type EvaluateJob } from './evaluate.js';
import { headerOf } from './report.js';

export interface TuneProgress {
  /** Candidates of the share recorded, resumed ones included. */
  done: number;
  total: number;
  /** How many were already recorded when this run started (not counted in its speed). */
  resumed: number;
  record: CandidateRecord | null;
}

export interface RunCandidatesOptions {
  workers: number;
  shard: Shard | null;
  /** The live checkpoint: created, or resumed when it holds this tune. */
  checkpointFile: string;
  /** A finished folder's checkpoint.jsonl: its records are reused when it holds this tune. */
  finishedCheckpoint: string | null;
  /** Start over even when the live checkpoint holds another tune (it is replaced). */
  restart: boolean;
  onProgress?: (p: TuneProgress) => void;
}

function sameTune(read: CheckpointRead, ctx: TuneContext, shard: Shard | null): boolean {
  return (
    read.header.context.fingerprint === ctx.fingerprint &&
    JSON.stringify(read.header.shard) === JSON.stringify(shard)
  );
}

export async function runCandidates(
  scenario: Scenario,
  ctx: TuneContext,
  options: RunCandidatesOptions,
): Promise<Map<number, CandidateRecord>> {
  // The reference runs (baseline, oracle) first, then the candidates.
  const share = [...referenceIds(ctx).map((id) => ({ id, values: [] })), ...ctx.candidates].filter((c) =>
    inShard(c.id, options.shard),
  );
  const header = headerOf(ctx, options.shard);
  // 1. What is already done.
  let records = new Map<number, CandidateRecord>();
  let writer: CheckpointWriter | null = null;
  // A checkpoint killed before its header line was whole holds nothing: it is started again.
  if (existsSync(options.checkpointFile) && !readFileSync(options.checkpointFile, 'utf8').includes('\n'))
    rmSync(options.checkpointFile);
  if (existsSync(options.checkpointFile)) {
    let read: CheckpointRead | null = null;
    try {
      read = readCheckpoint(options.checkpointFile);
    } catch (e) {
      if (!options.restart) throw e;
    }
    if (read && sameTune(read, ctx, options.shard)) {
      records = read.records;
      writer = new CheckpointWriter(options.checkpointFile, header, read.completeBytes);
    } else if (!options.restart) {
      throw new DataError(
        `${options.checkpointFile} holds an unfinished tune of another scenario, space or shard; ` +
          'finish it with the command that started it, or pass --restart to discard it',
      );
    }
  } else if (options.finishedCheckpoint && existsSync(options.finishedCheckpoint)) {
    try {
      const read = readCheckpoint(options.finishedCheckpoint);
      if (sameTune(read, ctx, null) || sameTune(read, ctx, options.shard))
        for (const [id, r] of read.records) if (inShard(id, options.shard)) records.set(id, r);
    } catch {
      // A damaged or foreign finished folder is simply run again (and replaced at the end).
    }
  }
  const resumed = share.filter((c) => records.has(c.id)).length;
  let done = resumed;
  options.onProgress?.({ done, total: share.length, resumed, record: null });
  if (done === share.length) {
    writer?.close();
    return records;
  }
  if (!writer) {
    // A new live checkpoint, holding what a finished folder already had.
    writer = new CheckpointWriter(options.checkpointFile, header, null);
    for (const r of [...records.values()].sort((a, b) => a.id - b.id)) writer.append(r);
  }
  const w = writer;
  const record = (r: CandidateRecord) => {
    w.append(r);
    records.set(r.id, r);
    options.onProgress?.({ done: ++done, total: share.length, resumed, record: r });
  };
  try {
    // 2. Invalid policies are recorded at once; valid ones become jobs, in id order.
    const jobs: { id: number; job: EvaluateJob }[] = [];
    for (const c of share) {
      if (records.has(c.id)) continue;
      const applied = isReference(c.id)
        ? { ok: true as const, scenario: referenceScenario(scenario, ctx, c.id) }
        : applyCandidate(scenario, ctx, c);
      if (!applied.ok)
        record({
          id: c.id,
          values: c.values,
          valid: false,
          problems: applied.problems,
          kpis: null,
          perSeed: null,
        });
      else jobs.push({ id: c.id, job: { scenario: applied.scenario, seeds: ctx.seeds } });
    }
    // 3. The simulations, each recorded as it finishes.
    await runPool(
      jobs.map((j) => j.job),
      {
        workerUrl: new URL('./worker.js', import.meta.url),
        workers: options.workers,
        inline: evaluateCandidate,
        onDone: (k, e) => {
          const id = jobs[k].id;
          const values = isReference(id) ? [] : ctx.candidates[id].values;
          record({ id, values, valid: true, problems: [], kpis: e.kpis, perSeed: e.perSeed });
        },
      },
    );
  } finally {
    w.close();
  }
  return records;
}
