/**
 * From the decider's desired count to the Deployment's replicas (reference/autoscalers/KPA.md
 * section 3): knative/serving pkg/reconciler/autoscaling/kpa (scaler.go `scale` and
 * `handleScaleToZero`, kpa.go's SKS mode and `computeActiveCondition`).
 *
 *   want -> [min, max] (min only when reachable; initial-scale before initialization)
 *        -> want 0: the scale-to-zero gate (Activating / Active / Inactive)
 *        -> apply if it differs from spec.replicas
 *   -> SKS mode: proxy when want is 0 or the excess burst capacity is negative
 *   -> PA status: Inactive (want 0), Activating (fewer ready than needed), Active
 */
import type { KpaReason, KpaSpec, PaState } from './types.js';

/** activationTimeoutBuffer of scaler.go. */
const ACTIVATION_TIMEOUT_BUFFER_S = 30;
/** The re-enqueue after marking an Active PA inactive while its SKS already proxies. */
const DEACTIVATE_REQUEUE_S = 3;

export interface ReconcileInput {
  /** The decider's DesiredScale (-1: none yet). */
  want: number;
  excessBurstCapacity: number;
  readyPods: number;
  /** The Deployment's spec.replicas. */
  currentReplicas: number;
}

export interface ReconcileResult {
  replicas: number;
  scaled: boolean;
  reason: KpaReason;
  message: string;
  pa: PaState;
  /** enqueueCB: reconcile again at this time. */
  requeueAtS: number | null;
}

export function reconcilePa(
  spec: KpaSpec,
  pa: PaState,
  input: ReconcileInput,
  nowS: number,
): ReconcileResult {
  const cur = input.currentReplicas;
  let requeueAtS: number | null = null;
  let reason: KpaReason = 'Unchanged';
  let message = '';

  // 1. scaler.scale: bounds, then the scale-to-zero gate.
  let want = input.want;
  let apply = true;
  if (want < 0 && pa.status !== 'Activating') {
    apply = false;
    reason = 'NoMetrics';
    message = 'no metrics collected yet';
  } else {
    let min = spec.minScale;
    if (spec.initialScale > 1 && !pa.initialized) min = Math.max(min, spec.initialScale);
    const max = spec.maxScale;
    if (want < min) want = min;
    else if (max > 0 && want > max) want = max;
    reason = 'Stable';
    if (want === 0) ({ want, apply, reason, message, requeueAtS } = scaleToZeroGate(spec, pa, nowS));
  }
  const scaled = apply && want >= 0 && want !== cur;
  const replicas = scaled ? want : cur;

  // 2. The SKS: the activator stays in the path while scaled to zero or short of burst capacity.
  const proxy = want === 0 || input.excessBurstCapacity < 0 || (want === -1 && pa.status === 'Inactive');
  const sksMode = proxy ? 'proxy' : 'serve';
  let next: PaState = sksMode === pa.sksMode ? { ...pa } : { ...pa, sksMode, sksSinceS: nowS };

  // 3. computeActiveCondition, on the count the scaler settled on (activeThreshold: the initial
  //    scale until the target first reached it, then max(min, 1)).
  const minReady = pa.initialized ? Math.max(spec.minScale, 1) : Math.max(spec.minScale, spec.initialScale);
  const mark = (status: PaState['status']) => {
    if (next.status !== status) next = { ...next, status, statusSinceS: nowS };
  };
  if (input.readyPods >= minReady) next = { ...next, initialized: true };
  if (want === 0 || minReady === 0) mark('Inactive');
  else if (input.readyPods < minReady)
    mark(want > 0 || next.status !== 'Inactive' ? 'Activating' : 'Inactive');
  else if (want > 0 || next.status !== 'Inactive') mark('Active');
  if (scaled) message = `${cur} -> ${replicas} replicas${message === '' ? '' : `: ${message}`}`;
  return { replicas, scaled, reason, message, pa: next, requeueAtS };
}

function scaleToZeroGate(
  spec: KpaSpec,
  pa: PaState,
  nowS: number,
): { want: number; apply: boolean; reason: KpaReason; message: string; requeueAtS: number | null } {
  if (!spec.enableScaleToZero)
    return {
      want: 1,
      apply: true,
      reason: 'ScaleToZeroDisabled',
      message: 'enable-scale-to-zero is false',
      requeueAtS: null,
    };
  const since = nowS - pa.statusSinceS;
  switch (pa.status) {
    case 'Activating': {
      const timeout = spec.progressDeadlineSeconds + ACTIVATION_TIMEOUT_BUFFER_S;
      if (since >= timeout)
        return {
          want: 0,
          apply: true,
          reason: 'ActivationTimedOut',
          message: `activation timed out after ${timeout}s`,
          requeueAtS: null,
        };
      return {
        want: -1,
        apply: false,
        reason: 'Activating',
        message: 'activating',
        requeueAtS: pa.statusSinceS + timeout,
      };
    }
    case 'Active': {
      const sw = spec.stableWindowSeconds;
      if (since >= sw) {
        return {
          want: 0,
          apply: false,
          reason: 'Deactivating',
          message: `no traffic; active for ${fmt(since)}s >= stable window ${sw}s: marked inactive`,
          requeueAtS: pa.sksMode === 'proxy' ? nowS + DEACTIVATE_REQUEUE_S : null,
        };
      }
      return {
        want: 1,
        apply: true,
        reason: 'HeldAtOne',
        message: `no traffic, but active for only ${fmt(since)}s < stable window ${sw}s: held at 1`,
        requeueAtS: pa.statusSinceS + sw,
      };
    }
    case 'Inactive': {
      const retention = spec.scaleToZeroPodRetentionPeriodSeconds;
      const grace = spec.scaleToZeroGracePeriodSeconds;
      if (since >= Math.max(grace, retention))
        return {
          want: 0,
          apply: true,
          reason: 'ScaledToZero',
          message: `inactive for ${fmt(since)}s`,
          requeueAtS: null,
        };
      if (retention > 0 && since < retention)
        return {
          want: 0,
          apply: false,
          reason: 'PodRetention',
          message: `inactive for ${fmt(since)}s < scale-to-zero-pod-retention-period ${retention}s`,
          requeueAtS: pa.statusSinceS + retention,
        };
      const proxyFor = pa.sksMode === 'proxy' ? nowS - pa.sksSinceS : 0;
      if (grace - proxyFor <= 0)
        return {
          want: 0,
          apply: true,
          reason: 'ScaledToZero',
          message: `the activator has been in the path for ${fmt(proxyFor)}s >= scale-to-zero-grace-period ${grace}s`,
          requeueAtS: null,
        };
      return {
        want: 0,
        apply: false,
        reason: 'GracePeriod',
        message: `the activator has been in the path for ${fmt(proxyFor)}s < scale-to-zero-grace-period ${grace}s`,
        requeueAtS: nowS + (grace - proxyFor),
      };
    }
  }
}

function fmt(s: number): string {
  return String(Math.round(s * 1000) / 1000);
}
