/**
 * KEDA's ScaledObject (keda.sh/v1alpha1) as a scenario may hold it: inline under a service's
 * `keda:` (the ScaledObject's spec, with its name and annotations beside it) or as a manifest in
 * the service's `manifests` file. Triggers: `redis` (a list's length: the seed's queues are Redis
 * lists `queue_<type>`) and `prometheus` (an instant query over the pods' ei_* gauges). Fields
 * inferscale does not model are errors; connection settings (addresses, TLS, auth) are accepted
 * and not used. reference/autoscalers/KEDA.md.
 */
import { Type } from '@sinclair/typebox';
import { Obj } from './schema-base.js';
import { Behavior } from './k8s-schema.js';

/** Marks a number KEDA reads from a metadata string ("5" or 5). */
export const NUMBER_STRING_MARK = 'inferscale:number-string';
export const NumberString = (description: string) =>
  Type.Union(
    [
      Type.Number({ minimum: 0, maximum: 1e12 }),
      Type.String({ pattern: '^\\s*[0-9]+(\\.[0-9]+)?\\s*$', maxLength: 30 }),
    ],
    { description, $comment: NUMBER_STRING_MARK },
  );
const BoolString = (description: string) =>
  Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false')], { description });

const Unused = (what: string) =>
  Type.Optional(Type.Unknown({ description: `${what}; accepted and not used.` }));

const METRIC_TYPES = ['AverageValue', 'Value', 'Utilization'] as const;
const TriggerCommon = {
  name: Type.Optional(Type.String({ minLength: 1 })),
  metricType: Type.Optional(
    Type.Union(
      METRIC_TYPES.map((t) => Type.Literal(t)),
      {
        description:
          'The HPA target type of the trigger (default AverageValue; Utilization is for cpu/memory only).',
      },
    ),
  ),
  useCachedMetrics: Type.Optional(
    Type.Boolean({
      description: "The HPA reads the value of KEDA's last poll instead of asking the scaler.",
    }),
  ),
  authenticationRef: Unused('A TriggerAuthentication'),
};

export const RedisTrigger = Obj(
  {
    type: Type.Literal('redis'),
    ...TriggerCommon,
    metadata: Obj({
      listName: Type.Optional(
        Type.String({ minLength: 1, description: "The list: queue_<type> (default: this service's queue)." }),
      ),
      listLength: Type.Optional(NumberString('Target list length per replica (default 5).')),
      activationListLength: Type.Optional(NumberString('Active above this length (default 0).')),
      address: Unused('Redis address'),
      host: Unused('Redis host'),
      port: Unused('Redis port'),
      username: Unused('Redis user'),
      databaseIndex: Unused('Redis database'),
      enableTLS: Unused('TLS'),
      unsafeSsl: Unused('TLS'),
      addressFromEnv: Unused('Redis address'),
      hostFromEnv: Unused('Redis host'),
      portFromEnv: Unused('Redis port'),
      usernameFromEnv: Unused('Redis user'),
      passwordFromEnv: Unused('Redis password'),
    }),
  },
  { description: 'KEDA Redis list scaler: LLEN of the list.' },
);

export const PrometheusTrigger = Obj(
  {
    type: Type.Literal('prometheus'),
    ...TriggerCommon,
    metadata: Obj({
      serverAddress: Unused('Prometheus address'),
      query: Type.String({
        minLength: 1,
        description:
          'AGG(METRIC) or AGG(METRIC{...}): AGG one of sum, avg, max, min; METRIC one of ei_drop_fps, ei_infer_fps, ei_scale_ratio (over this service’s pods; label matchers are accepted and not used).',
      }),
      threshold: NumberString('Target value per replica (AverageValue) or in total (Value).'),
      activationThreshold: Type.Optional(NumberString('Active above this value (default 0).')),
      ignoreNullValues: Type.Optional(
        BoolString('An empty result reads 0 (default true), else it is an error.'),
      ),
      namespace: Unused('Prometheus namespace'),
      unsafeSsl: Unused('TLS'),
      customHeaders: Unused('HTTP headers'),
      queryParameters: Unused('HTTP query parameters'),
    }),
  },
  {
    description:
      'KEDA Prometheus scaler: one instant query over the pods’ gauges as Prometheus last scraped them.',
  },
);

export const KEDA_FALLBACK_BEHAVIORS = [
  'static',
  'currentReplicas',
  'currentReplicasIfHigher',
  'currentReplicasIfLower',
] as const;

const ScaledObjectSpecProperties = {
  scaleTargetRef: Type.Optional(
    Obj({
      name: Type.String({ minLength: 1 }),
      kind: Type.Optional(Type.String({ minLength: 1 })),
      apiVersion: Type.Optional(Type.String()),
      envSourceContainerName: Type.Optional(Type.String()),
    }),
  ),
  pollingInterval: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 86_400, description: 'Seconds between KEDA’s polls (default 30).' }),
  ),
  cooldownPeriod: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 86_400,
      description: 'Seconds after the last active poll before scaling to zero (default 300).',
    }),
  ),
  initialCooldownPeriod: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 86_400,
      description: 'Seconds after creation before the first scale to zero (default 0).',
    }),
  ),
  idleReplicaCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  minReplicaCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'Default 0.' })),
  maxReplicaCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Default 100.' })),
  fallback: Type.Optional(
    Obj({
      failureThreshold: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      replicas: Type.Integer({ minimum: 0, maximum: 10_000 }),
      behavior: Type.Optional(Type.Union(KEDA_FALLBACK_BEHAVIORS.map((b) => Type.Literal(b)))),
    }),
  ),
  advanced: Type.Optional(
    Obj({
      horizontalPodAutoscalerConfig: Type.Optional(
        Obj({ name: Type.Optional(Type.String({ minLength: 1 })), behavior: Type.Optional(Behavior) }),
      ),
      restoreToOriginalReplicaCount: Unused('What happens when the ScaledObject is deleted'),
    }),
  ),
  triggers: Type.Array(Type.Union([RedisTrigger, PrometheusTrigger]), { minItems: 1, maxItems: 100 }),
};

export const ScaledObjectSpec = Obj(ScaledObjectSpecProperties);

/** The `keda:` key of a service: the ScaledObject's spec, its name and its annotations. */
export const KedaInline = Obj(
  {
    name: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'metadata.name (default: the service); the HPA is keda-hpa-<name>.',
      }),
    ),
    annotations: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String(), {
        description:
          'metadata.annotations: autoscaling.keda.sh/paused, paused-scale-in, paused-scale-out, force-activation ("true").',
      }),
    ),
    ...ScaledObjectSpecProperties,
  },
  {
    description:
      'A KEDA ScaledObject for this service (its spec, with its name and annotations), as reference/autoscalers/KEDA.md specifies.',
  },
);

export const ScaledObjectManifest = Obj(
  {
    apiVersion: Type.Literal('keda.sh/v1alpha1'),
    kind: Type.Literal('ScaledObject'),
    metadata: Type.Optional(
      Type.Unknown({
        description: 'name and autoscaling.keda.sh/* annotations are read; the rest is not used.',
      }),
    ),
    spec: ScaledObjectSpec,
    status: Type.Optional(Type.Unknown({ description: 'Accepted and not used.' })),
  },
  { description: 'A KEDA ScaledObject manifest (keda.sh/v1alpha1).' },
);
