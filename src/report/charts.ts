/**
 * The report's charts as Vega-Lite v6 specs, one function per chart. Every chart is a column of
 * panels, one per service (one per node pool for `nodesChart`), over a shared time axis:
 *
 *   fpsChart       offered, inferred and dropped frames per second
 *   replicasChart  replicas, Ready replicas, desired replicas, and scaling decisions as rules
 *   queueChart     queue length against the queue's capacity
 *   latencyChart   p50, p95 and p99 latency of the frames finished in each step
 *   hpaChart       the metric each autoscaler saw against its target (services with one only)
 *   nodesChart     CPU used by the pods of each node pool, against requested and capacity
 *
 * The data is inline, as named `datasets` (`series`, `decisions`; `nodes`) that every panel filters
 * by service (or pool), so the HTML page can carry one copy for all charts. With `interactive`, each panel also
 * gets a hover rule with a tooltip of its values, and the time axis zooms and pans (an interval
 * selection bound to the x scale of every panel); the static specs, rendered to SVG, leave both out.
 *
 * Specs are typed as plain JSON here: the tests validate every one against the Vega-Lite schema
 * shipped in node_modules, which is stricter than Vega-Lite's TypeScript types.
 */
import type { MetricSpec, MetricTarget } from '../autoscale/hpa/types.js';
import type { ServiceConfig } from '../scenario/types.js';
import type { NodePoint, ReportInput, SeriesPoint } from './series.js';
import { MAX_POINTS_PER_SERIES, MEASURES, type Measure } from './series.js';

export type VlSpec = { [key: string]: unknown };

export interface ChartSpec {
  /** File name stem: charts/NAME.vl.json and charts/NAME.svg. */
  name: string;
  title: string;
  spec: VlSpec;
}

export interface ChartOptions {
  /** Add hover tooltips and time zoom (for the HTML page). */
  interactive: boolean;
}

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The look every panel chart shares (the report's and replay's). */
export const PANEL_CONFIG: VlSpec = {
  aria: false,
  view: { stroke: '#ddd' },
  title: { subtitleColor: '#555' },
  legend: { orient: 'top', title: null, symbolOpacity: 1 },
  axis: { labelFontSize: 10, titleFontSize: 11, gridColor: '#eee' },
};
const WIDTH = 720;
const PANEL_HEIGHT = 90;

type Field = Exclude<keyof SeriesPoint, 'time' | 'service'> | Exclude<keyof NodePoint, 'time' | 'pool'>;

/** The rows a chart draws: per service (`series`, the default) or per node pool (`nodes`). */
type Dataset = 'series' | 'nodes';
const DATASET_KEY: Record<Dataset, 'service' | 'pool'> = { series: 'service', nodes: 'pool' };
type Point = Record<string, unknown> & { time: number };

/** One line of a panel: a column of the series, its legend label, its colour. */
interface Line {
  field: Field;
  label: string;
  color: string;
  dash?: number[];
}

/** What a panel's extra layers share with its lines. */
interface Panel {
  /** The service (or node pool) the panel shows. */
  group: string;
  x: VlSpec;
  color: VlSpec;
  yTitle: string;
}

interface PanelChart {
  name: string;
  title: string;
  /** What the chart shows: subtitle lines, each short enough for the chart's width. */
  about: string[];
  /** Default `series`. */
  dataset?: Dataset;
  /** One panel per entry: services (or node pools). */
  groups: string[];
  panelTitle: (group: string) => string;
  yTitle: (group: string) => string;
  /** Extra y axis properties (e.g. whole ticks for replica counts). */
  yAxis?: VlSpec;
  lines: Line[];
  /** Step functions (replica counts, what the HPA saw at its last sync) draw as steps. */
  steps?: boolean;
  /**
   * Cut the y axis above the bulk of the values when a few outliers (a startup burst) would flatten
   * everything else; the panel title then gives the peak. `keepY` are values that must stay visible.
   */
  cutOutliers?: { keepY: (group: string) => number[] };
  /** Layers drawn over the lines of one panel (the capacity rule). */
  extraLayers?: (panel: Panel) => VlSpec[];
  /** Layers drawn under the lines (decision rules: many of them must not hide the lines). */
  underLayers?: (panel: Panel) => VlSpec[];
  /** Colour entries of the extra layers, after the lines' entries. */
  extraColors?: { label: string; color: string }[];
  /** Extra subtitle lines. */
  notes?: string[];
}

