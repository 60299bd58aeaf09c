/**
 * A progress line on stderr for runs longer than about a second: simulated time, frames per wall
 * second, ETA. Only when stderr is a terminal; the CLI may read the wall clock, the simulation never.
 */
import type { TimeseriesRow } from '../model/simulate.js';

const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 100;

function clock(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(sec).padStart(2, '0')}s`
      : `${sec}s`;
}

function rate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(0)}k` : x.toFixed(0);
}

export interface Progress {
  onRow(row: TimeseriesRow): void;
  /** `simulate --seeds N`: `done` of the `of` other seeds have finished. */
  onSeed(done: number, of: number): void;
  done(): void;
}

export function progressBar(
  durationS: number,
  stepS: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const start = performance.now(); // allow-wallclock: progress display only
  let lastDraw = 0;
  let frames = 0;
  let shown = false;
  return {
    onRow(row) {
      frames += row.offeredFps * stepS;
      const now = performance.now(); // allow-wallclock: progress display only
      const elapsedMs = now - start;
      if (elapsedMs < SHOW_AFTER_MS || now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      shown = true;
      const f = Math.min(1, row.timeS / durationS);
      const width = 24;
      const filled = Math.round(f * width);
      const eta = f > 0 ? ((elapsedMs / 1000) * (1 - f)) / f : Infinity;
      const line =
        `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ` +
        `${clock(row.timeS)} / ${clock(durationS)} simulated, ${rate(frames / (elapsedMs / 1000))} frames/s, ETA ${clock(eta)}`;
      stream.write(`\r${line.slice(0, (stream.columns || 100) - 1)}\x1b[K`);
    },
    onSeed(done, of) {
      const now = performance.now(); // allow-wallclock: progress display only
      const elapsedMs = now - start;
      if (elapsedMs < SHOW_AFTER_MS) return;
      lastDraw = now;
      shown = true;
      const eta = ((elapsedMs / 1000) * (of - done)) / done;
      const line = `other seeds: ${done} / ${of} done, ETA ${clock(eta)}`;
      stream.write(`\r${line.slice(0, (stream.columns || 100) - 1)}\x1b[K`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

/**
 * `tune`: a bar of candidates done, the best so far and an ETA from this run's own pace (candidates
 * resumed from a checkpoint do not count towards the speed). Redrawn as each candidate finishes.
 */
export interface TuneProgressBar {
  update(done: number, total: number, resumed: number, best: string | null): void;
  done(): void;
}

export function tuneProgressBar(stream: NodeJS.WriteStream = process.stderr): TuneProgressBar {
  const start = performance.now(); // allow-wallclock: progress display only
  let shown = false;
  let lastDraw = -Infinity;
  return {
    update(done, total, resumed, best) {
      const now = performance.now(); // allow-wallclock: progress display only
      if (now - lastDraw < REDRAW_MS && done < total) return;
      lastDraw = now;
      shown = true;
      const width = 24;
      const f = total > 0 ? done / total : 1;
      const filled = Math.round(f * width);
      const ran = done - resumed;
      const eta = ran > 0 ? (((now - start) / 1000) * (total - done)) / ran : Infinity;
      const line =
        `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} candidates` +
        `${resumed > 0 ? ` (${resumed} resumed)` : ''}, best so far: ${best ?? 'none feasible'}, ETA ${clock(eta)}`;
      stream.write(`\r${line.slice(0, (stream.columns || 100) - 1)}\x1b[K`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
