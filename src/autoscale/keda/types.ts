/**
 * Types of KEDA's ScaledObject as the operator and the HPA it creates read it (after defaults,
 * reference/autoscalers/KEDA.md), what KEDA observes of its triggers, and the state it keeps.
 * Times are absolute seconds of simulation time.
 */
import type { HpaSpec, HpaState, SyncResult } from '../hpa/index.js';
import type { HpaObservation } from '../hpa/policy.js';
import type { Decision } from '../policy.js';

/** `metricType` of a trigger: the target type of the External metric the HPA gets. */
export type KedaMetricType = 'AverageValue' | 'Value';

/** A Redis list scaler (`type: redis`): LLEN of one list, the seed's `queue_<type>`. */
export interface RedisListTrigger {
  type: 'redis';
  /** The External metric's name in the HPA: `s<index>-redis-<listName>`. */
  metricName: string;
  listName: string;
  /** The target, an integer (`listLength`, default 5). */
  listLength: number;
  /** Active when LLEN > this (default 0). */
  activationListLength: number;
  metricType: KedaMetricType;
  useCachedMetrics: boolean;
}

/** A Prometheus scaler (`type: prometheus`): one instant query's single sample. */
export interface PrometheusTrigger {
  type: 'prometheus';
  /** `s<index>-prometheus`. */
  metricName: string;
  query: string;
  threshold: number;
  /** Active when the value > this (default 0). */
  activationThreshold: number;
  /** An empty result (or NaN, Inf) reads 0 when true (the default), else an error. */
  ignoreNullValues: boolean;
  metricType: KedaMetricType;
  useCachedMetrics: boolean;
}

export type KedaTrigger = RedisListTrigger | PrometheusTrigger;

export type FallbackBehavior =
  'static' | 'currentReplicas' | 'currentReplicasIfHigher' | 'currentReplicasIfLower';

export interface KedaFallback {
  failureThreshold: number;
  replicas: number;
  behavior: FallbackBehavior;
}

/** The `autoscaling.keda.sh/*` annotations KEDA reads on a ScaledObject. */
export interface KedaAnnotations {
  paused: boolean;
  pausedScaleIn: boolean;
  pausedScaleOut: boolean;
  forceActivation: boolean;
}

export interface KedaSpec {
  /** metadata.name: the HPA is `keda-hpa-<name>`. */
  name: string;
  pollingIntervalSeconds: number;
  cooldownPeriodSeconds: number;
  initialCooldownPeriodSeconds: number;
  /** The executor's min (0 when not given). */
  minReplicaCount: number;
  maxReplicaCount: number;
  /** null = unset. */
  idleReplicaCount: number | null;
  annotations: KedaAnnotations;
  fallback: KedaFallback | null;
  triggers: KedaTrigger[];
  /** The autoscaling/v2 HPA KEDA creates from this ScaledObject (section 1). */
  hpa: HpaSpec;
}

/** One trigger's reading as the scaler got it: a number, an empty result (null), or an error. */
export type RawReading = { ok: true; value: number | null } | { ok: false; error: string };

/** What one scaler call returns after the scaler's own rules (section 2). */
export interface ScalerResult {
  value: number;
  active: boolean;
  error: string | null;
}

/** status.health per metric (pkg/fallback). */
export interface TriggerHealth {
  numberOfFailures: number;
  status: 'Happy' | 'Failing';
}

export interface KedaState {
  /** status.lastActiveTime; null = nil. */
  lastActiveTimeS: number | null;
  /** Whether the last poll found the ScaledObject active (null before the first). */
  active: boolean | null;
  /** The last poll's outcome (null before the first). */
  reason: KedaExecutorReason | null;
  /** The last poll's readings, for triggers with useCachedMetrics. */
  cached: RawReading[];
  health: TriggerHealth[];
  hpa: HpaState;
}

export type KedaObservation =
  | {
      /** Loop A: the operator's poll. */
      loop: 'poll';
      /** The target's spec.replicas. */
      currentReplicas: number;
      readyPods: number;
      /** Every trigger's live reading, in trigger order. */
      readings: RawReading[];
    }
  | {
      /** Loop B: a sync of the HPA KEDA created, reading KEDA's metrics server. */
      loop: 'hpa';
      hpa: Omit<HpaObservation, 'metrics'>;
      readyPods: number;
      readings: RawReading[];
    };

/** Why Loop A did what it did. */
export type KedaExecutorReason =
  | 'Paused'
  | 'ScaleOutPaused'
  | 'ScaleInPaused'
  | 'ActivatedFromZero'
  | 'ActivatedToMin'
  | 'Active'
  | 'PartialTriggerError'
  | 'FallbackHolds'
  | 'TriggerError'
  | 'CoolingDown'
  | 'ScaledToZero'
  | 'ScaledToIdle'
  | 'ScaledToMin'
  | 'Inactive';

export interface KedaTriggerStatus {
  metricName: string;
  value: number;
  active: boolean;
  error: string | null;
  fallback: boolean;
}

export type KedaDecision =
  | (Decision<KedaState, KedaExecutorReason> & {
      loop: 'poll';
      isActive: boolean;
      isError: boolean;
      triggers: KedaTriggerStatus[];
    })
  | (Decision<KedaState, SyncResult['reason']> & { loop: 'hpa'; sync: SyncResult });
