/**
 * What the replica calculator makes of the pods behind the scale target's selector
 * (replica_calculator.go: groupPods, calculateRequests, getReadyPodsCount).
 */
import { GO_ZERO_TIME_S, milliValue } from './arith.js';
import { ERR } from './messages.js';
import type { ContainerView, Fetched, PodSample, PodView, ResourceName } from './types.js';

export interface PodGroups {
  /** Pods whose sample counts as-is. */
  readyPodCount: number;
  /** Pending pods, and (cpu only) pods not yet ready or still warming up: samples dropped. */
  unreadyPods: string[];
  /** Pods without a sample. */
  missingPods: string[];
  /** Terminating or failed pods: samples dropped and never filled back in. */
  ignoredPods: string[];
}

/**
 * groupPods: sorts each pod into ready, unready, missing or ignored, in this order of checks.
 * Only a cpu metric looks at readiness, because only cpu is known to spike while a pod starts:
 * within the cpu initialization period a pod counts only once it is Ready and a full metric
 * window has passed since it became so; after it, a pod that is not Ready counts unless it has
 * never been ready since it started (its Ready condition last changed within the readiness delay).
 */
export function groupPods(
  pods: readonly PodView[],
  samples: ReadonlyMap<string, PodSample>,
  resource: ResourceName | null,
  cpuInitializationPeriodSeconds: number,
  initialReadinessDelaySeconds: number,
  nowS: number,
): PodGroups {
  const g: PodGroups = { readyPodCount: 0, unreadyPods: [], missingPods: [], ignoredPods: [] };
  for (const pod of pods) {
    if (pod.deleted || pod.phase === 'Failed') {
      g.ignoredPods.push(pod.name);
      continue;
    }
    if (pod.phase === 'Pending') {
      g.unreadyPods.push(pod.name);
      continue;
    }
    const sample = samples.get(pod.name);
    if (sample === undefined) {
      g.missingPods.push(pod.name);
      continue;
    }
    if (
      resource === 'cpu' &&
      cpuSampleIsUnready(pod, sample, cpuInitializationPeriodSeconds, initialReadinessDelaySeconds, nowS)
    ) {
      g.unreadyPods.push(pod.name);
      continue;
    }
    g.readyPodCount++;
  }
  return g;
}

function cpuSampleIsUnready(
  pod: PodView,
  sample: PodSample,
  cpuInitializationPeriodSeconds: number,
  initialReadinessDelaySeconds: number,
  nowS: number,
): boolean {
  const ready = pod.ready;
  if (ready === null || pod.startTimeS === null) return true;
  const transitionS = ready.lastTransitionTimeS ?? GO_ZERO_TIME_S;
  // Go compares with time.After / time.Before: strict on both sides.
  if (pod.startTimeS + cpuInitializationPeriodSeconds > nowS) {
    return ready.status === 'False' || sample.timestampS < transitionS + sample.windowS;
  }
  return ready.status === 'False' && pod.startTimeS + initialReadinessDelaySeconds > transitionS;
}

function requestOf(c: ContainerView, resource: ResourceName): number | null {
  return (resource === 'cpu' ? c.requestMilli : c.memoryRequestMilli) ?? null;
}

function podLevelRequestOf(pod: PodView, resource: ResourceName): number | null {
  return (resource === 'cpu' ? pod.podLevelRequestMilli : pod.podLevelMemoryRequestMilli) ?? null;
}

/**
 * calculateRequests: each pod's request for the resource, in milli-units. A named container
 * takes only that container's request; otherwise pod-level requests win when the
 * PodLevelResources gate is on and they are set, else the containers' requests are summed with
 * the restartable init containers (sidecars), which run alongside them. Any missing request is an
 * error, because a utilization of an unknown request means nothing.
 *
 * Kubernetes switches to pod-level requests when any pod-level request is set and falls back to
 * the aggregated container requests for a resource not set at pod level; here the switch is per
 * resource, which differs only for pods with non-restartable init containers larger than the sum.
 */
export function calculateRequests(
  pods: readonly PodView[],
  container: string | null,
  resource: ResourceName,
  podLevelResources: boolean,
): Fetched<Map<string, bigint>> {
  const requests = new Map<string, bigint>();
  for (const pod of pods) {
    const podLevel = podLevelRequestOf(pod, resource);
    if (podLevelResources && container === null && podLevel !== null) {
      requests.set(pod.name, milliValue(podLevel));
      continue;
    }
    const r = requestFromContainers(pod, container, resource);
    if (!r.ok) return r;
    requests.set(pod.name, r.value);
  }
  return { ok: true, value: requests };
}

/** calculatePodRequestsFromContainers. */
function requestFromContainers(
  pod: PodView,
  container: string | null,
  resource: ResourceName,
): Fetched<bigint> {
  const containers: ContainerView[] = [
    ...pod.containers,
    ...(pod.initContainers ?? []).filter((c) => c.restartPolicyAlways),
  ];
  let sum = 0n;
  for (const c of containers) {
    if (container === null || container === c.name) {
      const request = requestOf(c, resource);
      if (request === null) return { ok: false, error: ERR.missingRequest(resource, c.name, pod.name) };
      sum += milliValue(request);
    }
    // Container names are unique within a pod.
    if (container === c.name) return { ok: true, value: sum };
  }
  // Recent releases reject a pod without the named container; older ones counted a zero request.
  if (container !== null) return { ok: false, error: ERR.containerNotFound(container, pod.name) };
  return { ok: true, value: sum };
}

/** getReadyPodsCount: Running pods whose Ready condition is True, terminating ones included. */
export function readyPodCount(pods: readonly PodView[]): Fetched<number> {
  if (pods.length === 0) return { ok: false, error: ERR.noPods };
  return { ok: true, value: pods.filter((p) => p.phase === 'Running' && p.ready?.status === 'True').length };
}