/** Seconds as the subtitle writes them: 1 s, 44 s, 2.5 min, 1.2 h. */
function span(seconds: number): string {
  const round = (x: number) => String(Number(x.toFixed(2)));
  if (seconds < 120) return `${round(seconds)} s`;
  if (seconds < 7200) return `${round(seconds / 60)} min`;
  return `${round(seconds / 3600)} h`;
}

function samplingNote(input: ReportInput): string {
  if (input.bucketSteps === 1) return `One point per ${span(input.stepSeconds)} step.`;
  return (
    `Each point: the mean over ${span(input.bucketSteps * input.stepSeconds)} (${input.bucketSteps} steps) ` +
    `ending at its time; at most ${MAX_POINTS_PER_SERIES} points per series.`
  );
}

function timeAxis(input: ReportInput, titled: boolean): VlSpec {
  const unit = input.timeUnit;
  return {
    field: 'time',
    type: 'quantitative',
    title: titled ? `time (${unit.label})` : null,
    axis: { format: '~g' },
    scale: { domain: [0, Number((input.result.durationSeconds / unit.seconds).toPrecision(6))], nice: false },
  };
}

function colorScale(def: PanelChart): VlSpec {
  const entries = [...def.lines.map((l) => ({ label: l.label, color: l.color })), ...(def.extraColors ?? [])];
  return { domain: entries.map((e) => e.label), range: entries.map((e) => e.color) };
}

function byGroup(dataset: Dataset, group: string): VlSpec {
  return { data: { name: dataset }, transform: [{ filter: { field: DATASET_KEY[dataset], equal: group } }] };
}

/** The smallest of 1, 2, 2.5, 5 x 10^k that is at least `x`. */
function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= x * (1 - 1e-12))!;
}

