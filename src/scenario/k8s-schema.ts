/**
 * Kubernetes objects a scenario may embed: a HorizontalPodAutoscaler in autoscaling/v1, v2beta2 or
 * v2 as `kubectl get hpa -o yaml` prints it (or as the seed's files are written), the
 * `kubectl autoscale` shorthand, and the kube-controller-manager's HPA flags and the metrics
 * pipeline's settings. Spec fields inferscale does not model are errors; `metadata` and `status`
 * are accepted and not used (they describe the object, not what it does).
 */
import { Type } from '@sinclair/typebox';
import { Duration, Obj } from './schema-base.js';

const Lit = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  );

export const QUANTITY_MARK = 'inferscale:quantity';
export const QUANTITY_PATTERN = '^[+]?[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$';
export const Quantity = Type.Union(
  [Type.Number({ minimum: 0, maximum: 1e12 }), Type.String({ pattern: QUANTITY_PATTERN, maxLength: 20 })],
  {
    description: 'A Kubernetes quantity: 1, 0.5, 500m, 2k.',
    $comment: QUANTITY_MARK,
  },
);

export const HPA_API_VERSIONS = ['autoscaling/v1', 'autoscaling/v2beta2', 'autoscaling/v2'] as const;
export const TARGET_TYPES = ['Utilization', 'AverageValue', 'Value'] as const;
export const SOURCE_TYPES = ['Resource', 'ContainerResource', 'Pods', 'Object', 'External'] as const;

export const Target = Obj({
  type: Lit(TARGET_TYPES),
  averageUtilization: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  averageValue: Type.Optional(Quantity),
  value: Type.Optional(Quantity),
});

const MetricIdentifier = Obj({
  name: Type.String({ minLength: 1 }),
  selector: Type.Optional(Obj({ matchLabels: Type.Optional(Type.Record(Type.String(), Type.String())) })),
});

const ResourceName = Lit(['cpu', 'memory'] as const);

export const MetricSpecSchema = Obj({
  type: Lit(SOURCE_TYPES),
  resource: Type.Optional(Obj({ name: ResourceName, target: Target })),
  containerResource: Type.Optional(
    Obj({ name: ResourceName, container: Type.String({ minLength: 1 }), target: Target }),
  ),
  pods: Type.Optional(Obj({ metric: MetricIdentifier, target: Target })),
  object: Type.Optional(
    Obj({
      metric: MetricIdentifier,
      describedObject: Obj({
        apiVersion: Type.Optional(Type.String()),
        kind: Type.String({ minLength: 1 }),
        name: Type.String({ minLength: 1 }),
      }),
      target: Target,
    }),
  ),
  external: Type.Optional(Obj({ metric: MetricIdentifier, target: Target })),
});

export const Rules = Obj({
  stabilizationWindowSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  selectPolicy: Type.Optional(Lit(['Max', 'Min', 'Disabled'] as const)),
  policies: Type.Optional(
    Type.Array(
      Obj({
        type: Lit(['Pods', 'Percent'] as const),
        value: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        periodSeconds: Type.Integer({ minimum: 1, maximum: 1800 }),
      }),
      { minItems: 1, maxItems: 100 },
    ),
  ),
  tolerance: Type.Optional(Quantity),
});

/** spec.behavior of an autoscaling/v2 HPA (also KEDA's advanced.horizontalPodAutoscalerConfig.behavior). */
export const Behavior = Obj({ scaleUp: Type.Optional(Rules), scaleDown: Type.Optional(Rules) });

export const HpaManifest = Obj(
  {
    apiVersion: Lit(HPA_API_VERSIONS),
    kind: Type.Literal('HorizontalPodAutoscaler'),
    metadata: Type.Optional(Type.Unknown({ description: 'Accepted and not used.' })),
    spec: Obj({
      scaleTargetRef: Type.Optional(
        Obj({
          apiVersion: Type.Optional(Type.String()),
          kind: Type.String({ minLength: 1 }),
          name: Type.String({ minLength: 1 }),
        }),
      ),
      minReplicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
      maxReplicas: Type.Integer({ minimum: 1, maximum: 10_000 }),
      targetCPUUtilizationPercentage: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
      metrics: Type.Optional(Type.Array(MetricSpecSchema, { maxItems: 100 })),
      behavior: Type.Optional(Behavior),
    }),
    status: Type.Optional(
      Type.Unknown({ description: 'Observed state as kubectl prints it; accepted and not used.' }),
    ),
  },
  { description: 'A HorizontalPodAutoscaler manifest (autoscaling/v1, v2beta2 or v2) for this service.' },
);

