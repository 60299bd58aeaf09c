/**
 * What the charts and the HTML page read of a run, gathered in one pass over its rows and events
 * (while simulating, or while reading the CSV files back) in memory that does not grow with the
 * run's length:
 *
 *   time-series rows -> per service, the mean of every `bucketSteps` consecutive steps (a point)
 *   node rows        -> the same per node pool
 *   events           -> scaling decisions, at most one per service, kind and time slot (rule marks)
 *                    -> the first MAX_TABLE_EVENTS events (the page's table) and their count
 *
 * Both paths feed the values as the CSV files hold them (rounded to 6 decimals), so a report
 * regenerated from a run folder is byte-identical to the one written by the run.
 */
import type { NodeRow, RunResult, TimeseriesRow } from '../model/simulate.js';
import type { Scenario } from '../scenario/types.js';
import type { BandPoint, Replications } from './replications.js';

/** At most this many points per series (service and measure) in a chart. */
export const MAX_POINTS_PER_SERIES = 2000;
/** At most this many decision marks per service and kind: a rule per 15 s sync over a day is a solid block. */
export const MAX_DECISIONS_PER_SERIES = 300;
/** The page's events table shows the first this many events; events.csv has them all. */
export const MAX_TABLE_EVENTS = 2000;

/** One row of events.csv. */
export interface EventRow {
  timeS: number;
  service: string;
  event: string;
  detail: string;
}

/** The unit of the charts' time axis, chosen from the run's duration. */
export interface TimeUnit {
  /** As written in axis titles: s, min, h. */
  label: 's' | 'min' | 'h';
  seconds: number;
}

export function timeUnitFor(durationSeconds: number): TimeUnit {
  if (durationSeconds <= 180) return { label: 's', seconds: 1 };
  if (durationSeconds <= 3 * 3600) return { label: 'min', seconds: 60 };
  return { label: 'h', seconds: 3600 };
}

/**
 * One chart point: the mean of a service's rows over one bucket of steps, at the bucket's end.
 * Field names are timeseries.csv's, so a tooltip reads like the file; `time` is in the chart's unit.
 */
export interface SeriesPoint {
  time: number;
  service: string;
  offered_fps: number;
  infer_fps: number;
  drop_fps: number;
  replicas: number;
  ready_replicas: number;
  desired_replicas: number;
  queue_length: number;
  latency_p50_s: number | null;
  latency_p95_s: number | null;
  latency_p99_s: number | null;
  hpa_metric: number | null;
  hpa_target: number | null;
}

/** One chart point of a node pool, like SeriesPoint (field names are nodes.csv's). */
export interface NodePoint {
  time: number;
  pool: string;
  nodes: number;
  cpu_cores: number;
  cpu_requested_cores: number;
  cpu_used_cores: number;
  cpu_utilization: number | null;
}

export type Measure = Exclude<keyof SeriesPoint, 'time' | 'service'>;
type NodeMeasure = Exclude<keyof NodePoint, 'time' | 'pool'>;

const NODE_MEASURES: readonly [NodeMeasure, keyof NodeRow][] = [
  ['nodes', 'nodes'],
  ['cpu_cores', 'cpuCores'],
  ['cpu_requested_cores', 'cpuRequestedCores'],
  ['cpu_used_cores', 'cpuUsedCores'],
  ['cpu_utilization', 'cpuUtilization'],
];

export const MEASURES: readonly [Measure, keyof TimeseriesRow][] = [
  ['offered_fps', 'offeredFps'],
  ['infer_fps', 'inferFps'],
  ['drop_fps', 'dropFps'],
  ['replicas', 'replicas'],
  ['ready_replicas', 'readyReplicas'],
  ['desired_replicas', 'desiredReplicas'],
  ['queue_length', 'queueLength'],
  ['latency_p50_s', 'latencyP50S'],
  ['latency_p95_s', 'latencyP95S'],
  ['latency_p99_s', 'latencyP99S'],
  ['hpa_metric', 'hpaMetric'],
  ['hpa_target', 'hpaTarget'],
];

/** Kinds of event drawn as decisions on the replicas chart, and how the legend names them. */
export const DECISION_KINDS: Readonly<Record<string, string>> = {
  'hpa-rescale': 'HPA rescale',
  'hpa-limited': 'HPA limited',
  'hpa-stabilized': 'HPA stabilized',
  scale: 'manual scale',
  'keda-scale': 'KEDA scale',
  'kpa-scale': 'KPA scale',
  'oracle-scale': 'oracle scale',
};

