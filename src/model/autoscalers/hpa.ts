/**
 * The HPA controller inside the simulated cluster: every sync period it reads the scale, the pods
 * and the metrics APIs (through the pipeline, late), runs the pure Kubernetes algorithm
 * (autoscale/hpa) with the state it keeps per HPA, applies the new replica count and logs the
 * decision the way `kubectl describe hpa` shows it. KEDA's and the predictive policy's HPAs log and
 * apply their syncs through the same functions.
 */
import type { HpaState, MetricSpec, SyncResult } from '../../autoscale/hpa/index.js';
import type { HpaDecision, HpaObservation } from '../../autoscale/hpa/policy.js';
import type { Policy } from '../../autoscale/policy.js';
import { AUTOSCALERS } from '../../autoscale/registry.js';
import { metricsSource, podViews } from '../../metrics/pipeline.js';
import { Ev } from '../events.js';
import { Phase, type ServiceState, type World } from '../world.js';
import type { AutoscalerDriver } from '../autoscaling.js';

type HpaPolicy = Policy<HpaState, HpaObservation, HpaDecision>;

/** A new HPA is first evaluated about one sync period after it is created (AddRateLimited). */
export const hpaDriver: AutoscalerDriver = {
  start(world, svc) {
    const policy = AUTOSCALERS.hpa.create(svc.cfg.hpa!, world.hpaConfig);
    svc.autoscaler = policy;
    svc.autoscalerState = policy.initialState(world.now / 1e6);
    svc.hpaDesired = svc.desired;
    world.schedule(
      svc.cfg.hpaAppliedAtUs + world.scenario.controller.syncPeriodUs,
      Ev.AutoscalerTick,
      svc.index,
      0,
    );
  },
  tick(world, svc) {
    const policy = svc.autoscaler as HpaPolicy;
    const before = svc.autoscalerState as HpaState;
    // Close the held-by-stabilization account under the last sync's figures before they change.
    world.accountReplicas(svc);
    const observation = { ...scaleObservation(world, svc), metrics: metricsSource(world, svc) };
    const d = policy.decide(before, observation, world.now / 1e6);
    svc.autoscalerState = d.nextState;
    applyHpaSync(world, svc, before, d.sync);
    world.schedule(world.now + world.hpaConfig.syncPeriodSeconds * 1e6, Ev.AutoscalerTick, svc.index, 0);
  },
};

/** What an HPA observes of its target now: the scale and the pods its selector matches. */
export function scaleObservation(world: World, svc: ServiceState): Omit<HpaObservation, 'metrics'> {
  return {
    specReplicas: svc.desired,
    statusReplicas: svc.pods.filter((p) => p.phase !== Phase.Terminating).length,
    pods: podViews(world, svc),
  };
}

export function targetOf(m: MetricSpec): number | null {
  const t =
    m.type === 'Resource'
      ? m.resource.target
      : m.type === 'ContainerResource'
        ? m.containerResource.target
        : m.type === 'Pods'
          ? m.pods.target
          : m.type === 'Object'
            ? m.object.target
            : m.external.target;
  return t.type === 'Utilization'
    ? t.averageUtilization
    : t.type === 'AverageValue'
      ? t.averageValueMilli / 1000
      : t.valueMilli / 1000;
}

/** Records what the sync saw, logs it and applies its scale. */
export function applyHpaSync(world: World, svc: ServiceState, before: HpaState, result: SyncResult): void {
  const first = result.metrics[0];
  svc.hpaMetricValue = first
    ? (first.currentUtilization ?? (first.currentValueMilli !== null ? first.currentValueMilli / 1000 : null))
    : null;
  svc.hpaMetricTarget = first ? targetOf(first.spec) : null;
  logHpaSync(world, svc, before, result);
  if (result.scaled) {
    svc.scaleEvents++;
    svc.desired = result.desiredReplicas;
    world.reconcile(svc);
  }
  svc.hpaDesired = result.desiredReplicas;
  svc.desiredWithoutStabilization = result.desiredWithoutScaleDownStabilization;
}

function logHpaSync(world: World, svc: ServiceState, before: HpaState, r: SyncResult): void {
  const cond = (type: string) => r.conditions.find((c) => c.type === type);
  const active = cond('ScalingActive');
  const wasActive = before.conditions.find((c) => c.type === 'ScalingActive');
  if (
    active &&
    active.status !== 'True' &&
    (wasActive?.reason !== active.reason || wasActive?.status !== active.status)
  ) {
    world.emit(svc, 'hpa-inactive', `${active.reason}: ${active.message}`);
  }
  if (r.scaled) {
    world.emit(svc, 'hpa-rescale', r.message);
    return;
  }
  const able = cond('AbleToScale');
  if (able && (able.reason === 'ScaleDownStabilized' || able.reason === 'ScaleUpStabilized')) {
    world.emit(svc, 'hpa-stabilized', `${able.reason}: ${able.message}`);
  }
  const limited = cond('ScalingLimited');
  if (limited && limited.status === 'True')
    world.emit(svc, 'hpa-limited', `${limited.reason}: ${limited.message}`);
}
