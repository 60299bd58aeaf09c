/**
 * A recording on the replay's time grid, per service:
 *
 *   cleaned series -> keep the mapping's namespace -> pods and Deployments by service (the
 *   mapping's Deployment name pattern; a pod by its deployment label, else by its name's prefix)
 *   -> at each grid time t0 + k*step (k = 1..K): the Deployment's replicas, each pod's gauges (the
 *      newest sample at most staleAfter old), their sums per service
 *
 * Time 0 of the replay is t0 (--from, or one step before the first sample), so grid point k is
 * the end of the simulation's k-th time-series step.
 */
import { DataError } from '../errors.js';
import type { Mapping } from './mapping.js';
import { seriesId, valueAt, type ReplayWarning, type Series } from './series.js';

export interface PodRecording {
  name: string;
  /** Unix seconds of the pod's first sample in the window. */
  firstS: number;
  infer: (number | null)[];
  drop: (number | null)[];
  /** The pod's cumulative CPU seconds (the mapping's cpu counter), when recorded. */
  cpu: (number | null)[] | null;
}

export interface ServiceRecording {
  service: string;
  deployment: string;
  /** Per grid point (index 0 is t0 itself). */
  replicas: (number | null)[];
  inferFps: number[];
  dropFps: number[];
  /** Stream counts (offered.from: streams), else null. */
  streams: (number | null)[] | null;
  pods: PodRecording[];
}

export interface RecordingGrid {
  t0: number;
  stepS: number;
  /** Grid points after t0. */
  steps: number;
  services: ServiceRecording[];
  warnings: ReplayWarning[];
}

export interface GridOptions {
  fromS?: number;
  toS?: number;
  stepS?: number;
  /**
   * How long a sample holds on the grid (default the mapping's staleAfter). Range-query answers are
   * already evaluated on the grid, with Prometheus' staleness applied: they hold for no longer than a step.
   */
  holdS?: number;
}

