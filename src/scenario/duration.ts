import { US_PER_S } from '../engine/time.js';

const UNIT_US: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86400e6 };
const DURATION_RE = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(us|ms|s|m|h|d)\s*$/;

/** Parses `90s`, `5m`, `1h`, `250ms` or a number of seconds into integer microseconds. */
export function parseDurationUs(spec: number | string): number {
  if (typeof spec === 'number') return Math.round(spec * US_PER_S);
  const m = DURATION_RE.exec(spec);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(spec)}`);
  return Math.round(Number(m[1]) * UNIT_US[m[2]]);
}

export function parseDurationSeconds(spec: number | string): number {
  return parseDurationUs(spec) / US_PER_S;
}

/** Formats microseconds as the shortest exact duration string (`90s`, `5m`, `1h30m` is `5400s`). */
export function formatDuration(us: number): string {
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    if (us !== 0 && us % UNIT_US[unit] === 0) return `${us / UNIT_US[unit]}${unit}`;
  }
  return us === 0 ? '0s' : `${us}us`;
}
