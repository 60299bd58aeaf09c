/**
 * Load steps: the moments a service's scheduled offered load rises, read from the resolved
 * scenario and never from the frames, so Poisson noise and jitter make no step:
 *
 *   per stream group: each scheduled change of its stream count, in frames/s, at the time it starts
 *     - a step or a trace row at its time, the first count at time 0 (the streams start)
 *     - a ramp's one-stream changes together, at the ramp's start
 *     - a sine's changes together, at the start of each run in one direction
 *   -> per service: the changes of its groups that start at the same time, summed
 *   -> a load step wherever that sum is positive (changes at or after the end of the run ignored)
 */
import type { Scenario, StreamGroupConfig } from '../scenario/types.js';
import { sineCount } from './schedule.js';

/** Offered frames/s of one active stream of the group. */
function ratePerStream(g: StreamGroupConfig): number {
  return g.arrivals === 'poisson' ? g.ratePerStream : g.fps;
}

/** Calls `add(startUs, deltaStreams)` for each scheduled change of the group's count before `endUs`. */
function scheduledChanges(
  g: StreamGroupConfig,
  endUs: number,
  add: (startUs: number, deltaStreams: number) => void,
): void {
  const c = g.count;
  let prev = 0;
  if (c.kind === 'points') {
    let r = 0; // ramps and changes are both in time order
    for (const change of c.changes) {
      if (change.atUs >= endUs) break;
      const before = prev;
      prev = change.count;
      if (change.count === before) continue;
      while (r < c.ramps.length && c.ramps[r].endUs < change.atUs) r++;
      const ramp = c.ramps[r];
      if (ramp === undefined || ramp.atUs >= change.atUs) add(change.atUs, change.count - before);
      else if (change.atUs < ramp.endUs) add(ramp.atUs, change.count - before);
      else {
        // The ramp's last change, merged with a schedule point at the same time: each its part.
        if (ramp.count !== before) add(ramp.atUs, ramp.count - before);
        if (change.count !== ramp.count) add(change.atUs, change.count - ramp.count);
      }
    }
    return;
  }
  let direction = 0;
  let runStartUs = 0;
  for (let tick = 0; tick * c.resolutionUs < endUs; tick++) {
    const count = sineCount(c, tick);
    const delta = count - prev;
    prev = count;
    if (delta === 0) continue;
    if (Math.sign(delta) !== direction) {
      direction = Math.sign(delta);
      runStartUs = tick * c.resolutionUs;
    }
    add(runStartUs, delta);
  }
}

/** Each service's load steps (µs, ascending), indexed like `scenario.services`. */
export function loadStepsUs(scenario: Scenario, endUs: number): number[][] {
  return scenario.services.map((svc) => {
    const net = new Map<number, number>();
    for (const g of scenario.streams) {
      if (g.type !== svc.name) continue;
      const rate = ratePerStream(g);
      scheduledChanges(g, endUs, (atUs, delta) => net.set(atUs, (net.get(atUs) ?? 0) + delta * rate));
    }
    // Frames/s of groups with different rates need not cancel exactly.
    return [...net]
      .filter(([, fps]) => fps > 1e-9)
      .map(([atUs]) => atUs)
      .sort((a, b) => a - b);
  });
}
