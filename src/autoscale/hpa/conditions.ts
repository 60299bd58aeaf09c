/**
 * HPA status conditions. As in horizontal.go (setConditionInList, removeCondition), a condition
 * that already exists is updated where it stands and a new one is appended, so the list keeps the
 * order of first insertion. Lists are never mutated: every function returns a new one.
 */
import type { ConditionStatus, ConditionType, HpaCondition } from './types.js';

export function setCondition(
  list: readonly HpaCondition[],
  type: ConditionType,
  status: ConditionStatus,
  reason: string,
  message: string,
): HpaCondition[] {
  const next: HpaCondition = { type, status, reason, message };
  const i = list.findIndex((c) => c.type === type);
  return i < 0 ? [...list, next] : list.map((c, j) => (j === i ? next : c));
}

export function removeCondition(list: readonly HpaCondition[], type: ConditionType): HpaCondition[] {
  return list.filter((c) => c.type !== type);
}

export function findCondition(list: readonly HpaCondition[], type: ConditionType): HpaCondition | undefined {
  return list.find((c) => c.type === type);
}

/** getScaledToZeroConditionStatus and friends: the condition exists and is True. */
export function conditionIsTrue(list: readonly HpaCondition[], type: ConditionType): boolean {
  return findCondition(list, type)?.status === 'True';
}
