/**
 * The HPA controller inside the simulated cluster: every sync period it reads the scale, the pods
 * and the metrics APIs (through the pipeline, late), runs the pure Kubernetes algorithm
 * (autoscale/hpa) with the state it keeps per HPA, applies the new replica count and logs the
 * decision the way `kubectl describe hpa` shows it.
 */
import {
  initialHpaState,
  syncHpa,
  type ControllerConfig,
  type HpaState,
  type MetricSpec,
  type SyncResult,
} from '../autoscale/hpa/index.js';
import { metricsSource, podViews } from '../metrics/pipeline.js';
import type { Scenario } from '../scenario/types.js';
import { Ev } from './events.js';
import { Phase, type ServiceState, type World } from './world.js';

export function controllerConfig(s: Scenario): ControllerConfig {
  const c = s.controller;
  return {
    syncPeriodSeconds: c.syncPeriodUs / 1e6,
    tolerance: c.tolerance,
    downscaleStabilizationSeconds: c.downscaleStabilizationUs / 1e6,
    cpuInitializationPeriodSeconds: c.cpuInitializationPeriodUs / 1e6,
    initialReadinessDelaySeconds: c.initialReadinessDelayUs / 1e6,
    scaleUpLimitFactor: 2,
    scaleUpLimitMinimum: 4,
    featureGates: { ...c.featureGates, PodLevelResources: false },
  };
}

/** A new HPA is first evaluated about one sync period after it is created (AddRateLimited). */
export function startAutoscalers(world: World): void {
  for (const svc of world.services) {
    if (!svc.cfg.hpa) continue;
    svc.autoscalerState = initialHpaState();
    svc.hpaDesired = svc.desired;
    world.schedule(svc.cfg.hpaAppliedAtUs + world.scenario.controller.syncPeriodUs, Ev.HpaSync, svc.index, 0);
  }
}

function targetOf(m: MetricSpec): number | null {
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

export function onHpaSync(world: World, svc: ServiceState, config: ControllerConfig): void {
  const spec = svc.cfg.hpa!;
  const state = svc.autoscalerState as HpaState;
  // Close the held-by-stabilization account under the last sync's figures before they change.
  world.accountReplicas(svc);
  const statusReplicas = svc.pods.filter((p) => p.phase !== Phase.Terminating).length;
  const result: SyncResult = syncHpa(
    spec,
    svc.desired,
    statusReplicas,
    podViews(world, svc),
    metricsSource(world, svc),
    state,
    config,
    world.now / 1e6,
  );
  svc.autoscalerState = result.nextState;
  const first = result.metrics[0];
  svc.hpaMetricValue = first
    ? (first.currentUtilization ?? (first.currentValueMilli !== null ? first.currentValueMilli / 1000 : null))
    : null;
  svc.hpaMetricTarget = first ? targetOf(first.spec) : null;
  logDecision(world, svc, state, result);
  if (result.scaled) {
    svc.scaleEvents++;
    svc.desired = result.desiredReplicas;
    world.reconcile(svc);
  }
  svc.hpaDesired = result.desiredReplicas;
  svc.desiredWithoutStabilization = result.desiredWithoutScaleDownStabilization;
  world.schedule(world.now + config.syncPeriodSeconds * 1e6, Ev.HpaSync, svc.index, 0);
}

function logDecision(world: World, svc: ServiceState, before: HpaState, r: SyncResult): void {
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
