/** Stream-count schedules evaluated the one way the model and the KPIs both read them. */
import type { CountSchedule } from '../scenario/types.js';

export type SineSchedule = Extract<CountSchedule, { kind: 'sine' }>;

/** A sine schedule's stream count over its `tick`-th resolution interval (rounded, never below 0). */
export function sineCount(c: SineSchedule, tick: number): number {
  const t = tick * c.resolutionUs;
  const v = c.mean + c.amplitude * Math.cos((2 * Math.PI * (t - c.peakAtUs)) / c.periodUs);
  return Math.max(0, Math.round(v));
}
