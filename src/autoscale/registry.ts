/**
 * The autoscalers, by name: one registry (STYLE.md 4). The scenario's service keys that select a
 * policy, the "give only one of ..." errors, the conformance kinds and the model's drivers all
 * come from its keys; a policy added here without a driver in src/model/autoscaling.ts does not
 * compile.
 *
 * Each entry makes a pure policy (policy.ts) from its resolved configuration.
 */
import { hpaPolicy } from './hpa/policy.js';
import { kedaPolicy } from './keda/policy.js';
import { kpaPolicy } from './kpa/policy.js';
import { oraclePolicy } from './oracle/policy.js';
import { predictivePolicy } from './predictive/policy.js';

export interface AutoscalerEntry {
  /** One line for help texts and the README. */
  readonly description: string;
  /** The service keys of a scenario that select this policy (any one of them). */
  readonly scenarioKeys: readonly string[];
}

export const AUTOSCALERS = {
  hpa: {
    description: 'the Kubernetes HorizontalPodAutoscaler (autoscaling/v1, v2beta2, v2), exact',
    scenarioKeys: ['hpa', 'autoscale'],
    create: hpaPolicy,
  },
  keda: {
    description:
      'KEDA: a ScaledObject whose triggers (a Redis list length, a Prometheus query) feed the HPA; scales to and from zero',
    scenarioKeys: ['keda'],
    create: kedaPolicy,
  },
  kpa: {
    description:
      'the Knative Pod Autoscaler: stable and panic windows over in-flight frames (or FPS), rate limits, scale to zero',
    scenarioKeys: ['kpa'],
    create: kpaPolicy,
  },
  predictive: {
    description:
      "the service's HPA on Holt-Winters forecasts of its metrics, one pod start delay ahead (with hpa or autoscale)",
    scenarioKeys: ['predictive'],
    create: predictivePolicy,
  },
  oracle: {
    description:
      'an offline lower bound: knows the future load and start delays, sets the fewest replicas meeting the slo',
    scenarioKeys: ['oracle'],
    create: oraclePolicy,
  },
} as const satisfies Record<string, AutoscalerEntry & { create: unknown }>;

export type AutoscalerName = keyof typeof AUTOSCALERS;

/** The registry's names, sorted (for messages and CLI choices). */
export const AUTOSCALER_NAMES = Object.keys(AUTOSCALERS).sort() as AutoscalerName[];

export function isAutoscalerName(name: string): name is AutoscalerName {
  return Object.hasOwn(AUTOSCALERS, name);
}
