/**
 * Nodes for a set of pods by CPU request: first-fit decreasing in a stable order.
 *
 *   pods sorted by request, largest first (ties keep their given order)
 *   -> each goes to the first open node with room, or opens a node
 *
 * First-fit decreasing uses at most 11/9·OPT + 6/9 bins (Dósa 2007), and usually OPT; the
 * scheduler in the simulation places pods first-fit too, so a plan's node count is what it will see.
 */

export interface PackItem {
  /** Who the pod belongs to, e.g. the service. */
  owner: string;
  cpu: number;
}

export interface Packing {
  nodes: number;
  /** Per node: the pods on it, by owner and count, in first-placement order. */
  perNode: { owner: string; pods: number }[][];
  /** CPU requested on each node. */
  usedCpu: number[];
}

/** Packs `items` onto nodes of `capacity` allocatable cores; throws if an item fits on no node. */
export function firstFitDecreasing(items: readonly PackItem[], capacity: number): Packing {
  const order = items.map((item, i) => ({ item, i })).sort((a, b) => b.item.cpu - a.item.cpu || a.i - b.i);
  const used: number[] = [];
  const perNode: Map<string, number>[] = [];
  const eps = 1e-9;
  for (const { item } of order) {
    if (item.cpu > capacity + eps)
      throw new Error(
        `a pod of ${item.owner} requests ${item.cpu} cores; a node has ${capacity} allocatable`,
      );
    let n = used.findIndex((u) => u + item.cpu <= capacity + eps);
    if (n < 0) {
      n = used.length;
      used.push(0);
      perNode.push(new Map());
    }
    used[n] += item.cpu;
    perNode[n].set(item.owner, (perNode[n].get(item.owner) ?? 0) + 1);
  }
  return {
    nodes: used.length,
    perNode: perNode.map((m) => [...m].map(([owner, pods]) => ({ owner, pods }))),
    usedCpu: used,
  };
}

/** `count` pods of each service, as pack items. */
export function podsOf(services: readonly { service: string; replicas: number; cpu: number }[]): PackItem[] {
  return services.flatMap((s) =>
    Array.from({ length: s.replicas }, () => ({ owner: s.service, cpu: s.cpu })),
  );
}
