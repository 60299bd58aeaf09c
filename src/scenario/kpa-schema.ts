/**
 * The Knative Pod Autoscaler's settings as a service's `kpa:` key: config-autoscaler's keys and
 * the revision's autoscaling.knative.dev annotations in one place, with Knative's defaults
 * (reference/autoscalers/KPA.md, Defaults) and its validation ranges.
 */
import { Type } from '@sinclair/typebox';
import { Duration, Obj } from './schema-base.js';

export const KpaSettings = Obj(
  {
    metric: Type.Optional(
      Type.Union([Type.Literal('concurrency'), Type.Literal('rps')], {
        description:
          'concurrency: frames in flight (queued + in service; default), or rps: frames offered per second.',
      }),
    ),
    target: Type.Optional(
      Type.Number({
        minimum: 0.01,
        maximum: 1_000_000,
        description:
          'Per-pod target (autoscaling.knative.dev/target): default 100 (concurrency) or 200 (rps).',
      }),
    ),
    targetUtilizationPercentage: Type.Optional(
      Type.Number({ minimum: 1, maximum: 100, description: 'Share of the target to aim at (default 70).' }),
    ),
    containerConcurrency: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000,
        description: 'The revision’s hard concurrency limit; caps the concurrency target (default 0: none).',
      }),
    ),
    targetBurstCapacity: Type.Optional(
      Type.Number({
        minimum: -1,
        maximum: 1_000_000,
        description: 'target-burst-capacity (default 211): only decides when the activator is in the path.',
      }),
    ),
    stableWindow: Type.Optional(Duration),
    panicWindowPercentage: Type.Optional(
      Type.Number({ minimum: 1, maximum: 100, description: 'Default 10.' }),
    ),
    panicThresholdPercentage: Type.Optional(
      Type.Number({ minimum: 110, maximum: 1000, description: 'Default 200.' }),
    ),
    maxScaleUpRate: Type.Optional(
      Type.Number({ exclusiveMinimum: 1, maximum: 1e6, description: 'Default 1000.' }),
    ),
    maxScaleDownRate: Type.Optional(
      Type.Number({ exclusiveMinimum: 1, maximum: 1e6, description: 'Default 2.' }),
    ),
    scaleToZero: Type.Optional(Type.Boolean({ description: 'enable-scale-to-zero (default true).' })),
    scaleToZeroGracePeriod: Type.Optional(Duration),
    scaleToZeroPodRetentionPeriod: Type.Optional(Duration),
    scaleDownDelay: Type.Optional(Duration),
    minScale: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'Default 0.' })),
    maxScale: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10_000, description: 'Default 0: no limit.' }),
    ),
    activationScale: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 10_000,
        description: 'Pods to start when scaling from zero (unset: 1).',
      }),
    ),
    progressDeadline: Type.Optional(Duration),
    aggregation: Type.Optional(
      Type.Union([Type.Literal('linear'), Type.Literal('weighted-exponential')], {
        description: 'metric-aggregation-algorithm of the windows (default linear).',
      }),
    ),
  },
  {
    description:
      'The Knative Pod Autoscaler (KPA) for this service, as reference/autoscalers/KPA.md specifies; `replicas` is its initial scale.',
  },
);
