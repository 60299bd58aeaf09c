/**
 * The HPA as a registry policy: one decision is one controller sync (`syncHpa`), observing the
 * scale (spec and status replicas), the pods and the metrics APIs as they are now.
 */
import type { Decision, Policy } from '../policy.js';
import { initialHpaState } from './defaults.js';
import { syncHpa } from './reconcile.js';
import type {
  ControllerConfig,
  HpaSpec,
  HpaState,
  MetricsSource,
  PodView,
  SyncReason,
  SyncResult,
} from './types.js';

export interface HpaObservation {
  /** The scale's spec.replicas. */
  specReplicas: number;
  /** The scale's status.replicas: pods that exist and are not terminating. */
  statusReplicas: number;
  pods: PodView[];
  metrics: MetricsSource;
}

/** A sync's decision, with the whole result (conditions, metric statuses) for the event log. */
export interface HpaDecision extends Decision<HpaState, SyncReason> {
  sync: SyncResult;
}

export function hpaPolicy(
  spec: HpaSpec,
  config: ControllerConfig,
): Policy<HpaState, HpaObservation, HpaDecision> {
  return {
    initialState: () => initialHpaState(),
    decide(state, o, nowS) {
      const sync = syncHpa(spec, o.specReplicas, o.statusReplicas, o.pods, o.metrics, state, config, nowS);
      return {
        replicas: sync.desiredReplicas,
        scaled: sync.scaled,
        reason: sync.reason,
        message: sync.message,
        nextState: sync.nextState,
        sync,
      };
    },
  };
}