function medianSpacing(series: Series[]): number {
  const d: number[] = [];
  for (const s of series)
    for (let i = 1; i < s.t.length && d.length < 100_000; i++) d.push(s.t[i] - s.t[i - 1]);
  if (d.length === 0) return 0;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

export function buildGrid(
  all: Series[],
  warnings: ReplayWarning[],
  mapping: Mapping,
  services: readonly string[],
  options: GridOptions,
): RecordingGrid {
  const m = mapping.metrics;
  const inNamespace = (s: Series) =>
    mapping.namespace === null ||
    s.labels.namespace === undefined ||
    s.labels.namespace === mapping.namespace;
  const series = all.filter(inNamespace);
  const deployments = new Map(services.map((s) => [mapping.deployment.replace('{service}', s), s]));
  const serviceOf = (s: Series): string | null => {
    const d = s.labels.deployment;
    if (d !== undefined) return deployments.get(d) ?? null;
    const pod = s.labels.pod;
    if (pod === undefined) return null;
    let best: string | null = null;
    let bestLen = -1;
    for (const [dep, svc] of deployments)
      if (pod.startsWith(`${dep}-`) && dep.length > bestLen) ((best = svc), (bestLen = dep.length));
    return best;
  };
  const replicaSeries = series.filter((s) => s.name === m.replicas);
  const podSeries = series.filter(
    (s) => (s.name === m.inferFps || s.name === m.dropFps) && s.labels.pod !== undefined,
  );
  const cpuSeries = series.filter((s) => s.name === m.cpu && s.labels.pod !== undefined);
  const relevant = [...replicaSeries, ...podSeries];
  if (relevant.length === 0)
    throw new DataError(
      `the recording has no ${m.replicas}, ${m.inferFps} or ${m.dropFps} series${mapping.namespace ? ` in namespace ${JSON.stringify(mapping.namespace)}` : ''}: check the mapping (metrics, namespace, deployment)`,
    );
  let first = Infinity;
  let last = -Infinity;
  for (const s of relevant) {
    first = Math.min(first, s.t[0]);
    last = Math.max(last, s.t[s.t.length - 1]);
  }
  const stepS = options.stepS ?? medianSpacing(relevant);
  if (!(stepS > 0))
    throw new DataError('cannot tell the recording step (fewer than two samples per series): give --step');
  const t0 = options.fromS ?? first - stepS;
  const end = options.toS ?? last;
  const steps = Math.floor((end - t0) / stepS + 1e-9);
  if (steps < 2)
    throw new DataError(`the window from ${t0} to ${end} holds fewer than two steps of ${stepS} s`);
  if (steps > 10_000_000)
    throw new DataError(`the window holds ${steps} steps of ${stepS} s: more than 10000000`);
  const grid = (k: number) => t0 + k * stepS;
  const stale = options.holdS ?? mapping.staleAfterS;

  const sample = (s: Series): (number | null)[] => {
    const out: (number | null)[] = new Array(steps + 1);
    let cursor = 0;
    for (let k = 0; k <= steps; k++) {
      const r = valueAt(s, grid(k) + 1e-9, stale, cursor);
      out[k] = r.value;
      cursor = r.cursor;
    }
    return out;
  };

  const out: ServiceRecording[] = [];
  for (const service of services) {
    const deployment = mapping.deployment.replace('{service}', service);
    const reps = replicaSeries.filter((s) => serviceOf(s) === service);
    if (reps.length > 1)
      throw new DataError(
        `${reps.length} ${m.replicas} series for Deployment ${deployment} (${reps.map((s) => seriesId(s.name, s.labels)).join(', ')}): narrow them with the mapping's namespace`,
      );
    const replicas = reps.length === 1 ? sample(reps[0]) : new Array<number | null>(steps + 1).fill(null);
    if (reps.length === 0)
      warnings.push({
        kind: 'no-data',
        series: `${m.replicas}{deployment="${deployment}"}`,
        ranges: [{ fromS: t0, toS: grid(steps) }],
        count: 0,
        message: `no replica count for service ${service}`,
      });
    const pods = new Map<string, PodRecording>();
    const lastSample = new Map<string, number>();
    for (const s of podSeries) {
      if (serviceOf(s) !== service) continue;
      const name = s.labels.pod;
      const inWindow = s.t.findIndex((t) => t > t0 + 1e-9 && t <= grid(steps) + 1e-9);
      if (inWindow < 0) continue;
      let p = pods.get(name);
      if (!p) {
        p = { name, firstS: s.t[inWindow], infer: [], drop: [], cpu: null };
        pods.set(name, p);
      }
      p.firstS = Math.min(p.firstS, s.t[inWindow]);
      let last = s.t.length - 1;
      while (last > 0 && s.t[last] > grid(steps) + 1e-9) last--;
      lastSample.set(name, Math.max(lastSample.get(name) ?? -Infinity, s.t[last]));
      if (s.name === m.inferFps) p.infer = sample(s);
      else p.drop = sample(s);
    }
    for (const s of cpuSeries) {
      const p = pods.get(s.labels.pod);
      if (
        p &&
        (s.labels.namespace === undefined || serviceOf(s) === service || s.labels.deployment === undefined)
      )
        p.cpu = sample(s);
    }
    const podList = [...pods.values()].sort((a, b) => a.firstS - b.firstS || (a.name < b.name ? -1 : 1));
    const inferFps = new Array<number>(steps + 1).fill(0);
    const dropFps = new Array<number>(steps + 1).fill(0);
    for (const p of podList) {
      if (p.infer.length === 0) p.infer = new Array(steps + 1).fill(null);
      if (p.drop.length === 0) p.drop = new Array(steps + 1).fill(null);
      for (let k = 0; k <= steps; k++) {
        inferFps[k] += p.infer[k] ?? 0;
        dropFps[k] += p.drop[k] ?? 0;
      }
    }
    let streams: (number | null)[] | null = null;
    if (mapping.offered.from === 'streams') {
      const ss = series.filter((s) => s.name === mapping.offered.streams && serviceOf(s) === service);
      if (ss.length === 0)
        throw new DataError(
          `offered.from is streams, but no ${mapping.offered.streams} series belongs to Deployment ${deployment}`,
        );
      const sampled = ss.map(sample);
      streams = sampled[0].map((_, k) =>
        sampled.some((x) => x[k] !== null) ? sampled.reduce((a, x) => a + (x[k] ?? 0), 0) : null,
      );
    }
    // A pod whose series stops while its Deployment keeps its replica count went stale (its
    // scrapes failed, or it vanished unseen): said, since its load is then missing from the sums.
    const near = Math.ceil(stale / stepS) + 1;
    for (const p of podList) {
      const lastS = lastSample.get(p.name)!;
      if (lastS >= grid(steps) - stale) continue;
      const k = Math.round((lastS - t0) / stepS);
      let fell = false;
      for (let j = Math.max(1, k - near); j <= Math.min(steps, k + near) && !fell; j++) {
        const a = replicas[j - 1];
        const b = replicas[j];
        if (a !== null && b !== null && b < a) fell = true;
      }
      if (!fell)
        warnings.push({
          kind: 'stale',
          series: `${m.inferFps}{pod=${JSON.stringify(p.name)}}`,
          ranges: [{ fromS: lastS, toS: grid(steps) }],
          count: 1,
          message: `the pod's series ends while ${deployment} kept its replicas (a failing scrape, or a pod gone unseen): no value after it`,
        });
    }
    out.push({ service, deployment, replicas, inferFps, dropFps, streams, pods: podList });
  }
  return { t0, stepS, steps, services: out, warnings };
}