/** A scaling decision drawn as a rule; `more` counts the decisions of its slot that it stands for. */
export interface DecisionMark {
  time: number;
  service: string;
  kind: string;
  detail: string;
  more: number;
}

/** Everything a report is made of, whichever way it was gathered. */
export interface ReportInput {
  /** As summary.json holds it (numbers rounded to 6 decimals). */
  result: RunResult;
  /** The scenario as run (scenario.json); null for a run folder written before scenario.json existed. */
  scenario: Scenario | null;
  timeUnit: TimeUnit;
  stepSeconds: number;
  /** Steps averaged into one point (1: every step is a point). */
  bucketSteps: number;
  /** With several seeds: the median over seeds of each point's values. */
  points: SeriesPoint[];
  /** Each point's time in seconds, as timeseries.csv writes the step that ends its bucket. */
  pointTimesS: number[];
  /** With several seeds (`simulate --seeds N`): the p5 and p95 of each point, in the order of `points`. */
  bands: BandPoint[] | null;
  /** With several seeds: every KPI's median and p5-p95 over the seeds. */
  replications: Replications | null;
  /** Per node pool (nodes.csv); empty for a run folder written before nodes.csv existed. */
  nodePoints: NodePoint[];
  decisions: DecisionMark[];
  /** Decisions that were folded into another's mark because their slot was taken. */
  decisionsFolded: number;
  /** Seconds per decision slot. */
  decisionSlotSeconds: number;
  /** The first MAX_TABLE_EVENTS events, in time order. */
  events: EventRow[];
  eventCount: number;
}

/** The number of steps of a run, as simulate counts them (the last one may be shorter). */
export function stepCount(durationUs: number, stepUs: number): number {
  return Math.ceil(durationUs / Math.min(stepUs, durationUs));
}

/** Exact powers of ten, 10^0 to 10^22 (every one a double). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Chart values keep 6 significant digits: enough to draw, and a third of the bytes of full doubles.
 * `Number(x.toPrecision(6))`, several times faster (a multi-seed run calls it for every measure of
 * every point of every seed). toPrecision rounds the exact value of |x| to n x 10^(e-5) with n of six
 * digits; |x| scaled by an exact power of ten is a correctly rounded quotient or product, so
 * Math.round of it picks the same n unless it lies within its rounding error of a half, and then
 * toPrecision decides. n times or over the exact power of ten is the double nearest to the decimal,
 * as Number() of toPrecision's digits is. Zero comes back as 0 (toPrecision writes -0 as "0.00000").
 */
export function compact(x: number): number {
  const ax = Math.abs(x);
  if (ax === 0) return 0;
  if (ax >= 1e-10 && ax < 1e15) {
    // The exponent e with 10^e <= ax < 10^(e+1); log10 can miss by one next to a power of ten.
    let e = Math.floor(Math.log10(ax));
    let y = scaled(ax, 5 - e);
    if (y < 1e5) y = scaled(ax, 5 - --e);
    else if (y >= 1e6) y = scaled(ax, 5 - ++e);
    const f = y - Math.floor(y);
    if (y >= 1e5 && y < 1e6 && (f < 0.499999 || f > 0.500001)) {
      const n = Math.round(y);
      const v = e <= 5 ? n / POW10[5 - e] : n * POW10[e - 5];
      return x < 0 ? -v : v;
    }
  }
  return Number(x.toPrecision(6));
}

/** ax x 10^k, correctly rounded (for -22 <= k <= 22). */
function scaled(ax: number, k: number): number {
  return k >= 0 ? ax * POW10[k] : ax / POW10[-k];
}

interface Bucket {
  count: number;
  lastTimeS: number;
  sums: number[];
  counts: number[];
}

export class ReportCollector {
  readonly timeUnit: TimeUnit;
  readonly bucketSteps: number;
  readonly decisionSlotSeconds: number;
  private readonly stepSeconds: number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly points: SeriesPoint[] = [];
  private readonly pointTimesS: number[] = [];
  private readonly nodeBuckets = new Map<string, Bucket>();
  private readonly nodePoints: NodePoint[] = [];
  private readonly decisions = new Map<string, DecisionMark>();
  private decisionsFolded = 0;
  private readonly events: EventRow[] = [];
  private eventCount = 0;

