/**
 * The fidelity charts, drawn like the run report's (report/charts.ts: Vega-Lite v6, one panel per
 * service over a shared time axis, rendered to SVG by report/svg.ts): recorded and simulated lines
 * of one measure overlaid, the simulated one dashed. Long series are averaged over equal buckets of
 * steps (at most 2000 points per line), as the run report does.
 */
import { PANEL_CONFIG, SCHEMA, type VlSpec } from '../report/charts.js';
import { MAX_POINTS_PER_SERIES } from '../report/series.js';
import type { Fidelity, FidelityMeasure } from './fidelity.js';

const TITLES: Record<FidelityMeasure, { title: string; y: string; steps: boolean }> = {
  replicas: { title: 'Replicas: recorded and simulated', y: 'replicas', steps: true },
  infer_fps: {
    title: 'Inferred frames per second (sum of the pods’ ei_infer_fps)',
    y: 'frames/s',
    steps: false,
  },
  drop_fps: {
    title: 'Dropped frames per second (sum of the pods’ ei_drop_fps)',
    y: 'frames/s',
    steps: false,
  },
};

function timeUnit(seconds: number): { label: string; seconds: number } {
  if (seconds <= 600) return { label: 's', seconds: 1 };
  if (seconds <= 7200) return { label: 'min', seconds: 60 };
  return { label: 'h', seconds: 3600 };
}

export function fidelityChart(
  f: Fidelity,
  measure: FidelityMeasure,
  stepS: number,
): { name: string; spec: VlSpec } {
  const services = [...new Set(f.points.map((p) => p.service))];
  const end = f.points.reduce((a, p) => Math.max(a, p.timeS), 0);
  const unit = timeUnit(end);
  const perService = f.points.length / Math.max(1, services.length);
  const bucket = Math.max(1, Math.ceil(perService / MAX_POINTS_PER_SERIES));
  const rows: Record<string, unknown>[] = [];
  for (const s of services) {
    const pts = f.points.filter((p) => p.service === s);
    for (let i = 0; i < pts.length; i += bucket) {
      const chunk = pts.slice(i, i + bucket);
      const rec = chunk.map((p) => p.recorded[measure]).filter((v): v is number => v !== null);
      const sim = chunk.map((p) => p.simulated[measure]);
      const last = chunk[chunk.length - 1];
      rows.push({
        time: Number((last.timeS / unit.seconds).toPrecision(8)),
        service: s,
        recorded: rec.length ? Number((rec.reduce((a, b) => a + b, 0) / rec.length).toFixed(6)) : null,
        simulated: Number((sim.reduce((a, b) => a + b, 0) / sim.length).toFixed(6)),
      });
    }
  }
  const t = TITLES[measure];
  const color = { domain: ['recorded', 'simulated'], range: ['#4c78a8', '#e45756'] };
  const panels = services.map((s, i) => ({
    title: s,
    width: 720,
    height: 90,
    layer: (['recorded', 'simulated'] as const).map((line) => ({
      data: { name: 'points' },
      transform: [
        { filter: { field: 'service', equal: s } },
        { calculate: JSON.stringify(line), as: 'series' },
      ],
      mark: {
        type: 'line',
        strokeWidth: 1.2,
        interpolate: t.steps ? 'step-before' : 'linear',
        ...(line === 'simulated' ? { strokeDash: [4, 3] } : {}),
      },
      encoding: {
        x: {
          field: 'time',
          type: 'quantitative',
          title: i === services.length - 1 ? `time (${unit.label})` : null,
          scale: { domain: [0, Number((end / unit.seconds).toPrecision(6))], nice: false },
        },
        y: {
          field: line,
          type: 'quantitative',
          title: t.y,
          ...(t.steps ? { axis: { tickMinStep: 1 } } : {}),
        },
        color: { field: 'series', type: 'nominal', scale: color },
      },
    })),
  }));
  const note =
    bucket === 1
      ? `One point per ${stepS} s step.`
      : `Each point: the mean over ${bucket} steps of ${stepS} s ending at its time.`;
  return {
    name: measure.replace('_', '-'),
    spec: {
      $schema: SCHEMA,
      title: {
        text: t.title,
        subtitle: ['Recorded (solid) against the calibrated simulation (dashed).', note],
        anchor: 'start',
      },
      datasets: { points: rows },
      vconcat: panels,
      spacing: 14,
      resolve: { scale: { x: 'shared', y: 'independent', color: 'shared' } },
      config: PANEL_CONFIG,
    },
  };
}
