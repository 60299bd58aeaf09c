/**
 * The oracle inside the simulated cluster: its plan is made once, when it starts, from the
 * resolved scenario (autoscale/oracle/plan.ts); each planned change is an event of its own.
 */
import { oraclePlan } from '../../autoscale/oracle/plan.js';
import type { OracleDecision, OracleState } from '../../autoscale/oracle/policy.js';
import type { Policy } from '../../autoscale/policy.js';
import { AUTOSCALERS } from '../../autoscale/registry.js';
import { InvariantError } from '../../errors.js';
import { Ev } from '../events.js';
import type { AutoscalerDriver } from '../autoscaling.js';

type OraclePolicy = Policy<OracleState, { currentReplicas: number }, OracleDecision>;

export const oracleDriver: AutoscalerDriver = {
  start(world, svc) {
    const a = svc.cfg.autoscaler;
    if (a?.policy !== 'oracle') throw new InvariantError(`${svc.cfg.name} has no oracle`);
    const plan = oraclePlan(world.scenario, svc.cfg, a.oracle, world.endUs);
    const policy = AUTOSCALERS.oracle.create(plan, a.oracle.leadSeconds);
    svc.autoscaler = policy;
    svc.autoscalerState = policy.initialState(world.now / 1e6);
    world.schedule(svc.cfg.hpaAppliedAtUs, Ev.AutoscalerTick, svc.index, 0);
  },
  tick(world, svc) {
    const policy = svc.autoscaler as OraclePolicy;
    const d = policy.decide(
      svc.autoscalerState as OracleState,
      { currentReplicas: svc.desired },
      world.now / 1e6,
    );
    svc.autoscalerState = d.nextState;
    if (d.scaled) {
      world.emit(svc, 'oracle-scale', d.message);
      world.accountReplicas(svc);
      if (d.replicas !== svc.desired) svc.scaleEvents++;
      svc.desired = d.replicas;
      world.reconcile(svc);
    }
    if (d.nextAtS !== null) world.schedule(Math.round(d.nextAtS * 1e6), Ev.AutoscalerTick, svc.index, 0);
  },
};
