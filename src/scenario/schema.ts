/**
 * The scenario file format, types first: every TypeScript type of a scenario file is derived from
 * these TypeBox schemas, and `inferscale schema` prints them as JSON Schema (draft 2020-12 subset)
 * so editors complete and check scenario files. Every object rejects unknown keys.
 *
 * Units: durations accept a number of seconds or a string such as `250ms`, `90s`, `5m`, `1h`, `1d`.
 * Limits on each number are there to catch typos (a `1e9` stream count), not to judge a workload.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

import { Obj, Duration } from './schema-base.js';
import {
  AutoscaleShorthand,
  ControllerSettings,
  DeploymentManifest,
  HpaManifest,
  MetricsPipelineSettings,
} from './k8s-schema.js';
import { KedaInline } from './keda-schema.js';
import { KpaSettings } from './kpa-schema.js';
import { OracleSettings, PredictiveSettings } from './forecast-schema.js';
export { Duration, DURATION_MARK, DURATION_PATTERN, MAX_DURATION_S } from './schema-base.js';

export type DurationSpec = Static<typeof Duration>;

const Positive = (max: number, description: string) =>
  Type.Number({ exclusiveMinimum: 0, maximum: max, description });
const NonNegative = (max: number, description: string) =>
  Type.Number({ minimum: 0, maximum: max, description });
const Count = (max: number, description: string) => Type.Integer({ minimum: 0, maximum: max, description });

// ---------------------------------------------------------------------------------------------
// Distributions (DESIGN.md: constant, uniform, exponential, normal, lognormal, empirical).
// Values are durations in seconds wherever a distribution describes a delay or a service time.

export const DISTRIBUTION_TYPES = [
  'constant',
  'uniform',
  'exponential',
  'normal',
  'lognormal',
  'empirical',
] as const;

export const ConstantDist = Obj({ type: Type.Literal('constant'), value: Duration });
export const UniformDist = Obj({ type: Type.Literal('uniform'), min: Duration, max: Duration });
export const ExponentialDist = Obj({ type: Type.Literal('exponential'), mean: Duration });
export const NormalDist = Obj(
  { type: Type.Literal('normal'), mean: Duration, sd: Duration },
  { description: 'Normal, truncated at 0 (a negative draw is redrawn).' },
);
export const LognormalDist = Obj(
  {
    type: Type.Literal('lognormal'),
    mean: Duration,
    cv: NonNegative(100, 'Coefficient of variation (sd / mean).'),
  },
  { description: 'Lognormal given by its mean and coefficient of variation.' },
);
export const EmpiricalDist = Obj(
  {
    type: Type.Literal('empirical'),
    values: Type.Optional(Type.Array(Duration, { minItems: 1, maxItems: 1_000_000 })),
    file: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'A file of values in seconds, one per line, relative to the scenario.',
      }),
    ),
  },
  { description: 'Draws uniformly from the given values (exactly one of values or file).' },
);
export const Distribution = Type.Union(
  [Duration, ConstantDist, UniformDist, ExponentialDist, NormalDist, LognormalDist, EmpiricalDist],
  {
    description:
      'A duration (constant) or {type: constant|uniform|exponential|normal|lognormal|empirical, ...}.',
  },
);
export type DistributionSpec = Static<typeof Distribution>;

// ---------------------------------------------------------------------------------------------

export const ISA_FLAGS = ['avx2', 'avx512', 'vnni', 'amx'] as const;
export const PRECISIONS = ['fp32', 'int8'] as const;
export const Precision = Type.Union(
  PRECISIONS.map((p) => Type.Literal(p)),
  { description: 'Numeric precision of the model: fp32 or int8.' },
);
export type PrecisionName = (typeof PRECISIONS)[number];

export const CpuType = Obj({
  description: Type.Optional(Type.String({ description: 'Example CPUs of this type.' })),
  isa: Type.Array(Type.Union(ISA_FLAGS.map((f) => Type.Literal(f))), {
    uniqueItems: true,
    description: 'ISA flags: avx2, avx512, vnni, amx.',
  }),
  gflopsPerCore: Obj(
    {
      fp32: Positive(100_000, 'Effective CNN GFLOP/s per physical core in fp32.'),
      int8: Positive(100_000, 'Effective CNN GOP/s per physical core in int8.'),
    },
    { description: 'Effective throughput per core for a dense CNN (OpenVINO-class runtime).' },
  ),
  source: Type.Optional(Type.String({ description: 'Where the figures come from.' })),
});

export const NodePool = Obj({
  count: Type.Optional(Count(10_000, 'Number of nodes in the pool (default 1).')),
  cores: Type.Integer({ minimum: 1, maximum: 1024, description: 'Physical cores per node.' }),
  memoryGiB: Type.Optional(Positive(65_536, 'Memory per node, GiB (informational for now).')),
  cpuType: Type.String({ minLength: 1, description: 'A key of the CPU catalog (built-in or cpuCatalog).' }),
  pricePerHour: Type.Optional(NonNegative(1_000_000, 'Price of one node per hour (default 0).')),
  labels: Type.Optional(
    Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      description: 'Node labels for nodeSelector (every pool also has inferscale.io/pool: <name>).',
    }),
  ),
  backgroundCores: Type.Optional(
    NonNegative(
      1024,
      'Cores kept busy on each node by work outside the modelled services (stream producers, Redis, ' +
        'monitoring); they take part in processor sharing (default 0).',
    ),
  ),
});

export const Model = Obj({
  gflops: Type.Optional(
    Positive(1_000_000, 'GFLOPs (2 x MACs) per frame; required unless serviceTime is given.'),
  ),
  precision: Type.Optional(Precision),
  overhead: Type.Optional(Duration),
  classFactor: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description:
        'Share of the catalog throughput this network class reaches (depthwise/mobile nets: 0.45-0.8).',
    }),
  ),
  measuredFps: Type.Optional(
    Type.Record(
      Type.String({ minLength: 1 }),
      Positive(1_000_000, 'Frames per second of one single-thread replica.'),
      {
        description:
          'Measured FPS of one replica (one thread, batch 1) per CPU type; overrides the GFLOPs estimate.',
      },
    ),
  ),
  /** Service time of one frame at full speed on one thread; replaces the GFLOPs and measuredFps estimates. */
  serviceTime: Type.Optional(Distribution),
});

