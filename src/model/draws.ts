/**
 * The run's hot random draws: the streams drawn from once per frame, named so that another thread
 * can make the same numbers ahead of time (parallel/draw-prefetch.ts).
 *
 *   service:<name>:work   one service time per frame started (the model's serviceTime)
 *   streams:<i>:<group>   one -log(u) per Poisson arrival (divided by the group's rate when used)
 *
 * Each of these random streams is read by nothing else, in one order, whatever the run does with the
 * values: the k-th draw of a stream is the same number whether it is made here on demand or made
 * before by another thread. `hotDraw` is the one definition of each, for both.
 */
import { randomStream, type RandomStream } from '../engine/rng.js';
import type { Dist, Scenario } from '../scenario/types.js';
import { sampler, type Sampler } from './distributions.js';

export interface DrawSpec {
  /** The random stream's component name (engine/rng.ts). */
  component: string;
  /** The distribution of each draw; null: a unit exponential, -log(u). */
  dist: Dist | null;
}

/** The name of a service's service-time stream. */
export function workComponent(service: string): string {
  return `service:${service}:work`;
}

/** The name of a stream group's arrival stream (Poisson gaps; a periodic group's phases and jitter). */
export function groupComponent(index: number, group: string): string {
  return `streams:${index}:${group}`;
}

/**
 * The hot draws of an exact run of `scenario`: each service with a service-time distribution, and each
 * Poisson group. (A periodic group's stream is not among them: it gives random phases, a few per
 * stream, and with jitter one draw per frame.)
 */
export function hotDraws(scenario: Scenario): DrawSpec[] {
  const specs: DrawSpec[] = [];
  for (const s of scenario.services) {
    const dist = scenario.models[s.model].serviceTime;
    if (dist && dist.type !== 'constant') specs.push({ component: workComponent(s.name), dist });
  }
  scenario.streams.forEach((g, i) => {
    if (g.arrivals === 'poisson') specs.push({ component: groupComponent(i, g.name), dist: null });
  });
  return specs;
}

/** Unit exponential draws, -log(u): a Poisson group's gaps at rate 1. */
export function unitExponential(rng: RandomStream): Sampler {
  return () => -Math.log(rng.next());
}

/** The draws of `spec` in this thread, from the start of its stream. */
export function hotDraw(seed: number, spec: DrawSpec): Sampler {
  const rng = randomStream(seed, spec.component);
  return spec.dist ? sampler(spec.dist, rng) : unitExponential(rng);
}