/** Figures in panel titles: 3 significant digits. */
function short(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/**
 * The y range to draw when the largest values are outliers: the 95th percentile of the panel's
 * values, with room above; null when nothing sticks out by more than 3x. (A startup backlog lasts a
 * few dozen steps of a 10-minute run: the 99th percentile would still sit inside it.)
 */
function outlierCut(values: number[], keep: number[]): { top: number; peak: number } | null {
  if (values.length < 20) return null;
  values.sort((a, b) => a - b);
  const p95 = values[Math.floor(0.95 * (values.length - 1))];
  const peak = values[values.length - 1];
  if (!(p95 > 0 && peak > 3 * p95)) return null;
  const top = niceCeil(Math.max(1.5 * p95, ...keep.map((k) => 1.1 * k)));
  return top < peak ? { top, peak } : null;
}

/** Every chart: a column of per-service (or per-pool) panels sharing the time axis and one legend. */
function panelChart(input: ReportInput, options: ChartOptions, def: PanelChart): ChartSpec {
  const color = colorScale(def);
  const fields = def.lines.map((l) => l.field);
  const dataset = def.dataset ?? 'series';
  const key = DATASET_KEY[dataset];
  const points = (dataset === 'series' ? input.points : input.nodePoints) as unknown as Point[];
  const bands = dataset === 'series' ? input.bands : null;
  // Each panel's drawn values (with several seeds, the bands' upper edges too), for the outlier cut.
  const byGroupValues = new Map<string, number[]>();
  points.forEach((p, i) => {
    const g = p[key] as string;
    if (!byGroupValues.has(g)) byGroupValues.set(g, []);
    const values = byGroupValues.get(g)!;
    const b = bands?.[i] as Record<string, number | null> | undefined;
    for (const f of fields) {
      const v = (b ? b[`${f}_p95`] : p[f]) as number | null | undefined;
      if (v !== null && v !== undefined) values.push(v);
    }
  });
  const zoomViews: string[] = [];
  const panels = def.groups.map((group, i) => {
    const panel: Panel = {
      group,
      x: timeAxis(input, i === def.groups.length - 1),
      color,
      yTitle: def.yTitle(group),
    };
    const cut = def.cutOutliers
      ? outlierCut(byGroupValues.get(group) ?? [], def.cutOutliers.keepY(group))
      : null;
    const lines = linesLayer(def, dataset, panel, cut?.top ?? null);
    const layers: VlSpec[] = bands ? bandLayers(def, panel, cut?.top ?? null) : [];
    if (options.interactive) {
      // The zoom selection lives in the lines' view (a unit with a field on x).
      const view = `${def.name}_${i}`;
      zoomViews.push(view);
      layers.push(
        ...(def.underLayers?.(panel) ?? []),
        { name: view, ...lines[0] },
        ...lines.slice(1),
        ...(def.extraLayers?.(panel) ?? []),
      );
      layers.push(hoverLayer(input, def, dataset, panel, `${def.name}_hover_${i}`));
    } else layers.push(...(def.underLayers?.(panel) ?? []), ...lines, ...(def.extraLayers?.(panel) ?? []));
    const title = def.panelTitle(group);
    return {
      title: cut ? `${title} (y axis cut: peak ${short(cut.peak)})` : title,
      width: WIDTH,
      height: PANEL_HEIGHT,
      layer: layers,
    };
  });
  const spec: VlSpec = {
    $schema: SCHEMA,
    title: {
      text: def.title,
      subtitle: [...def.about, samplingNote(input), ...seedNote(input), ...(def.notes ?? [])],
      anchor: 'start',
    },
    datasets: {
      [dataset]: points.map((p, i) => {
        const row: Record<string, unknown> = { time: p.time, [key]: p[key] };
        for (const f of fields) row[f] = p[f];
        const b = bands?.[i] as Record<string, number | null> | undefined;
        if (b) for (const f of fields) ((row[`${f}_p5`] = b[`${f}_p5`]), (row[`${f}_p95`] = b[`${f}_p95`]));
        return row;
      }),
      ...(dataset === 'series' ? { decisions: input.decisions } : {}),
    },
    ...(options.interactive
      ? {
          params: [
            {
              name: `${def.name}_zoom`,
              select: { type: 'interval', encodings: ['x'] },
              bind: 'scales',
              views: zoomViews,
            },
          ],
        }
      : {}),
    vconcat: panels,
    spacing: 14,
    resolve: { scale: { x: 'shared', y: 'independent', color: 'shared' } },
    config: PANEL_CONFIG,
  };
  return { name: def.name, title: def.title, spec };
}

/**
 * A panel's lines as one mark: the wide rows folded to one row per line and step, each labelled as
 * the legend names it (the colour scale is keyed by label, and only a field can carry a scale).
 */
function linesLayer(def: PanelChart, dataset: Dataset, panel: Panel, yTop: number | null): VlSpec[] {
  // One layer per line, each reading its own column: no fold to three times the rows and no nested
  // label expression per row (together a fifth of the drawing time). Each row gets its line's label
  // as a constant field, so every layer colours by field on the one shared scale and legend (a
  // `datum` colour cannot carry the scale).
  return def.lines.map((l) => ({
    data: { name: dataset },
    transform: [
      { filter: { field: DATASET_KEY[dataset], equal: panel.group } },
      { calculate: JSON.stringify(l.label), as: 'series' },
    ],
    mark: {
      type: 'line',
      strokeWidth: 1.2,
      interpolate: def.steps ? 'step-before' : 'linear',
      ...(l.dash ? { strokeDash: l.dash } : {}),
      ...(yTop === null ? {} : { clip: true }),
    },
    encoding: {
      x: panel.x,
      y: {
        field: l.field,
        type: 'quantitative',
        title: panel.yTitle,
        ...(def.yAxis ? { axis: def.yAxis } : {}),
        ...(yTop === null ? {} : { scale: { domain: [0, yTop] } }),
      },
      color: { field: 'series', type: 'nominal', scale: panel.color },
    },
  }));
}

/**
 * The `series` dataset: each point's `fields` (default: all), and with several seeds each field's
 * `_p5` and `_p95` beside it.
 */
export function seriesRows(
  input: ReportInput,
  fields: readonly Measure[] = MEASURES.map(([m]) => m),
): VlSpec[] {
  return input.points.map((p, i) => {
    const row: VlSpec = { time: p.time, service: p.service };
    for (const f of fields) row[f] = p[f];
    const b = input.bands?.[i];
    if (b) for (const f of fields) ((row[`${f}_p5`] = b[`${f}_p5`]), (row[`${f}_p95`] = b[`${f}_p95`]));
    return row;
  });
}

/** With several seeds: each line's p5-p95 band over the seeds, shaded in the line's colour under it. */
function bandLayers(def: PanelChart, panel: Panel, yTop: number | null): VlSpec[] {
  return def.lines.map((l) => ({
    ...byGroup('series', panel.group),
    mark: {
      type: 'area',
      opacity: 0.22,
      color: l.color,
      interpolate: def.steps ? 'step-before' : 'linear',
      ...(yTop === null ? {} : { clip: true }),
    },
    encoding: {
      x: panel.x,
      y: {
        field: `${l.field}_p5`,
        type: 'quantitative',
        title: panel.yTitle,
        ...(yTop === null ? {} : { scale: { domain: [0, yTop] } }),
      },
      y2: { field: `${l.field}_p95` },
    },
  }));
}

function seedNote(input: ReportInput): string[] {
  const seeds = input.replications?.seeds;
  if (!seeds) return [];
  return [
    `Lines: the median of ${seeds.length} seeds (${seeds[0]}–${seeds[seeds.length - 1]}); shaded: p5–p95 over the seeds` +
      (input.decisions.length ? `; rules: seed ${seeds[0]}'s decisions.` : '.'),
  ];
}

/** A rule at the hovered step with every value of the panel in its tooltip. */
function hoverLayer(
  input: ReportInput,
  def: PanelChart,
  dataset: Dataset,
  panel: Panel,
  param: string,
): VlSpec {
  return {
    ...byGroup(dataset, panel.group),
    params: [
      {
        name: param,
        select: { type: 'point', fields: ['time'], nearest: true, on: 'pointerover', clear: 'pointerout' },
      },
    ],
    mark: { type: 'rule', color: '#666' },
    encoding: {
      x: panel.x,
      opacity: { condition: { param, empty: false, value: 0.5 }, value: 0 },
      tooltip: [
        { field: 'time', type: 'quantitative', title: `time (${input.timeUnit.label})` },
        { field: DATASET_KEY[dataset], type: 'nominal' },
        ...def.lines.map((l) => ({ field: l.field, type: 'quantitative', title: l.label, format: '.4~f' })),
      ],
    },
  };
}

function serviceNames(input: ReportInput): string[] {
  return input.result.services.map((s) => s.service);
}

export function fpsChart(input: ReportInput, options: ChartOptions): ChartSpec {
  return panelChart(input, options, {
    name: 'fps',
    title: 'Frames per second: offered, inferred, dropped',
    about: ['Frames pushed by the streams, inferred by Ready replicas and dropped, per service.'],
    groups: serviceNames(input),
    panelTitle: (s) => s,
    yTitle: () => 'frames/s',
    cutOutliers: { keepY: () => [] },
    lines: [
      { field: 'offered_fps', label: 'offered', color: '#4c78a8' },
      { field: 'infer_fps', label: 'inferred', color: '#54a24b' },
      { field: 'drop_fps', label: 'dropped', color: '#e45756' },
    ],
  });
}

export function replicasChart(input: ReportInput, options: ChartOptions): ChartSpec {
  const kinds = [...new Set(input.decisions.map((d) => d.kind))].sort();
  const kindColors: Record<string, string> = {
    'HPA rescale': '#b279a2',
    'HPA limited': '#f58518',
    'HPA stabilized': '#9d755d',
    'manual scale': '#000000',
    'KEDA scale': '#72b7b2',
    'KPA scale': '#eeca3b',
    'oracle scale': '#ff9da6',
  };
  const notes =
    input.decisionsFolded > 0
      ? [
          `Rules: the first decision of each kind per ${span(input.decisionSlotSeconds)} and service; ` +
            `${input.decisionsFolded} more are in events.csv.`,
        ]
      : [];
  return panelChart(input, options, {
    name: 'replicas',
    title: 'Replicas and scaling decisions',
    about: [
      'Pods not terminating, Ready pods, and what the HPA or the last manual scale asks for;',
      'vertical rules mark HPA decisions and manual scales (hover them in index.html).',
    ],
    groups: serviceNames(input),
    panelTitle: (s) => s,
    yTitle: () => 'replicas',
    yAxis: { tickMinStep: 1 },
    lines: [
      { field: 'replicas', label: 'replicas', color: '#4c78a8' },
      { field: 'ready_replicas', label: 'ready', color: '#54a24b' },
      { field: 'desired_replicas', label: 'desired', color: '#888888', dash: [4, 3] },
    ],
    steps: true,
    extraColors: kinds.map((k) => ({ label: k, color: kindColors[k] ?? '#bab0ac' })),
    underLayers: ({ group: service, x, color }) =>
      input.decisions.some((d) => d.service === service)
        ? [
            {
              data: { name: 'decisions' },
              transform: [{ filter: { field: 'service', equal: service } }],
              mark: { type: 'rule', strokeWidth: 1, opacity: 0.45 },
              encoding: {
                x,
                color: { field: 'kind', type: 'nominal', scale: color },
                tooltip: [
                  { field: 'time', type: 'quantitative', title: `time (${input.timeUnit.label})` },
                  { field: 'kind', type: 'nominal', title: 'decision' },
                  { field: 'detail', type: 'nominal' },
                  { field: 'more', type: 'quantitative', title: 'more in this interval' },
                ],
              },
            },
          ]
        : [],
    notes,
  });
}

export function queueChart(input: ReportInput, options: ChartOptions): ChartSpec {
  const capacity = (service: string): number | null =>
    input.scenario?.services.find((s) => s.name === service)?.queueCapacity ?? null;
  const known = serviceNames(input).some((s) => capacity(s) !== null);
  return panelChart(input, options, {
    name: 'queue',
    title: 'Queue length against capacity',
    about: [
      known
        ? 'Frames waiting in each queue at the end of each step; the dashed rule is its capacity.'
        : 'Frames waiting in each queue at the end of each step (capacity unknown: no scenario.json).',
    ],
    groups: serviceNames(input),
    panelTitle: (s) => s,
    yTitle: () => 'frames',
    cutOutliers: { keepY: (s) => [capacity(s) ?? 0] },
    lines: [{ field: 'queue_length', label: 'queue length', color: '#4c78a8' }],
    extraColors: known ? [{ label: 'capacity', color: '#e45756' }] : [],
    extraLayers: ({ group: service, color, yTitle }) => {
      const cap = capacity(service);
      return cap === null
        ? []
        : [
            {
              data: { values: [{ capacity: cap, series: 'capacity' }] },
              mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.2 },
              encoding: {
                y: { field: 'capacity', type: 'quantitative', title: yTitle },
                color: { field: 'series', type: 'nominal', scale: color },
              },
            },
          ];
    },
  });
}

