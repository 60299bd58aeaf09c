/**
 * What a plan sizes for, read off a resolved scenario without simulating:
 *
 *   stream groups of a service -> offered FPS at the busiest and quietest moment of their schedules
 *                              -> the arrival process (periodic streams, Poisson streams, or both)
 *   service x CPU type x precision -> one replica's service time (mean and squared CV)
 *
 * The peak adds every group's own peak, which is exact when groups peak together (steps, one sine)
 * and an upper bound otherwise: a plan sized on it is safe, never short.
 */
import { distMean, distScv } from '../model/distributions.js';
import { cfsFactor, frameSecondsAtFullSpeed } from '../model/throughput.js';
import type { PrecisionName } from '../scenario/schema.js';
import type { ArrivalProcess } from './queueing.js';
import type {
  CountSchedule,
  ModelConfig,
  Scenario,
  ServiceConfig,
  StreamGroupConfig,
} from '../scenario/types.js';

/** Most and fewest active streams a schedule ever has. */
export function countRange(schedule: CountSchedule): { min: number; max: number } {
  if (schedule.kind === 'sine') {
    return {
      min: Math.max(0, Math.round(schedule.mean - Math.abs(schedule.amplitude))),
      max: Math.max(0, Math.round(schedule.mean + Math.abs(schedule.amplitude))),
    };
  }
  const counts = schedule.changes.map((c) => c.count);
  // Before the first change nothing streams, unless the first change is at time 0.
  const startsEmpty = schedule.changes.length === 0 || schedule.changes[0].atUs > 0;
  return { min: Math.min(...(startsEmpty ? [0] : []), ...counts), max: Math.max(0, ...counts) };
}

/** Frames per second one active stream of a group pushes. */
export function fpsPerStream(group: StreamGroupConfig): number {
  return group.arrivals === 'poisson' ? group.ratePerStream : group.fps;
}

export type ArrivalKind = 'periodic' | 'poisson' | 'mixed';

export interface ServiceLoad {
  service: string;
  /** Offered frames per second at the busiest moment (sum of the groups' peaks). */
  peakFps: number;
  /** ... and at the quietest (sum of the groups' lows), for the HPA's minReplicas. */
  minFps: number;
  /** Streams active at the peak. */
  peakStreams: number;
  arrivals: ArrivalKind;
}

export function serviceLoads(scenario: Scenario): ServiceLoad[] {
  return scenario.services.map((svc) => {
    const groups = scenario.streams.filter((g) => g.type === svc.name);
    let peakFps = 0;
    let minFps = 0;
    let peakStreams = 0;
    const kinds = new Set<string>();
    for (const g of groups) {
      const r = countRange(g.count);
      if (r.max === 0) continue;
      peakFps += r.max * fpsPerStream(g);
      minFps += r.min * fpsPerStream(g);
      peakStreams += r.max;
      kinds.add(g.arrivals);
    }
    const arrivals: ArrivalKind =
      kinds.size === 1 && kinds.has('poisson') ? 'poisson' : kinds.has('poisson') ? 'mixed' : 'periodic';
    return { service: svc.name, peakFps, minFps, peakStreams, arrivals };
  });
}

export interface ServiceTime {
  /** Mean seconds one replica spends on one frame, under its CPU limit, on an idle node. */
  meanSeconds: number;
  /** Squared coefficient of variation of the service time: 0 fixed, 1 exponential. */
  scv: number;
}

/** One replica's service time for `svc` on `cpuType` at `precision` (the model's own unless given). */
export function serviceTime(
  scenario: Scenario,
  svc: ServiceConfig,
  cpuType: string,
  precision: PrecisionName = svc.precision,
): ServiceTime {
  const model = modelAt(scenario, svc, precision);
  const cfs = cfsFactor(svc.cpuLimit, svc.threads);
  if (model.serviceTime) {
    return { meanSeconds: distMean(model.serviceTime) / cfs, scv: distScv(model.serviceTime) };
  }
  const cpu = scenario.cpuCatalog[cpuType];
  if (!cpu) throw new Error(`no CPU type ${cpuType} in the scenario's catalog`);
  return {
    meanSeconds:
      frameSecondsAtFullSpeed(modelAt(scenario, svc, precision), precision, cpu, svc.threads) / cfs,
    scv: 0,
  };
}

/**
 * The service's model at `precision`: itself at its own precision; at another, its measured FPS per
 * CPU type scaled by that CPU's int8/fp32 ratio in the catalog (a measurement is of one precision).
 */
export function modelAt(scenario: Scenario, svc: ServiceConfig, precision: PrecisionName): ModelConfig {
  const model = scenario.models[svc.model];
  if (precision === model.precision) return model;
  const measuredFps: Record<string, number> = {};
  for (const [id, fps] of Object.entries(model.measuredFps)) {
    const cpu = scenario.cpuCatalog[id];
    measuredFps[id] = cpu ? (fps * cpu.gflopsPerCore[precision]) / cpu.gflopsPerCore[model.precision] : fps;
  }
  return { ...model, precision, measuredFps };
}

/** The arrival process the closed forms see for a service's stream groups. */
export function arrivalProcess(scenario: Scenario, service: string): ArrivalProcess {
  const groups = scenario.streams.filter((g) => g.type === service);
  if (groups.every((g) => g.arrivals === 'poisson')) return { kind: 'poisson' };
  const periodic = groups.filter((g) => g.arrivals === 'periodic');
  // One periodic stream (or streams spread evenly in phase) arrives evenly spaced; random phases
  // bunch up within a period and are treated as Poisson (the safe side; the simulation settles it).
  const streams = periodic.reduce(
    (n, g) => n + (g.count.kind === 'points' ? Math.max(0, ...g.count.changes.map((c) => c.count)) : 2),
    0,
  );
  const even = periodic.length === 1 && (streams === 1 || periodic[0].phase.mode === 'spread');
  if (even && groups.length === 1) return { kind: 'periodic', jitterSeconds: periodic[0].jitterUs / 1e6 };
  return { kind: 'poisson' };
}
