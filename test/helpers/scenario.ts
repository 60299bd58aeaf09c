/**
 * A scenario builder with defaults, so a test states only what it is about. It goes through the
 * real loader (a JSON file in a temp folder), so tests exercise the same path as the CLI.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import {
  simulate,
  type NodeRow,
  type PodRow,
  type RunResult,
  type SimulateOptions,
  type TimeseriesRow,
  type RunEvent,
} from '../../src/model/simulate.js';

type Obj = Record<string, unknown>;

/** One service `svc` (model 1 GFLOP at 10 GFLOP/s = 100 ms per frame), one node, one 10 FPS stream. */
export function baseSpec(): Obj {
  return {
    name: 'test',
    seed: 1,
    duration: '60s',
    cpuCatalog: { cpu10: { isa: ['avx2'], gflopsPerCore: { fp32: 10, int8: 20 } } },
    nodePools: { pool: { count: 1, cores: 8, cpuType: 'cpu10' } },
    models: { m: { gflops: 1 } },
    services: { svc: { model: 'm' } },
    streams: [{ type: 'svc', fps: 10, phase: 0 }],
  };
}

/** Deep-merges `patch` into `base` (objects merge, everything else replaces). */
export function merge(base: Obj, patch: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? merge(b as Obj, v as Obj)
        : v;
  }
  return out;
}

export function scenarioFrom(spec: Obj): Scenario {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-test-'));
  try {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(spec));
    return loadScenario(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Recorded {
  result: RunResult;
  rows: TimeseriesRow[];
  events: RunEvent[];
}

/** Builds the scenario from `patch` over the defaults and runs it, recording rows and events. */
export function run(patch: Obj = {}, options: { seed?: number; durationUs?: number } = {}): Recorded {
  const rows: TimeseriesRow[] = [];
  const events: RunEvent[] = [];
  const result = simulate(scenarioFrom(merge(baseSpec(), patch)), {
    ...options,
    sink: { row: (r) => rows.push(r), event: (e) => events.push(e) },
  });
  return { result, rows, events };
}

/** Runs `scenario`, recording everything a sink is given: time-series, pod and node rows, and events. */
export function recordAll(scenario: Scenario, options: SimulateOptions = {}) {
  const rows: TimeseriesRow[] = [];
  const pods: PodRow[] = [];
  const nodes: NodeRow[] = [];
  const events: RunEvent[] = [];
  const result = simulate(scenario, {
    ...options,
    sink: {
      row: (r) => rows.push(r),
      pod: (r) => pods.push(r),
      node: (r) => nodes.push(r),
      event: (e) => events.push(e),
    },
  });
  return { result, rows, pods, nodes, events };
}

/** Mean of a row field over rows of `service` with time in (fromS, toS]. */
export function meanOver(
  rows: TimeseriesRow[],
  service: string,
  field: keyof TimeseriesRow,
  fromS: number,
  toS: number,
): number {
  const sel = rows.filter((r) => r.service === service && r.timeS > fromS && r.timeS <= toS);
  if (sel.length === 0) throw new Error(`no rows for ${service} in (${fromS}, ${toS}]`);
  return sel.reduce((a, r) => a + Number(r[field] ?? 0), 0) / sel.length;
}

/** A scenario (a patch of baseSpec) that exercises everything that moves frames: every drop policy, scaling, Pending pods. */
export const CHURN = {
  duration: '5m',
  nodePools: { pool: { count: 2, cores: 4, backgroundCores: 0.5 } },
  models: { exp: { serviceTime: { type: 'exponential', mean: '80ms' } } },
  services: {
    svc: {
      startupDelay: { type: 'uniform', min: '1s', max: '8s' },
      resources: { requests: { cpu: 0.5 }, limits: { cpu: 1 } },
      scaleEvents: [
        { at: '30s', replicas: 4 },
        { at: '90s', replicas: 0 },
        { at: '100s', replicas: 6 },
        { at: '200s', replicas: 2 },
      ],
    },
    newest: {
      model: 'exp',
      replicas: 2,
      wakeup: 'notify',
      batchSize: 3,
      queue: { capacity: 10, dropPolicy: 'drop-newest' },
      resources: { requests: { cpu: 1 } },
      startupDelay: { type: 'normal', mean: '4s', sd: '0.5s' },
      scaleEvents: [{ at: '60s', replicas: 5 }],
    },
    oldest: {
      model: 'm',
      threads: 2,
      queue: { capacity: 4, dropPolicy: 'drop-oldest' },
      startupDelay: { type: 'lognormal', mean: '3s', cv: 0.1 },
    },
  },
  streams: [
    {
      type: 'svc',
      fps: 25,
      count: 2,
      jitter: '5ms',
      schedule: [
        { at: '60s', count: 6, rampOver: '60s' },
        { at: '150s', count: 1 },
      ],
    },
    { type: 'newest', arrivals: 'poisson', rate: 40 },
    { type: 'oldest', kind: 'camera', count: 3, phase: 'spread' },
  ],
};