export function latencyChart(input: ReportInput, options: ChartOptions): ChartSpec {
  return panelChart(input, options, {
    name: 'latency',
    title: 'Latency p50, p95, p99',
    about: [
      'Percentiles of queue wait plus service time of the frames finished in each step;',
      'gaps: no frame finished.',
    ],
    groups: serviceNames(input),
    panelTitle: (s) => s,
    yTitle: () => 'latency (s)',
    cutOutliers: { keepY: () => [] },
    lines: [
      { field: 'latency_p50_s', label: 'p50', color: '#54a24b' },
      { field: 'latency_p95_s', label: 'p95', color: '#4c78a8' },
      { field: 'latency_p99_s', label: 'p99', color: '#e45756' },
    ],
  });
}

/** How a chart names an HPA's first metric and its unit. */
export function hpaMetricLabel(metric: MetricSpec | undefined): { name: string; unit: string } {
  if (!metric) return { name: 'first HPA metric', unit: 'value (% for utilization)' };
  const resource = (name: string, target: MetricTarget) =>
    target.type === 'Utilization'
      ? { name: `${name} utilization`, unit: `% of ${name} request` }
      : { name: `${name} per pod`, unit: name === 'cpu' ? 'cores' : name };
  switch (metric.type) {
    case 'Resource':
      return resource(metric.resource.name, metric.resource.target);
    case 'ContainerResource':
      return resource(
        `${metric.containerResource.name} of ${metric.containerResource.container}`,
        metric.containerResource.target,
      );
    case 'Pods':
      return { name: `${metric.pods.metricName} (mean over pods)`, unit: metric.pods.metricName };
    case 'Object':
      return { name: metric.object.metricName, unit: metric.object.metricName };
    case 'External':
      return { name: metric.external.metricName, unit: metric.external.metricName };
    default: {
      const never: never = metric;
      return never;
    }
  }
}

