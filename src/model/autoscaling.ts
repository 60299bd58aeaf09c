/**
 * The autoscalers inside the simulated cluster. Each service has at most one policy from the
 * registry (autoscale/registry.ts); its driver here makes the pure policy, schedules its ticks
 * (Ev.AutoscalerTick, operand b = which of its loops), builds what it observes at each tick, and
 * applies and logs its decisions. The policies decide; the drivers only observe and act.
 */
import type { ControllerConfig } from '../autoscale/hpa/index.js';
import type { AutoscalerName } from '../autoscale/registry.js';
import type { Scenario, ServiceConfig } from '../scenario/types.js';
import { hpaDriver } from './autoscalers/hpa.js';
import { kedaDriver } from './autoscalers/keda.js';
import { kpaDriver } from './autoscalers/kpa.js';
import { oracleDriver } from './autoscalers/oracle.js';
import { predictiveDriver } from './autoscalers/predictive.js';
import type { ServiceState, World } from './world.js';

export interface AutoscalerDriver {
  /** Makes the service's policy and its first state, and schedules its first tick(s). */
  start(world: World, svc: ServiceState): void;
  /** One tick of the policy's loop `loop`. */
  tick(world: World, svc: ServiceState, loop: number): void;
}

const DRIVERS: { readonly [K in AutoscalerName]: AutoscalerDriver } = {
  hpa: hpaDriver,
  keda: kedaDriver,
  kpa: kpaDriver,
  predictive: predictiveDriver,
  oracle: oracleDriver,
};

/** The policy a service runs, or null when it is scaled by hand. */
export function autoscalerOf(cfg: ServiceConfig): AutoscalerName | null {
  return cfg.autoscaler?.policy ?? (cfg.hpa ? 'hpa' : null);
}

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

export function startAutoscalers(world: World): void {
  for (const svc of world.services) {
    const name = autoscalerOf(svc.cfg);
    if (name) DRIVERS[name].start(world, svc);
  }
}

export function onAutoscalerTick(world: World, svc: ServiceState, loop: number): void {
  const name = autoscalerOf(svc.cfg);
  if (name) DRIVERS[name].tick(world, svc, loop);
}