  /** `durationUs` and `stepUs` as the run used them (after --duration). */
  constructor(durationUs: number, stepUs: number) {
    const steps = stepCount(durationUs, stepUs);
    this.stepSeconds = Math.min(stepUs, durationUs) / 1e6;
    this.timeUnit = timeUnitFor(durationUs / 1e6);
    this.bucketSteps = Math.max(1, Math.ceil(steps / MAX_POINTS_PER_SERIES));
    this.decisionSlotSeconds = durationUs / 1e6 / MAX_DECISIONS_PER_SERIES;
  }

  /** A time-series row with its values as timeseries.csv holds them. */
  row(r: TimeseriesRow): void {
    const b = this.add(this.buckets, r.service, MEASURES, r as unknown as Record<string, unknown>, r.timeS);
    if (b.count === this.bucketSteps) this.emit(r.service, b);
  }

  /** A node-pool row with its values as nodes.csv holds them. */
  node(r: NodeRow): void {
    const b = this.add(
      this.nodeBuckets,
      r.pool,
      NODE_MEASURES,
      r as unknown as Record<string, unknown>,
      r.timeS,
    );
    if (b.count === this.bucketSteps) this.emitNode(r.pool, b);
  }

  private add(
    buckets: Map<string, Bucket>,
    key: string,
    measures: readonly (readonly [string, string])[],
    r: Record<string, unknown>,
    timeS: number,
  ): Bucket {
    let b = buckets.get(key);
    if (!b) {
      b = { count: 0, lastTimeS: 0, sums: measures.map(() => 0), counts: measures.map(() => 0) };
      buckets.set(key, b);
    }
    for (let i = 0; i < measures.length; i++) {
      const v = r[measures[i][1]] as number | null;
      if (v === null) continue;
      b.sums[i] += v;
      b.counts[i]++;
    }
    b.count++;
    b.lastTimeS = timeS;
    return b;
  }

  /** An event with its time as events.csv holds it. */
  event(e: EventRow): void {
    this.eventCount++;
    if (this.events.length < MAX_TABLE_EVENTS) this.events.push(e);
    const kind = DECISION_KINDS[e.event];
    if (kind === undefined) return;
    // Events arrive in time order, so the first of a slot is its earliest; later ones are counted.
    const slot = Math.floor(e.timeS / this.decisionSlotSeconds);
    const key = `${e.service}\u0000${e.event}\u0000${slot}`;
    const taken = this.decisions.get(key);
    if (taken) {
      taken.more++;
      this.decisionsFolded++;
      return;
    }
    this.decisions.set(key, {
      time: compact(e.timeS / this.timeUnit.seconds),
      service: e.service,
      kind,
      detail: e.detail,
      more: 0,
    });
  }

  finish(result: RunResult, scenario: Scenario | null): ReportInput {
    for (const [service, b] of this.buckets) if (b.count > 0) this.emit(service, b);
    for (const [pool, b] of this.nodeBuckets) if (b.count > 0) this.emitNode(pool, b);
    return {
      result,
      scenario,
      timeUnit: this.timeUnit,
      stepSeconds: this.stepSeconds,
      bucketSteps: this.bucketSteps,
      points: this.points,
      pointTimesS: this.pointTimesS,
      bands: null,
      replications: null,
      nodePoints: this.nodePoints,
      decisions: [...this.decisions.values()],
      decisionsFolded: this.decisionsFolded,
      decisionSlotSeconds: this.decisionSlotSeconds,
      events: this.events,
      eventCount: this.eventCount,
    };
  }

  private emit(service: string, b: Bucket): void {
    this.pointTimesS.push(b.lastTimeS);
    this.points.push(this.point({ service }, MEASURES, b) as unknown as SeriesPoint);
  }

  private emitNode(pool: string, b: Bucket): void {
    this.nodePoints.push(this.point({ pool }, NODE_MEASURES, b) as unknown as NodePoint);
  }

  /** The bucket's means as a point (keyed by `key`), and the bucket emptied. */
  private point(
    key: Record<string, string>,
    measures: readonly (readonly [string, string])[],
    b: Bucket,
  ): Record<string, number | string | null> {
    const p: Record<string, number | string | null> = {
      time: compact(b.lastTimeS / this.timeUnit.seconds),
      ...key,
    };
    for (let i = 0; i < measures.length; i++) {
      p[measures[i][0]] = b.counts[i] === 0 ? null : compact(b.sums[i] / b.counts[i]);
      b.sums[i] = 0;
      b.counts[i] = 0;
    }
    b.count = 0;
    return p;
  }
}