/** Services with an autoscaler: from the scenario when known, else those whose rows carry a target. */
function hpaServices(input: ReportInput): { service: string; config: ServiceConfig | null }[] {
  const names = serviceNames(input);
  if (input.scenario) {
    const configs = input.scenario.services;
    return names
      .map((service) => ({ service, config: configs.find((c) => c.name === service) ?? null }))
      .filter((s) => s.config?.hpa || (s.config?.autoscaler && s.config.autoscaler.policy !== 'oracle'));
  }
  const targeted = new Set(input.points.filter((p) => p.hpa_target !== null).map((p) => p.service));
  return names.filter((n) => targeted.has(n)).map((service) => ({ service, config: null }));
}

/** How a chart names the metric a service's autoscaler decides on, and its unit. */
function autoscalerMetricLabel(config: ServiceConfig | null | undefined): { name: string; unit: string } {
  const a = config?.autoscaler;
  if (a?.policy === 'keda') return hpaMetricLabel(a.keda.hpa.metrics[0]);
  if (a?.policy === 'kpa') {
    return a.kpa.metric === 'rps'
      ? { name: 'frames/s per ready pod (KPA stable window)', unit: 'frames/s' }
      : { name: 'frames in flight per ready pod (KPA stable window)', unit: 'frames' };
  }
  return hpaMetricLabel(config?.hpa?.metrics[0]);
}

