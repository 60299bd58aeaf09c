/**
 * Adapter from the reference vectors (reference/hpa/vectors.json, SPEC.md §1: snake_case, times
 * relative to now, Go zero times as null) to this folder's functions. Each case runs through the
 * function the controller itself uses (controller_reconcile through `syncHpa`), and `checkCase`
 * returns one comparison per expected field; the conformance CLI and the tests share it.
 *
 * Malformed input throws a DataError naming the case and field; anything a case's function does
 * wrong is a failed comparison, never an exception.
 */
import { isDeepStrictEqual } from 'node:util';
import { DataError } from '../../errors.js';
import { Field, isObject, type FieldCheck } from '../vector-input.js';
import { GO_ZERO_TIME_S } from './arith.js';
import { DEFAULT_CONTROLLER_CONFIG, defaultBehavior, type HpaRulesInput } from './defaults.js';
import { getReplicasChangePerPeriod, storeScaleEvent } from './events.js';
import {
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimitWithScalingRules,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
} from './normalize.js';
import { calculateRequests, groupPods } from './pods.js';
import {
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
  getResourceReplicas,
  type ReplicaCalcContext,
} from './replicas.js';
import { syncHpa } from './reconcile.js';
import type {
  ControllerConfig,
  Fetched,
  HpaBehavior,
  HpaCondition,
  HpaPolicy,
  HpaRules,
  HpaSpec,
  HpaState,
  MetricSpec,
  MetricTarget,
  MetricsSource,
  PodSample,
  PodView,
  ResourceName,
  ScaleEvent,
  SelectPolicy,
  TimestampedRecommendation,
  Tolerances,
} from './types.js';

/** "now" of every case, in simulation seconds; the vectors' times are relative to it. */
export const VECTOR_NOW_S = 10_000;

/** The Kubernetes tests' controller: production flags except scaleUpLimitFactor 8 and shorter delays. */
export const VECTOR_HARNESS_CONFIG: ControllerConfig = {
  syncPeriodSeconds: 15,
  tolerance: 0.1,
  downscaleStabilizationSeconds: 300,
  cpuInitializationPeriodSeconds: 120,
  initialReadinessDelaySeconds: 10,
  scaleUpLimitFactor: 8,
  scaleUpLimitMinimum: 4,
  featureGates: { ...DEFAULT_CONTROLLER_CONFIG.featureGates },
};

export type { FieldCheck };

