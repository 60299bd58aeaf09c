/**
 * The checkpoint of a tune: JSON Lines, the header first (the whole TuneContext and the shard),
 * then one record per finished candidate, appended and flushed to disk as each finishes and before
 * its worker is given the next. A run that stops (Ctrl-C, a kill, a lost node) leaves every finished
 * candidate in it; the same command reads it back and runs only the rest. A last line cut short by
 * the kill is dropped. Outputs depend only on the records by candidate id, never on the order they
 * finished in, so a resumed run writes the same bytes as an uninterrupted one.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { DataError } from '../errors.js';
import { CONTEXT_FORMAT, referenceIds, type TuneContext } from './candidates.js';
import type { CandidateValue } from './strategies.js';
import type { Kpis } from './kpis.js';

export const CHECKPOINT_KIND = 'inferscale-tune-checkpoint';

export interface Shard {
  /** 0-based, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

export interface CheckpointHeader {
  kind: typeof CHECKPOINT_KIND;
  shard: Shard | null;
  context: TuneContext;
}

export interface CandidateRecord {
  id: number;
  values: CandidateValue[];
  /** False when the candidate's policy does not resolve (min > max, ...): not simulated. */
  valid: boolean;
  problems: string[];
  kpis: Kpis | null;
  perSeed: Kpis[] | null;
}

/** Candidates by id mod N; the reference runs (ids below 0) with shard 0. */
export function inShard(id: number, shard: Shard | null): boolean {
  return shard === null || (id < 0 ? shard.index === 0 : id % shard.count === shard.index);
}

export interface CheckpointRead {
  header: CheckpointHeader;
  records: Map<number, CandidateRecord>;
  /** Bytes up to the end of the last complete line (a cut-short last line is not counted). */
  completeBytes: number;
}

export function readCheckpoint(file: string): CheckpointRead {
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n').slice(0, -1);
  if (lines.length === 0) throw new DataError(`${file}: not a tune checkpoint (no complete header line)`);
  const parse = (line: string, n: number): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw new DataError(`${file}:${n}: not JSON; the checkpoint is damaged (delete it to start over)`);
    }
  };
  const header = parse(lines[0], 1) as CheckpointHeader;
  if (header?.kind !== CHECKPOINT_KIND || header.context?.format !== CONTEXT_FORMAT)
    throw new DataError(`${file}:1: not a tune checkpoint of this version (${CONTEXT_FORMAT})`);
  const records = new Map<number, CandidateRecord>();
  const candidates = header.context.candidates;
  lines.slice(1).forEach((line, k) => {
    const n = k + 2;
    const r = parse(line, n) as CandidateRecord;
    const c = !Number.isInteger(r?.id)
      ? undefined
      : r.id < 0
        ? referenceIds(header.context).includes(r.id)
          ? { values: [] }
          : undefined
        : candidates[r.id];
    if (!c || JSON.stringify(c.values) !== JSON.stringify(r.values))
      throw new DataError(`${file}:${n}: a record that matches no candidate of its header`);
    if (!inShard(r.id, header.shard))
      throw new DataError(`${file}:${n}: candidate ${r.id} is not in this checkpoint's shard`);
    const seen = records.get(r.id);
    if (seen && JSON.stringify(seen) !== JSON.stringify(r))
      throw new DataError(`${file}:${n}: candidate ${r.id} is recorded twice with different results`);
    records.set(r.id, r);
  });
  return { header, records, completeBytes: Buffer.byteLength(text.slice(0, end)) };
}

/** Appends records to a checkpoint, each flushed to disk before append returns. */
export class CheckpointWriter {
  private readonly fd: number;
  /** Where the next line goes (positional writes: a reopened file's own position starts at 0). */
  private pos = 0;

  /** Opens `file`: a new one gets `header`; an existing one is cut back to `completeBytes` first. */
  constructor(file: string, header: CheckpointHeader, completeBytes: number | null) {
    if (completeBytes === null) {
      this.fd = openSync(file, 'w');
      this.write(`${JSON.stringify(header)}\n`);
    } else {
      this.fd = openSync(file, 'r+');
      ftruncateSync(this.fd, completeBytes);
      this.pos = completeBytes;
    }
  }

  private write(text: string): void {
    const bytes = Buffer.from(text);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, this.pos + off);
    this.pos += bytes.length;
    fsyncSync(this.fd);
  }

  append(record: CandidateRecord): void {
    this.write(`${JSON.stringify(record)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A checkpoint's canonical text: the header, then the records by candidate id. */
export function checkpointText(header: CheckpointHeader, records: Iterable<CandidateRecord>): string {
  const sorted = [...records].sort((a, b) => a.id - b.id);
  return [header, ...sorted].map((x) => `${JSON.stringify(x)}\n`).join('');
}
