/**
 * How long one frame takes on one replica at full speed (no CPU limit, no node contention):
 *   measuredFps for the node's CPU type, if the model has one       -> 1 / fps
 *   otherwise  overhead + GFLOPs / (GFLOP/s per core x classFactor x threads)
 * (DESIGN.md, Replica.) A `serviceTime` distribution on the model replaces both; it is sampled per frame.
 */
import type { CpuTypeEntry } from './catalog.js';
import type { ModelConfig } from '../scenario/types.js';
import type { PrecisionName } from '../scenario/schema.js';

export function frameSecondsAtFullSpeed(
  model: ModelConfig,
  precision: PrecisionName,
  cpu: CpuTypeEntry,
  threads: number,
): number {
  const measured = model.measuredFps[cpu.id];
  if (measured !== undefined) return 1 / measured;
  const gflopsPerSecond = cpu.gflopsPerCore[precision] * model.classFactor * threads;
  return model.overheadSeconds + model.gflops / gflopsPerSecond;
}

/** The share of its threads' full speed a pod gets under its CPU limit (CFS quota), 0 < f <= 1. */
export function cfsFactor(cpuLimit: number | null, threads: number): number {
  return cpuLimit === null ? 1 : Math.min(1, cpuLimit / threads);
}

/** Processor sharing: each busy thread's share of a core when busy threads exceed the node's cores. */
export function contentionFactor(cores: number, busyThreads: number, backgroundCores: number): number {
  const demand = busyThreads + backgroundCores;
  return demand <= cores ? 1 : cores / demand;
}