export interface VectorCase {
  /** Position in the file, for error messages. */
  index: number;
  name: string;
  kind: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Reading the file
// ---------------------------------------------------------------------------------------------

/** Parses a vectors file; throws a DataError for anything that is not one. */
export function parseVectorFile(text: string, file: string): VectorCase[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: not valid JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  if (!isObject(doc) || !Array.isArray(doc.cases)) {
    throw new DataError(`${file}: expected an object with a "cases" array`);
  }
  return doc.cases.map((c: unknown, index: number) => {
    const where = `${file}: cases[${index}]`;
    if (!isObject(c)) throw new DataError(`${where}: expected an object`);
    for (const k of ['name', 'kind'] as const) {
      if (typeof c[k] !== 'string') throw new DataError(`${where}.${k}: expected a string`);
    }
    for (const k of ['input', 'expected'] as const) {
      if (!isObject(c[k])) throw new DataError(`${where}.${k}: expected an object`);
    }
    return {
      index,
      name: c.name as string,
      kind: c.kind as string,
      input: c.input as Record<string, unknown>,
      expected: c.expected as Record<string, unknown>,
    };
  });
}

/** A time relative to now; null is Go's zero time. */
function time(f: Field): number {
  return f.isNull() ? GO_ZERO_TIME_S : VECTOR_NOW_S + f.num();
}

/**
 * A pod of a case. The vectors give each container one `request_milli`, the request for the
 * case's resource: a memory case's requests are memory requests.
 */
function pod(f: Field, resource: ResourceName): PodView {
  const ready = f.get('ready_condition');
  const container = (c: Field) => {
    const request = c.get('request_milli').opt((v) => v.num());
    return resource === 'cpu'
      ? { name: c.get('name').str(), requestMilli: request }
      : { name: c.get('name').str(), requestMilli: null, memoryRequestMilli: request };
  };
  const podLevel = f.get('pod_level_request_milli').opt((v) => v.num());
  return {
    name: f.get('name').str(),
    // calculate_requests pods carry only their spec.
    phase: f.has('phase')
      ? f.get('phase').oneOf(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const)
      : 'Running',
    // A missing key is a nil startTime; null is Go's zero time.
    startTimeS: f.has('start_time_s') ? time(f.get('start_time_s')) : null,
    ready: ready.isNull()
      ? null
      : {
          status: ready.get('status').oneOf(['True', 'False', 'Unknown'] as const),
          lastTransitionTimeS: time(ready.get('last_transition_time_s')),
        },
    deleted: f.has('deleted') ? f.get('deleted').bool() : false,
    containers: f.has('containers') ? f.get('containers').list().map(container) : [],
    initContainers: f.has('init_containers')
      ? f
          .get('init_containers')
          .list()
          .map((c) => ({ ...container(c), restartPolicyAlways: c.get('restart_policy_always').bool() }))
      : [],
    ...(resource === 'cpu' ? { podLevelRequestMilli: podLevel } : { podLevelMemoryRequestMilli: podLevel }),
  };
}

function pods(f: Field, resource: ResourceName = 'cpu'): PodView[] {
  return f.list().map((p) => pod(p, resource));
}

/** A pod's sample as the metrics client returns it; null when the client drops the pod. */
function podSample(
  f: Field,
  valueOf: (f: Field) => number | null = (s) => s.get('value_milli').opt((v) => v.num()),
) {
  const value = valueOf(f);
  if (value === null) return null;
  const sample: PodSample = {
    pod: f.get('pod').str(),
    valueMilli: value,
    timestampS: time(f.get('timestamp_s')),
    windowS: f.get('window_s').num(),
  };
  return sample;
}

function podSamples(f: Field, valueOf?: (f: Field) => number | null): PodSample[] {
  return f
    .list()
    .map((s) => podSample(s, valueOf))
    .filter((s): s is PodSample => s !== null);
}

function tolerances(f: Field): Tolerances {
  return { scaleUp: f.get('scale_up').num(), scaleDown: f.get('scale_down').num() };
}

function rules(f: Field): HpaRules {
  return {
    stabilizationWindowSeconds: f.get('stabilization_window_s').opt((v) => v.num()),
    selectPolicy: f.get('select_policy').oneOf(['Max', 'Min', 'Disabled'] as const),
    policies: f.get('policies').list().map(policy),
    tolerance: f.get('tolerance').opt((v) => v.num()),
  };
}

function policy(f: Field): HpaPolicy {
  return {
    type: f.get('type').oneOf(['Pods', 'Percent'] as const),
    value: f.get('value').num(),
    periodSeconds: f.get('period_s').num(),
  };
}

/** Rules as written in the manifest: any field may be missing. */
function writtenRules(f: Field): HpaRulesInput | null {
  if (f.isNull()) return null;
  const written: HpaRulesInput = {};
  if (f.has('stabilization_window_s'))
    written.stabilizationWindowSeconds = f.get('stabilization_window_s').opt((v) => v.num());
  if (f.has('select_policy'))
    written.selectPolicy = f.get('select_policy').oneOf<SelectPolicy>(['Max', 'Min', 'Disabled']);
  if (f.has('policies')) written.policies = f.get('policies').list().map(policy);
  if (f.has('tolerance')) written.tolerance = f.get('tolerance').opt((v) => v.num());
  return written;
}

function events(f: Field): ScaleEvent[] {
  return f.list().map((e) => ({
    replicaChange: e.get('replica_change').num(),
    timestampS: VECTOR_NOW_S - e.get('age_s').num(),
    outdated: e.has('outdated') ? e.get('outdated').bool() : false,
  }));
}

function recommendations(f: Field): TimestampedRecommendation[] {
  return f
    .list()
    .map((r) => ({ replicas: r.get('replicas').num(), timestampS: VECTOR_NOW_S - r.get('age_s').num() }));
}

function resourceName(f: Field): ResourceName {
  return f.oneOf(['cpu', 'memory'] as const);
}

/** groupPods' resource: readiness only matters for cpu; "" (a pods metric) or null is none. */
function groupResource(f: Field): ResourceName | null {
  const r = f.opt((v) => v.str());
  return r === 'cpu' || r === 'memory' ? r : null;
}

// ---------------------------------------------------------------------------------------------
// Metrics sources
// ---------------------------------------------------------------------------------------------

const UNAVAILABLE = { ok: false as const, error: 'the metric is not served in this case' };

function source(parts: Partial<MetricsSource>): MetricsSource {
  return {
    resource: () => UNAVAILABLE,
    pods: () => UNAVAILABLE,
    object: () => UNAVAILABLE,
    external: () => UNAVAILABLE,
    ...parts,
  };
}

function ok<T>(value: T): Fetched<T> {
  return { ok: true, value };
}

function calcContext(
  input: Field,
  podsField: Field | null,
  resource: ResourceName = 'cpu',
): ReplicaCalcContext {
  const harness = VECTOR_HARNESS_CONFIG;
  return {
    pods: podsField ? pods(podsField, resource) : [],
    nowS: VECTOR_NOW_S,
    tolerances: tolerances(input.get('tolerance')),
    cpuInitializationPeriodSeconds: input.has('cpu_initialization_period_s')
      ? input.get('cpu_initialization_period_s').num()
      : harness.cpuInitializationPeriodSeconds,
    initialReadinessDelaySeconds: input.has('initial_readiness_delay_s')
      ? input.get('initial_readiness_delay_s').num()
      : harness.initialReadinessDelaySeconds,
    podLevelResources: harness.featureGates.PodLevelResources,
  };
}

const DESCRIBED = { kind: 'Deployment', name: 'some-deployment' };

// ---------------------------------------------------------------------------------------------
// Kinds
// ---------------------------------------------------------------------------------------------

type Actual = Record<string, unknown>;
type Runner = (input: Field) => Actual;

function failure(error: string): Actual {
  return { error };
}

const RUNNERS: Record<string, Runner> = {
  resource_utilization(input) {
    const resource = resourceName(input.get('resource'));
    const ctx = calcContext(input, input.get('pods'), resource);
    const samples = podSamples(input.get('pod_metrics'));
    const r = getResourceReplicas(
      ctx,
      source({ resource: () => ok(samples) }),
      input.get('current_replicas').num(),
      input.get('target_utilization_percent').num(),
      resource,
      input.get('container').opt((v) => v.str()),
    );
    if (!r.ok) return failure(r.error);
    return {
      replicas: r.value.replicas,
      utilization_percent: r.value.utilization,
      raw_average_value_milli: r.value.rawAverageValueMilli,
    };
  },

  pods_average_value(input) {
    const ctx = calcContext(input, input.get('pods'));
    const samples = podSamples(input.get('pod_metrics'));
    const r = getMetricReplicas(
      ctx,
      source({ pods: () => ok(samples) }),
      input.get('current_replicas').num(),
      input.get('target_average_value_milli').num(),
      'test-metric',
    );
    if (!r.ok) return failure(r.error);
    return { replicas: r.value.replicas, usage_average_milli: r.value.usageMilli };
  },

  object_value(input) {
    const ctx = calcContext(input, input.get('pods'));
    const value = input.get('object_metric_value_milli').num();
    const r = getObjectMetricReplicas(
      ctx,
      source({ object: () => ok(value) }),
      input.get('current_replicas').num(),
      input.get('target_value_milli').num(),
      'test-metric',
      DESCRIBED,
    );
    if (!r.ok) return failure(r.error);
    return { replicas: r.value.replicas, usage_milli: r.value.usageMilli };
  },

  external_value(input) {
    const ctx = calcContext(input, input.get('pods'));
    const values = input
      .get('external_metric_values_milli')
      .list()
      .map((v) => v.num());
    const r = getExternalMetricReplicas(
      ctx,
      source({ external: () => ok(values) }),
      input.get('current_replicas').num(),
      input.get('target_value_milli').num(),
      'test-metric',
    );
    if (!r.ok) return failure(r.error);
    return { replicas: r.value.replicas, usage_milli: r.value.usageMilli };
  },

  object_average_value(input) {
    const value = input.get('object_metric_value_milli').num();
    const r = getObjectPerPodMetricReplicas(
      tolerances(input.get('tolerance')),
      source({ object: () => ok(value) }),
      input.get('status_replicas').num(),
      input.get('target_average_value_milli').num(),
      'test-metric',
      DESCRIBED,
    );
    if (!r.ok) return failure(r.error);
    return { replicas: r.value.replicas, usage_average_milli: r.value.usageMilli };
  },

  external_average_value(input) {
    const values = input
      .get('external_metric_values_milli')
      .list()
      .map((v) => v.num());
    const r = getExternalPerPodMetricReplicas(
      tolerances(input.get('tolerance')),
      source({ external: () => ok(values) }),
      input.get('status_replicas').num(),
      input.get('target_average_value_milli').num(),
      'test-metric',
    );
    if (!r.ok) return failure(r.error);
    return { replicas: r.value.replicas, usage_average_milli: r.value.usageMilli };
  },

  group_pods(input) {
    const samples = podSamples(input.get('pod_metrics'));
    const g = groupPods(
      pods(input.get('pods')),
      new Map(samples.map((s) => [s.pod, s])),
      groupResource(input.get('resource')),
      input.get('cpu_initialization_period_s').num(),
      input.get('initial_readiness_delay_s').num(),
      VECTOR_NOW_S,
    );
    return {
      ready_pod_count: g.readyPodCount,
      unready_pods: g.unreadyPods,
      missing_pods: g.missingPods,
      ignored_pods: g.ignoredPods,
    };
  },

  calculate_requests(input) {
    const resource = resourceName(input.get('resource'));
    const r = calculateRequests(
      pods(input.get('pods'), resource),
      input.get('container').opt((v) => v.str()),
      resource,
      input.get('pod_level_resources_feature_enabled').bool(),
    );
    if (!r.ok) return { requests_milli: null, error: r.error };
    return { requests_milli: Object.fromEntries([...r.value].map(([k, v]) => [k, Number(v)])), error: null };
  },

  legacy_rate_limit(input) {
    const r = convertDesiredReplicasWithRules(
      input.get('current_replicas').num(),
      input.get('desired_replicas').num(),
      input.get('min_replicas').num(),
      input.get('max_replicas').num(),
      {
        scaleUpLimitFactor: input.get('scale_up_limit_factor').num(),
        scaleUpLimitMinimum: input.get('scale_up_limit_minimum').num(),
      },
    );
    return { replicas: r.replicas, reason: r.reason };
  },

  behavior_rate_limit(input) {
    const r = convertDesiredReplicasWithBehaviorRate({
      currentReplicas: input.get('current_replicas').num(),
      desiredReplicas: input.get('desired_replicas').num(),
      minReplicas: input.get('min_replicas').num(),
      maxReplicas: input.get('max_replicas').num(),
      scaleUp: rules(input.get('scale_up_rules')),
      scaleDown: rules(input.get('scale_down_rules')),
      scaleUpEvents: events(input.get('scale_up_events')),
      scaleDownEvents: events(input.get('scale_down_events')),
      nowS: VECTOR_NOW_S,
    });
    return { replicas: r.replicas, reason: r.reason };
  },

  scale_up_limit(input) {
    return {
      limit: calculateScaleUpLimitWithScalingRules(
        input.get('current_replicas').num(),
        events(input.get('scale_up_events')),
        events(input.get('scale_down_events')),
        rules(input.get('rules')),
        VECTOR_NOW_S,
      ),
    };
  },

  scale_down_limit(input) {
    return {
      limit: calculateScaleDownLimitWithBehaviors(
        input.get('current_replicas').num(),
        events(input.get('scale_up_events')),
        events(input.get('scale_down_events')),
        rules(input.get('rules')),
        VECTOR_NOW_S,
      ),
    };
  },

  legacy_stabilize(input) {
    const r = stabilizeRecommendation(
      recommendations(input.get('recommendations')),
      input.get('desired_replicas').num(),
      input.get('downscale_stabilization_window_s').num(),
      VECTOR_NOW_S,
    );
    return { stabilized_replicas: r.stabilized, recommendations_length_after: r.recommendations.length };
  },

  behavior_stabilize(input) {
    const r = stabilizeRecommendationWithBehaviors(
      recommendations(input.get('recommendations')),
      {
        currentReplicas: input.get('current_replicas').num(),
        desiredReplicas: input.get('desired_replicas').num(),
        scaleUpWindowSeconds: input.get('scale_up_stabilization_window_s').num(),
        scaleDownWindowSeconds: input.get('scale_down_stabilization_window_s').num(),
      },
      VECTOR_NOW_S,
    );
    return {
      stabilized_replicas: r.stabilized,
      stored_recommendations_after: r.recommendations.map((x) => x.replicas),
    };
  },

  store_scale_event(input) {
    // The Kubernetes test stores the same history once per direction (SPEC.md §1).
    const written = input.get('rules').opt(rules);
    const previous = events(input.get('previous_events'));
    const prev = input.get('prev_replicas').num();
    const change = input.get('replica_change_abs').num();
    const defaults = defaultBehavior({});
    const upBehavior: HpaBehavior | null = written && { scaleUp: written, scaleDown: defaults.scaleDown };
    const downBehavior: HpaBehavior | null = written && { scaleUp: defaults.scaleUp, scaleDown: written };
    const up = storeScaleEvent(
      upBehavior,
      { scaleUpEvents: previous, scaleDownEvents: [] },
      prev,
      prev + change,
      VECTOR_NOW_S,
    );
    const down = storeScaleEvent(
      downBehavior,
      { scaleUpEvents: [], scaleDownEvents: previous },
      prev,
      prev - change,
      VECTOR_NOW_S,
    );
    const shape = (es: ScaleEvent[]) =>
      es.map((e) => ({ replica_change: e.replicaChange, outdated: e.outdated }));
    return {
      replicas_change_in_last_60s_before_store: getReplicasChangePerPeriod(60, previous, VECTOR_NOW_S),
      events_after: shape(up.scaleUpEvents),
      'events_after (scale-down)': shape(down.scaleDownEvents),
    };
  },

  controller_reconcile(input) {
    const r = runReconcile(input);
    const cpu = r.metrics.find((m) => m.spec.type === 'Resource' && m.spec.resource.name === 'cpu');
    return {
      desired_replicas: r.desiredReplicas,
      conditions: r.conditions.map((c) => ({ type: c.type, status: c.status, reason: c.reason })),
      cpu_utilization_percent: cpu?.currentUtilization ?? null,
    };
  },
};

export const VECTOR_KINDS: readonly string[] = Object.keys(RUNNERS);

// ---------------------------------------------------------------------------------------------
// controller_reconcile: one syncHpa
// ---------------------------------------------------------------------------------------------

function target(f: Field): MetricTarget {
  const type = f.has('type') ? f.get('type').str() : undefined;
  switch (type) {
    case 'Utilization':
      return { type, averageUtilization: f.get('average_utilization').num() };
    case 'AverageValue':
      return { type, averageValueMilli: f.get('average_value_milli').num() };
    case 'Value':
      return { type, valueMilli: f.get('value_milli').num() };
    default:
      // No target set, or one the API would reject: passed on as is, so what a case sees is the
      // controller's own guard (an "invalid ... metric source" failure).
      return { ...(f.value as object) } as MetricTarget;
  }
}

function metricSpec(f: Field): MetricSpec {
  const type = f.get('type').str();
  switch (type) {
    case 'Resource':
      return { type, resource: { name: resourceName(f.get('resource')), target: target(f.get('target')) } };
    case 'ContainerResource':
      return {
        type,
        containerResource: {
          name: resourceName(f.get('resource')),
          container: f.get('container').str(),
          target: target(f.get('target')),
        },
      };
    case 'Pods':
      return { type, pods: { metricName: f.get('metric').str(), target: target(f.get('target')) } };
    case 'Object': {
      const o = f.get('described_object');
      return {
        type,
        object: {
          metricName: f.get('metric').str(),
          describedObject: {
            kind: o.get('kind').str(),
            name: o.get('name').str(),
            apiVersion: o.get('apiVersion').opt((v) => v.str()) ?? undefined,
          },
          target: target(f.get('target')),
        },
      };
    }
    case 'External':
      return { type, external: { metricName: f.get('metric').str(), target: target(f.get('target')) } };
    default:
      // An unknown source type (e.g. the Kubernetes tests' "CheddarCheese") reaches the
      // controller as is, which must reject it by itself (InvalidMetricSourceType).
      return { type } as unknown as MetricSpec;
  }
}

/**
 * The Kubernetes test harness's metrics: pod cpu samples as given (whole-pod values, or one
 * container's usage for a ContainerResource metric); `reported_levels` for every other type
 * (pods metric: one per pod test-pod-<i>; object: the first level; external: all levels).
 */
function reconcileSource(input: Field): MetricsSource {
  const cpu = input.has('pod_cpu_metrics')
    ? input.get('pod_cpu_metrics')
    : new Field([], `${input.path}.pod_cpu_metrics`);
  const levels = input
    .get('reported_levels')
    .list()
    .map((v) => v.num());
  return {
    resource(_name, container) {
      const byContainer = (s: Field) => {
        for (const c of s.get('containers').list())
          if (c.get('name').str() === container) return c.get('usage_milli').num();
        return null;
      };
      return ok(podSamples(cpu, container === null ? undefined : byContainer));
    },
    pods: () =>
      ok(
        levels.map((v, i) => ({
          pod: `test-pod-${i}`,
          valueMilli: v,
          timestampS: VECTOR_NOW_S,
          windowS: 60,
        })),
      ),
    object: () => (levels.length > 0 ? ok(levels[0]) : { ok: false, error: 'no metric value reported' }),
    external: () => ok(levels),
  };
}

function reconcileBehavior(f: Field): HpaBehavior | null {
  if (f.isNull()) return null;
  return { scaleUp: rules(f.get('scale_up_effective')), scaleDown: rules(f.get('scale_down_effective')) };
}

/** The as-written and effective rules of a case's behavior, for checking `defaultBehavior`. */
export function behaviorDefaulting(c: VectorCase): { written: HpaBehavior; effective: HpaBehavior } | null {
  const input = new Field(c.input, `cases[${c.index}].input`);
  if (c.kind === 'controller_reconcile') {
    const b = input.get('behavior');
    if (b.isNull()) return null;
    return {
      written: defaultBehavior({
        scaleUp: writtenRules(b.get('scale_up_as_written')),
        scaleDown: writtenRules(b.get('scale_down_as_written')),
      }),
      effective: reconcileBehavior(b)!,
    };
  }
  if (c.kind === 'behavior_rate_limit') {
    return {
      written: defaultBehavior({
        scaleUp: writtenRules(input.get('scale_up_rules_as_written')),
        scaleDown: writtenRules(input.get('scale_down_rules_as_written')),
      }),
      effective: {
        scaleUp: rules(input.get('scale_up_rules')),
        scaleDown: rules(input.get('scale_down_rules')),
      },
    };
  }
  return null;
}

function runReconcile(input: Field) {
  const gates = input.get('feature_gates');
  const config: ControllerConfig = {
    ...VECTOR_HARNESS_CONFIG,
    featureGates: {
      HPAConfigurableTolerance: gates.has('HPAConfigurableTolerance')
        ? gates.get('HPAConfigurableTolerance').bool()
        : VECTOR_HARNESS_CONFIG.featureGates.HPAConfigurableTolerance,
      HPAScaleToZero: gates.has('HPAScaleToZero')
        ? gates.get('HPAScaleToZero').bool()
        : VECTOR_HARNESS_CONFIG.featureGates.HPAScaleToZero,
      PodLevelResources: gates.has('PodLevelResources')
        ? gates.get('PodLevelResources').bool()
        : VECTOR_HARNESS_CONFIG.featureGates.PodLevelResources,
    },
  };
  const spec: HpaSpec = {
    minReplicas: input.get('min_replicas').num(),
    maxReplicas: input.get('max_replicas').num(),
    metrics: input.get('metrics').list().map(metricSpec),
    behavior: reconcileBehavior(input.get('behavior')),
  };
  const state: HpaState = {
    recommendations: input.get('initial_recommendations').opt(recommendations),
    scaleUpEvents: [],
    scaleDownEvents: [],
    conditions: input
      .get('initial_conditions')
      .list()
      .map((c): HpaCondition => ({
        type: c
          .get('type')
          .oneOf(['AbleToScale', 'ScalingActive', 'ScalingLimited', 'ScaledToZero'] as const),
        status: c.get('status').oneOf(['True', 'False', 'Unknown'] as const),
        reason: c.get('reason').str(),
        message: c.has('message') ? c.get('message').str() : '',
      })),
    lastScaleTimeS: null,
  };
  return syncHpa(
    spec,
    input.get('spec_replicas').num(),
    input.get('status_replicas').num(),
    pods(input.get('pods')),
    reconcileSource(input),
    state,
    config,
    VECTOR_NOW_S,
  );
}

// ---------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------

/** Lists the vectors treat as sets. */
const UNORDERED = new Set(['unready_pods', 'missing_pods', 'ignored_pods']);

function canonical(field: string, v: unknown): unknown {
  return UNORDERED.has(field) && Array.isArray(v) ? [...v].map(String).sort() : v;
}

/**
 * Runs one case and compares every expected field. An `error_contains` field passes when the
 * error contains the text; a field the code did not produce compares as undefined.
 */
export function checkCase(c: VectorCase): FieldCheck[] {
  const run = RUNNERS[c.kind];
  if (!run) {
    return [{ field: 'kind', expected: `one of ${VECTOR_KINDS.join(', ')}`, actual: c.kind, ok: false }];
  }
  const actual = run(new Field(c.input, `cases[${c.index}].input`));
  const checks: FieldCheck[] = [];
  for (const [field, expected] of Object.entries(c.expected)) {
    if (field === 'error_contains') {
      const error = typeof actual.error === 'string' ? actual.error : null;
      const text = String(expected);
      checks.push({
        field,
        expected: text,
        actual: error ?? `no error (${JSON.stringify(actual)})`,
        ok: error !== null && error.includes(text),
      });
      continue;
    }
    if (field === 'error' && typeof expected === 'string') {
      const error = typeof actual.error === 'string' ? actual.error : null;
      checks.push({ field, expected, actual: error, ok: error !== null && error.includes(expected) });
      continue;
    }
    const produced =
      field in actual
        ? actual[field]
        : typeof actual.error === 'string'
          ? `error: ${actual.error}`
          : undefined;
    const a = canonical(field, produced);
    const e = canonical(field, expected);
    checks.push({ field, expected: e, actual: a, ok: isDeepStrictEqual(a, e) });
  }
  // Fields that check more than one path of the same expectation.
  for (const [field, value] of Object.entries(actual)) {
    const base = /^(.*) \(.*\)$/.exec(field)?.[1];
    if (base !== undefined && base in c.expected) {
      const e = canonical(base, c.expected[base]);
      checks.push({ field, expected: e, actual: value, ok: isDeepStrictEqual(value, e) });
    }
  }
  return checks;
}
