/**
 * The resolved scenario: what the simulator runs. Every default is filled in, every duration is an
 * integer number of microseconds, every reference is checked. Produced only by `resolveScenario`.
 */
import type { CpuTypeEntry } from '../model/catalog.js';
import type { DropPolicyName, PrecisionName } from './schema.js';
import type { HpaSpec } from '../autoscale/hpa/index.js';
import type { KedaSpec } from '../autoscale/keda/types.js';
import type { KpaSpec } from '../autoscale/kpa/types.js';
import type { OracleSpec } from '../autoscale/oracle/plan.js';
import type { PredictiveSpec } from '../autoscale/predictive/policy.js';

/**
 * A service's autoscaler other than a plain HPA (autoscale/registry.ts). A plain HPA is `hpa`
 * alone, without this key, so the scenario.json of an HPA run reads as it did before.
 */
export type AutoscalerConfig =
  | { policy: 'keda'; keda: KedaSpec }
  | { policy: 'kpa'; kpa: KpaSpec }
  /** The service's `hpa` fed with forecasts. */
  | { policy: 'predictive'; predictive: PredictiveSpec }
  | { policy: 'oracle'; oracle: OracleSpec };

/** A distribution over seconds (delays, service times). */
export type Dist =
  | { type: 'constant'; value: number }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'exponential'; mean: number }
  | { type: 'normal'; mean: number; sd: number }
  | { type: 'lognormal'; mean: number; cv: number }
  | { type: 'empirical'; values: number[] };

export interface NodePoolConfig {
  name: string;
  count: number;
  cores: number;
  memoryGiB: number | null;
  cpuType: string;
  pricePerHour: number;
  backgroundCores: number;
  labels: Record<string, string>;
}

export interface ModelConfig {
  name: string;
  gflops: number;
  precision: PrecisionName;
  overheadSeconds: number;
  classFactor: number;
  measuredFps: Record<string, number>;
  serviceTime: Dist | null;
}

export interface ServiceConfig {
  name: string;
  model: string;
  precision: PrecisionName;
  queueCapacity: number;
  dropPolicy: DropPolicyName;
  replicas: number;
  cpuRequest: number;
  cpuLimit: number | null;
  threads: number;
  batchSize: number;
  wakeup: 'poll' | 'notify';
  pollIntervalUs: number;
  startupDelay: Dist;
  /** Image pull, init wait and model load, each drawn on its own and added to startupDelay. */
  startupStages: { stage: 'imagePull' | 'initWait' | 'modelLoad'; dist: Dist }[];
  reportIntervalUs: number;
  idleReportPolls: number;
  nodePool: string | null;
  scaleEvents: { atUs: number; replicas: number }[];
  /** A readiness probe: Ready at the first probe after the pod can serve; null: Ready when it can serve. */
  readinessProbe: { periodUs: number; initialDelayUs: number } | null;
  /** Labels a node pool must carry (nodeSelector); empty: any pool. */
  nodeSelector: Record<string, string>;
  /** The pods' one container (the Deployment's, or named after the service). */
  containerName: string;
  hpa: HpaSpec | null;
  /** Another autoscaler than the plain HPA; absent with an HPA alone or none. */
  autoscaler?: AutoscalerConfig;
  /** When the autoscaler object (HPA, ScaledObject, ...) is created. */
  hpaAppliedAtUs: number;
}

export interface StreamGroupConfig {
  name: string;
  /** The inference type: the name of a service. */
  type: string;
  kind: 'file' | 'camera';
  fps: number;
  /** trace: frames at recorded times (arrivalTimesUs); fps 1 and count = frames in each second. */
  arrivals: 'periodic' | 'poisson' | 'trace';
  /** Poisson arrivals: frames per second per active stream. */
  ratePerStream: number;
  jitterUs: number;
  phase: { mode: 'random' } | { mode: 'spread' } | { mode: 'fixed'; offsetUs: number };
  /** Active stream count over time. */
  count: CountSchedule;
  /** arrivals: trace — each frame's arrival time, µs, in order. */
  arrivalTimesUs?: number[];
}

/** Stream count over time: change points (steps, ramps, traces) or a sine evaluated at a resolution. */
export type CountSchedule =
  | {
      kind: 'points';
      changes: { atUs: number; count: number }[];
      /**
       * The schedule's ramps as written: the changes at times in (atUs, endUs] are one ramp's
       * one-stream steps towards `count`, and the ramp as a whole starts at atUs (a schedule point
       * at endUs shares the ramp's last change). Empty for traces.
       */
      ramps: { atUs: number; endUs: number; count: number }[];
    }
  | {
      kind: 'sine';
      mean: number;
      amplitude: number;
      periodUs: number;
      peakAtUs: number;
      resolutionUs: number;
    };

/** A file the scenario was made from: the scenario itself, then each data or manifest file it names. */
export interface InputFile {
  /** The field that names the file (`(scenario)` for the scenario file itself). */
  field: string;
  /** As written in the scenario (relative to the scenario file); the scenario file by its name. */
  file: string;
  bytes: number;
  sha256: string;
}

export interface Scenario {
  name: string;
  description: string;
  /** The file the scenario came from, if any (for messages; never read by the simulation). */
  sourceFile: string | null;
  /** Every file read to make the scenario, in the order read, with its size and sha256. */
  inputFiles: InputFile[];
  seed: number;
  durationUs: number;
  stepUs: number;
  cpuCatalog: Record<string, CpuTypeEntry>;
  nodePools: NodePoolConfig[];
  models: Record<string, ModelConfig>;
  services: ServiceConfig[];
  streams: StreamGroupConfig[];
  controller: ControllerConfigResolved;
  /** Per-service objective; null fields are not checked. */
  slo: { maxDropPercent: number | null; maxP95LatencySeconds: number | null };
  pipeline: PipelineConfig;
  /**
   * The fluid engine (model/fluid.ts) and its tick; absent for the exact engine, the default, so an
   * exact run's scenario.json is what it always was.
   */
  engine?: FluidEngineConfig;
}

export interface FluidEngineConfig {
  kind: 'fluid';
  /** Frames are counted over ticks of this length, µs (at most the step). */
  tickUs: number;
  /**
   * Present when the scenario gave `engine.tick`; absent, the tick is the default for the step
   * (defaultFluidTickUs) and follows a `--step` that overrides the scenario's.
   */
  tickGiven?: true;
}

/** The fluid engine's tick when the scenario gives none: 100 ms, or the step when that is shorter. */
export function defaultFluidTickUs(stepUs: number): number {
  return Math.min(100_000, stepUs);
}

/** kube-controller-manager HPA flags (SPEC.md §2). */
export interface ControllerConfigResolved {
  syncPeriodUs: number;
  tolerance: number;
  downscaleStabilizationUs: number;
  cpuInitializationPeriodUs: number;
  initialReadinessDelayUs: number;
  featureGates: { HPAConfigurableTolerance: boolean; HPAScaleToZero: boolean };
}

/** The metrics pipeline (reference/metrics-pipeline.md). */
export interface PipelineConfig {
  metricsServerResolutionUs: number;
  /** The first metrics-server scrape (its install plus API registration). */
  metricsServerStartUs: number;
  prometheusScrapeIntervalUs: number;
  adapterRelistIntervalUs: number;
}