export const DROP_POLICIES = ['trim-on-pop', 'drop-newest', 'drop-oldest'] as const;
export type DropPolicyName = (typeof DROP_POLICIES)[number];

export const Queue = Obj({
  capacity: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'Waiting frames kept (default 32).' }),
  ),
  dropPolicy: Type.Optional(
    Type.Union(
      DROP_POLICIES.map((p) => Type.Literal(p)),
      {
        description:
          'trim-on-pop (the seed: the replica that pops trims to the newest `capacity` and counts the rest as its drops), ' +
          'drop-newest (refuse a push to a full queue) or drop-oldest (a push to a full queue evicts the oldest).',
      },
    ),
  ),
});

export const Resources = Obj({
  requests: Type.Optional(Obj({ cpu: Type.Optional(NonNegative(1024, 'CPU request in cores.')) })),
  limits: Type.Optional(Obj({ cpu: Type.Optional(Positive(1024, 'CPU limit in cores (CFS quota).')) })),
});

export const ScaleEvent = Obj(
  { at: Duration, replicas: Count(10_000, 'The new replica count.') },
  { description: 'A manual scale, like `kubectl scale --replicas=N` at time `at`.' },
);

export const WAKEUPS = ['poll', 'notify'] as const;

export const Service = Obj({
  model: Type.String({ minLength: 1, description: 'A key of models.' }),
  precision: Type.Optional(Precision),
  queue: Type.Optional(Queue),
  replicas: Type.Optional(Count(10_000, 'Initial replicas (default 1).')),
  resources: Type.Optional(Resources),
  threads: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 256, description: 'Threads per frame (default 1).' }),
  ),
  batchSize: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1024, description: 'Frames per pop (default 1).' }),
  ),
  wakeup: Type.Optional(
    Type.Union(
      WAKEUPS.map((w) => Type.Literal(w)),
      {
        description:
          'poll: an idle replica sleeps pollInterval and looks again (the seed); notify: woken at once.',
      },
    ),
  ),
  pollInterval: Type.Optional(Duration),
  /** Time from scheduling to serving, all stages together; or give the stages below (they add up). */
  startupDelay: Type.Optional(Distribution),
  /** Image pull (the seed's imagePullPolicy: Always pulls on every start). */
  imagePull: Type.Optional(Distribution),
  /** Init containers (the seed's waits for Redis: nslookup + sleep 2 until it resolves). */
  initWait: Type.Optional(Distribution),
  /** Model load inside the running container, before the first frame. */
  modelLoad: Type.Optional(Distribution),
  reportInterval: Type.Optional(Duration),
  idleReportPolls: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  nodePool: Type.Optional(
    Type.String({ minLength: 1, description: 'Run only on this pool (a nodeSelector).' }),
  ),
  scaleEvents: Type.Optional(Type.Array(ScaleEvent, { maxItems: 100_000 })),
  readinessProbe: Type.Optional(
    Obj(
      {
        periodSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
        initialDelaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
      },
      {
        description:
          'With a probe a pod turns Ready at the first probe after it can serve; without one (the seed) as soon as it can serve. Readiness changes what the HPA and Prometheus see, not who pops frames.',
      },
    ),
  ),
  nodeSelector: Type.Optional(
    Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      description: 'Node pool labels the pods require.',
    }),
  ),
  hpa: Type.Optional(HpaManifest),
  deployment: Type.Optional(DeploymentManifest),
  manifests: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'A YAML file (relative to the scenario) holding this service’s Deployment and/or HPA, as kubectl applies it.',
    }),
  ),
  /** When the autoscaler (HPA, ScaledObject, ...) is created (like `kubectl apply -f hpa.yaml`), default 0. */
  hpaAppliedAt: Type.Optional(Duration),
  autoscale: Type.Optional(AutoscaleShorthand),
  keda: Type.Optional(KedaInline),
  kpa: Type.Optional(KpaSettings),
  predictive: Type.Optional(PredictiveSettings),
  oracle: Type.Optional(OracleSettings),
});

