/**
 * What every autoscaler is (DESIGN.md, Autoscalers): a pure decision
 *
 *   decide(state, observation, nowS) -> { replicas, reason, message, nextState }
 *
 * from the state the policy keeps, what it observes now and the time, to the replica count it
 * leaves the workload at. A policy reads no clock and keeps no hidden history: everything it
 * remembers is in `state`, and the model (src/model/autoscaling.ts) stores `nextState` for the
 * next call. The model also decides when a policy runs (its ticks) and builds each observation.
 */

/** One decision of one policy. */
export interface Decision<State, Reason extends string = string> {
  /** spec.replicas after the decision: the current count when the policy leaves it alone. */
  replicas: number;
  /** True when the decision writes spec.replicas (a scale, even to the same count: a clamp). */
  scaled: boolean;
  /** Why, as a word from the policy's own list (Kubernetes condition reasons where it has them). */
  reason: Reason;
  /** The text a person reads in events.csv. */
  message: string;
  nextState: State;
}

/** A policy made from its resolved configuration: its first state and its decision function. */
export interface Policy<State, Observation, D extends Decision<State> = Decision<State>> {
  initialState(nowS: number): State;
  decide(state: State, observation: Observation, nowS: number): D;
}