export const AutoscaleShorthand = Obj(
  {
    cpuPercent: Type.Integer({ minimum: 1, maximum: 100_000 }),
    min: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    max: Type.Integer({ minimum: 1, maximum: 10_000 }),
  },
  { description: 'Like `kubectl autoscale deployment NAME --cpu-percent=P --min=N --max=M`.' },
);

export const ControllerSettings = Obj(
  {
    syncPeriod: Type.Optional(Duration),
    tolerance: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    downscaleStabilization: Type.Optional(Duration),
    cpuInitializationPeriod: Type.Optional(Duration),
    initialReadinessDelay: Type.Optional(Duration),
    featureGates: Type.Optional(
      Obj({
        HPAConfigurableTolerance: Type.Optional(Type.Boolean()),
        HPAScaleToZero: Type.Optional(Type.Boolean()),
      }),
    ),
  },
  {
    description:
      'kube-controller-manager --horizontal-pod-autoscaler-* flags (defaults as in Kubernetes 1.37).',
  },
);

export const MetricsPipelineSettings = Obj(
  {
    metricsServerResolution: Type.Optional(Duration),
    metricsServerStart: Type.Optional(Duration),
    prometheusScrapeInterval: Type.Optional(Duration),
    adapterRelistInterval: Type.Optional(Duration),
  },
  {
    description:
      'metrics-server --metric-resolution (default 15s; the seed ran v0.3.6 at 60s), Prometheus scrape interval ' +
      '(default 15s, the seed ServiceMonitor), prometheus-adapter --metrics-relist-interval (default 1m).',
  },
);

const Resources = Obj({
  requests: Type.Optional(Obj({ cpu: Type.Optional(Quantity), memory: Type.Optional(Quantity) })),
  limits: Type.Optional(Obj({ cpu: Type.Optional(Quantity), memory: Type.Optional(Quantity) })),
});

/** Parts of a container that describe it but do not change what the simulation does. */
const ContainerInfo = {
  image: Type.Optional(Type.String()),
  imagePullPolicy: Type.Optional(Type.String()),
  command: Type.Optional(Type.Array(Type.String())),
  args: Type.Optional(Type.Array(Type.String())),
  env: Type.Optional(Type.Array(Type.Unknown())),
  envFrom: Type.Optional(Type.Array(Type.Unknown())),
  ports: Type.Optional(Type.Array(Type.Unknown())),
  volumeMounts: Type.Optional(Type.Array(Type.Unknown())),
  workingDir: Type.Optional(Type.String()),
  terminationMessagePath: Type.Optional(Type.String()),
  terminationMessagePolicy: Type.Optional(Type.String()),
};

const Probe = Obj({
  httpGet: Type.Optional(Type.Unknown()),
  exec: Type.Optional(Type.Unknown()),
  tcpSocket: Type.Optional(Type.Unknown()),
  grpc: Type.Optional(Type.Unknown()),
  initialDelaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  periodSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  successThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1 })),
  failureThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const DeploymentManifest = Obj(
  {
    apiVersion: Type.Literal('apps/v1'),
    kind: Type.Literal('Deployment'),
    metadata: Type.Optional(Type.Unknown({ description: 'Accepted and not used.' })),
    spec: Obj({
      replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
      selector: Type.Optional(
        Type.Unknown({ description: 'Accepted and not used: the pods are the service’s.' }),
      ),
      template: Obj({
        metadata: Type.Optional(Type.Unknown()),
        spec: Obj({
          nodeSelector: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String())),
          initContainers: Type.Optional(
            Type.Array(Obj({ name: Type.String(), ...ContainerInfo }), {
              description: 'Accepted; the time they take belongs in the service’s startupDelay.',
            }),
          ),
          containers: Type.Array(
            Obj({
              name: Type.String({ minLength: 1 }),
              ...ContainerInfo,
              resources: Type.Optional(Resources),
              readinessProbe: Type.Optional(Probe),
            }),
            { minItems: 1 },
          ),
          volumes: Type.Optional(Type.Array(Type.Unknown())),
          restartPolicy: Type.Optional(Type.Literal('Always')),
          terminationGracePeriodSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
          serviceAccountName: Type.Optional(Type.String()),
          imagePullSecrets: Type.Optional(Type.Array(Type.Unknown())),
        }),
      }),
    }),
    status: Type.Optional(Type.Unknown()),
  },
  {
    description:
      'An apps/v1 Deployment for this service: replicas, cpu requests/limits, nodeSelector, readinessProbe.',
  },
);