export const SchedulePoint = Obj({
  at: Duration,
  count: Count(1_000_000, 'Streams active from `at` (or at the end of the ramp).'),
  rampOver: Type.Optional(Duration),
});

export const Sine = Obj(
  {
    mean: NonNegative(1_000_000, 'Mean stream count.'),
    amplitude: NonNegative(1_000_000, 'Amplitude of the daily swing.'),
    period: Type.Optional(Duration),
    peakAt: Type.Optional(Duration),
    resolution: Type.Optional(Duration),
  },
  { description: 'count(t) = round(mean + amplitude * cos(2 pi (t - peakAt) / period)), at least 0.' },
);

export const ARRIVALS = ['periodic', 'poisson'] as const;

export const StreamGroup = Obj({
  name: Type.Optional(Type.String({ minLength: 1 })),
  type: Type.String({ minLength: 1, description: 'The inference type: a key of services.' }),
  kind: Type.Optional(
    Type.Union([Type.Literal('file'), Type.Literal('camera')], {
      description: 'file (default fps 25) or camera (default fps 15).',
    }),
  ),
  count: Type.Optional(Count(1_000_000, 'Streams in the group (default 1).')),
  fps: Type.Optional(Positive(10_000, 'Frames per second per stream.')),
  arrivals: Type.Optional(Type.Union(ARRIVALS.map((a) => Type.Literal(a)))),
  rate: Type.Optional(Positive(10_000_000, 'Poisson arrivals: frames per second per stream (default fps).')),
  jitter: Type.Optional(Duration),
  phase: Type.Optional(
    Type.Union([Duration, Type.Literal('random'), Type.Literal('spread')], {
      description:
        'Start offset of each stream: random within one period (default), spread evenly, or a duration.',
    }),
  ),
  schedule: Type.Optional(Type.Array(SchedulePoint, { maxItems: 1_000_000 })),
  sine: Type.Optional(Sine),
  trace: Type.Optional(
    Type.String({ minLength: 1, description: 'CSV file (time_s,count) relative to the scenario.' }),
  ),
  arrivalTrace: Type.Optional(
    Obj(
      {
        file: Type.String({
          minLength: 1,
          description:
            'CSV file relative to the scenario: one frame per row, its arrival time in seconds (Unix or relative) or RFC 3339 in the first column; a header row is allowed.',
        }),
        start: Type.Optional(
          Type.Number({
            minimum: 0,
            maximum: 1e11,
            description:
              'The trace time that is scenario time 0 (default: the first timestamp rounded down to a whole second); earlier rows are ignored.',
          }),
        ),
      },
      { description: 'Recorded frame arrivals: each row is one frame, offered at its time.' },
    ),
  ),
});

export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
export const Names = <T extends TSchema>(v: T, description: string) =>
  Type.Record(Type.String({ pattern: NAME_PATTERN }), v, { description, additionalProperties: false });

export const ScenarioFile = Obj(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Report folder name.' }),
    ),
    description: Type.Optional(Type.String()),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })),
    duration: Type.Optional(Duration),
    step: Type.Optional(Duration),
    cpuCatalog: Type.Optional(Names(CpuType, 'CPU types added to or overriding the built-in catalog.')),
    nodePools: Names(NodePool, 'Node pools by name.'),
    models: Names(Model, 'Models by name.'),
    services: Names(Service, 'Services by inference type (one queue each).'),
    streams: Type.Array(StreamGroup, { maxItems: 100_000 }),
    slo: Type.Optional(
      Obj(
        {
          maxDropPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          maxP95LatencySeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
        },
        {
          description:
            'Service level objective per service: a step violates it when its drop % or p95 latency exceeds these.',
        },
      ),
    ),
    controller: Type.Optional(ControllerSettings),
    metricsPipeline: Type.Optional(MetricsPipelineSettings),
    engine: Type.Optional(
      Obj(
        {
          kind: Type.Union([Type.Literal('exact'), Type.Literal('fluid')], {
            description:
              'exact (the default): every frame simulated. fluid: frames as counts per tick, much faster on large scenarios, KPIs within the error the README states.',
          }),
          tick: Type.Optional(Duration),
        },
        {
          description:
            'How frames are simulated; fluid only: tick, the span frames are counted over (default 100ms, at most the step).',
        },
      ),
    ),
  },
  { $id: 'https://inferscale.dev/scenario.schema.json', title: 'inferscale scenario' },
);

export type ScenarioFileSpec = Static<typeof ScenarioFile>;
export type StreamGroupSpec = Static<typeof StreamGroup>;
export type ServiceSpec = Static<typeof Service>;
export type ModelSpec = Static<typeof Model>;
export type NodePoolSpec = Static<typeof NodePool>;
export type CpuTypeSpec = Static<typeof CpuType>;