/** The metric each autoscaler saw at its last decision against its target; null when none has one. */
export function hpaChart(input: ReportInput, options: ChartOptions): ChartSpec | null {
  const services = hpaServices(input);
  if (services.length === 0) return null;
  const label = (service: string) =>
    autoscalerMetricLabel(services.find((s) => s.service === service)?.config);
  // Runs whose autoscalers are all HPAs keep the HPA's own wording.
  const onlyHpas = services.every((s) => !s.config?.autoscaler);
  return panelChart(input, options, {
    name: 'hpa',
    title: onlyHpas ? 'What each HPA saw against its target' : 'What each autoscaler saw against its target',
    about: onlyHpas
      ? [
          "Each HPA's first metric as the controller read it at its last sync (after the metrics",
          "pipeline's delays), and its target.",
        ]
      : [
          "Each autoscaler's metric at its last decision, and its target: an HPA's (or KEDA's HPA's) first",
          "metric at its last sync; a KPA's stable-window average per ready pod.",
        ],
    groups: services.map((s) => s.service),
    panelTitle: (s) => `${s}: ${label(s).name}`,
    yTitle: (s) => label(s).unit,
    lines: [
      {
        field: 'hpa_metric',
        label: onlyHpas ? 'seen by the HPA' : 'seen by the autoscaler',
        color: '#4c78a8',
      },
      { field: 'hpa_target', label: 'target', color: '#e45756', dash: [5, 3] },
    ],
    steps: true,
  });
}

/** CPU the pods of each node pool used per step, against what they request and the pool's cores. */
export function nodesChart(input: ReportInput, options: ChartOptions): ChartSpec | null {
  const pools = [...new Set(input.nodePoints.map((p) => p.pool))];
  if (pools.length === 0) return null;
  const nodes = (pool: string) => input.nodePoints.find((p) => p.pool === pool)?.nodes ?? 0;
  return panelChart(input, options, {
    name: 'nodes',
    title: 'Node CPU per pool: used, requested, capacity',
    about: [
      "Cores the pool's pods were busy in each step (background load not included), the CPU",
      "they request, and the pool's cores.",
    ],
    dataset: 'nodes',
    groups: pools,
    panelTitle: (p) => `${p} (${nodes(p)} node${nodes(p) === 1 ? '' : 's'})`,
    yTitle: () => 'cores',
    lines: [
      { field: 'cpu_used_cores', label: 'used', color: '#4c78a8' },
      { field: 'cpu_requested_cores', label: 'requested', color: '#f58518' },
      { field: 'cpu_cores', label: 'capacity', color: '#888888', dash: [4, 3] },
    ],
  });
}

/** Every chart of a run, in the order the report shows them. */
export function reportCharts(input: ReportInput, options: ChartOptions): ChartSpec[] {
  const charts = [
    fpsChart(input, options),
    replicasChart(input, options),
    queueChart(input, options),
    latencyChart(input, options),
    hpaChart(input, options),
    nodesChart(input, options),
  ];
  return charts.filter((c): c is ChartSpec => c !== null);
}
