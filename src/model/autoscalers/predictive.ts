/**
 * The predictive autoscaler inside the simulated cluster: the HPA controller's timing and
 * metrics pipeline (autoscalers/hpa.ts), with the predictive policy in place of the plain sync.
 * It logs as the HPA does, and `predictive-forecast` beside each rescale.
 */
import type { HpaObservation } from '../../autoscale/hpa/policy.js';
import type { PredictiveDecision, PredictiveState } from '../../autoscale/predictive/policy.js';
import type { Policy } from '../../autoscale/policy.js';
import { AUTOSCALERS } from '../../autoscale/registry.js';
import { InvariantError } from '../../errors.js';
import { metricsSource } from '../../metrics/pipeline.js';
import { Ev } from '../events.js';
import type { AutoscalerDriver } from '../autoscaling.js';
import { applyHpaSync, scaleObservation } from './hpa.js';

type PredictivePolicy = Policy<PredictiveState, HpaObservation, PredictiveDecision>;

export const predictiveDriver: AutoscalerDriver = {
  start(world, svc) {
    const a = svc.cfg.autoscaler;
    if (a?.policy !== 'predictive' || !svc.cfg.hpa)
      throw new InvariantError(`${svc.cfg.name} has no predictive HPA`);
    const policy = AUTOSCALERS.predictive.create(svc.cfg.hpa, world.hpaConfig, a.predictive);
    svc.autoscaler = policy;
    svc.autoscalerState = policy.initialState(world.now / 1e6);
    world.schedule(
      svc.cfg.hpaAppliedAtUs + world.scenario.controller.syncPeriodUs,
      Ev.AutoscalerTick,
      svc.index,
      0,
    );
  },
  tick(world, svc) {
    const policy = svc.autoscaler as PredictivePolicy;
    const before = svc.autoscalerState as PredictiveState;
    world.accountReplicas(svc);
    const observation = { ...scaleObservation(world, svc), metrics: metricsSource(world, svc) };
    const d = policy.decide(before, observation, world.now / 1e6);
    svc.autoscalerState = d.nextState;
    if (d.scaled) {
      const ahead = d.horizonSyncs * world.hpaConfig.syncPeriodSeconds;
      const f = d.forecasts.map(
        (x) => `${x.metric} ${round(x.observed)} now, ${round(x.forecast)} in ${ahead}s`,
      );
      world.emit(svc, 'predictive-forecast', f.length ? f.join('; ') : 'no metric read');
    }
    applyHpaSync(world, svc, before.hpa, d.sync);
    world.schedule(world.now + world.hpaConfig.syncPeriodSeconds * 1e6, Ev.AutoscalerTick, svc.index, 0);
  },
};

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
