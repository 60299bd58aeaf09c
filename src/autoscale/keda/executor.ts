/**
 * Loop A's decision (KEDA.md section 3): `RequestScale` of
 * pkg/scaling/executor/scale_scaledobjects.go (kedacore/keda @8b4f083c). It owns 0 <-> 1 (or min)
 * and N -> 0 (or idle); the HPA owns 1 <-> N.
 */
import type { KedaAnnotations, KedaExecutorReason } from './types.js';

export interface ExecutorSpec {
  minReplicaCount: number;
  idleReplicaCount: number | null;
  cooldownPeriodSeconds: number;
  initialCooldownPeriodSeconds: number;
  annotations: KedaAnnotations;
  /** fallback.replicas, or null without a fallback. */
  fallbackReplicas: number | null;
}

export interface ExecutorInput {
  /** The target's spec.replicas. */
  currentReplicas: number;
  isActive: boolean;
  isError: boolean;
  lastActiveTimeS: number | null;
  createdAtS: number;
  nowS: number;
}

export interface ExecutorResult {
  replicas: number;
  scaled: boolean;
  lastActiveTimeS: number | null;
  reason: KedaExecutorReason;
  message: string;
}

export function requestScale(spec: ExecutorSpec, input: ExecutorInput): ExecutorResult {
  const { currentReplicas: cur, isActive, isError, nowS } = input;
  const min = spec.minReplicaCount;
  const idle = spec.idleReplicaCount;
  const a = spec.annotations;
  const keep = (reason: KedaExecutorReason, message: string, lastActiveTimeS = input.lastActiveTimeS) => ({
    replicas: cur,
    scaled: false,
    lastActiveTimeS,
    reason,
    message,
  });
  const set = (
    replicas: number,
    reason: KedaExecutorReason,
    message: string,
    lastActiveTimeS: number | null,
  ) => ({
    replicas,
    scaled: true,
    lastActiveTimeS,
    reason,
    message,
  });

  if (a.paused) return keep('Paused', 'ScaledObject is paused (autoscaling.keda.sh/paused)');
  if (isActive || a.forceActivation) {
    if ((idle !== null && cur < min) || cur === 0) {
      if (a.pausedScaleOut)
        return keep('ScaleOutPaused', `active at ${cur} replicas; scale-out is paused (paused-scale-out)`);
      const to = min > 0 ? min : 1;
      return set(
        to,
        min > 0 ? 'ActivatedToMin' : 'ActivatedFromZero',
        `${cur} -> ${to} replicas: a trigger is active${isActive ? '' : ' (force-activation)'}`,
        nowS,
      );
    }
    // lastActiveTime is not refreshed while a trigger errors, so a partial error lets cooldown run.
    if (isError) return keep('PartialTriggerError', 'active, but some trigger failed (PartialTriggerError)');
    return keep('Active', 'a trigger is active; the HPA owns the replica count', nowS);
  }
  if (isError && spec.fallbackReplicas !== null && spec.fallbackReplicas !== 0)
    return keep('FallbackHolds', 'triggers failed; the fallback holds the replica count');
  if (isError && spec.fallbackReplicas === null)
    return keep('TriggerError', 'triggers failed and there is no fallback: nothing is scaled (Ready=False)');
  if ((idle !== null && cur > idle) || (cur > 0 && min === 0)) {
    if (a.pausedScaleIn)
      return keep('ScaleInPaused', `inactive at ${cur} replicas; scale-in is paused (paused-scale-in)`);
    const last = input.lastActiveTimeS;
    // Strict comparisons, as the executor's time.Before/After.
    const cooled =
      last === null
        ? input.createdAtS + spec.initialCooldownPeriodSeconds < nowS
        : last + spec.cooldownPeriodSeconds < nowS;
    if (!cooled) {
      return keep(
        'CoolingDown',
        last === null
          ? `inactive; initialCooldownPeriod (${spec.initialCooldownPeriodSeconds}s) not over`
          : `inactive; cooldownPeriod ${spec.cooldownPeriodSeconds}s since the last active poll at ${fmt(last)}s not over`,
      );
    }
    const to = idle ?? min;
    return set(
      to,
      idle !== null ? 'ScaledToIdle' : 'ScaledToZero',
      `${cur} -> ${to} replicas: every trigger inactive ${
        last === null ? 'since creation' : `for more than cooldownPeriod ${spec.cooldownPeriodSeconds}s`
      }`,
      input.lastActiveTimeS,
    );
  }
  if (idle === null && cur < min)
    return set(min, 'ScaledToMin', `${cur} -> ${min} replicas: below minReplicaCount`, input.lastActiveTimeS);
  return keep('Inactive', 'every trigger inactive');
}

function fmt(s: number): string {
  return String(Math.round(s * 1000) / 1000);
}
