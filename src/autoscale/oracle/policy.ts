/**
 * The oracle as a registry policy: it follows its offline plan (plan.ts). At each planned change
 * it sets the planned count; `nextAtS` tells the model when the next change is due. A lower bound
 * to measure the other autoscalers' replica-seconds and SLO violations against, not something a
 * cluster could run: it knows the future.
 */
import type { Decision, Policy } from '../policy.js';
import type { OracleStep } from './plan.js';

export interface OracleState {
  /** Index of the next plan step to apply. */
  next: number;
}

export interface OracleDecision extends Decision<OracleState, 'Planned' | 'Unchanged'> {
  /** When the following step is due; null after the last. */
  nextAtS: number | null;
  step: OracleStep | null;
}

export function oraclePolicy(
  plan: readonly OracleStep[],
  leadSeconds: number,
): Policy<OracleState, { currentReplicas: number }, OracleDecision> {
  return {
    initialState: () => ({ next: 0 }),
    decide(state, o, nowS) {
      let i = state.next;
      let step: OracleStep | null = null;
      while (i < plan.length && plan[i].atS <= nowS + 1e-9) step = plan[i++];
      const nextAtS = i < plan.length ? plan[i].atS : null;
      if (!step || step.replicas === o.currentReplicas)
        return {
          replicas: o.currentReplicas,
          scaled: false,
          reason: 'Unchanged',
          message: '',
          nextState: { next: i },
          nextAtS,
          step,
        };
      return {
        replicas: step.replicas,
        scaled: true,
        reason: 'Planned',
        message:
          `${o.currentReplicas} -> ${step.replicas} replicas: the fewest that meet the slo at ${round(step.fps)} FPS, ` +
          `the most offered from now to ${round(leadSeconds)} s ahead`,
        nextState: { next: i },
        nextAtS,
        step,
      };
    },
  };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
