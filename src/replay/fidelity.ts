/**
 * Fidelity: the calibrated scenario simulated over the recorded period with the recorded policy,
 * against the recording, on the same grid and the same quantities:
 *
 *   simulate (rows + Ready pods at every step) -> per service and step: replicas, the pods' gauges
 *   ei_infer_fps and ei_drop_fps summed (what the recording sums) -> beside the recorded ones
 *   -> per service and measure: MAPE (over the steps whose recorded value is not 0), max |error|,
 *      and for replicas the share of steps where both are equal
 */
import { simulate } from '../model/simulate.js';
import type { Scenario } from '../scenario/types.js';
import { num } from '../report/format.js';
import type { RecordingGrid } from './recording.js';

export const MEASURES = ['replicas', 'infer_fps', 'drop_fps'] as const;
export type FidelityMeasure = (typeof MEASURES)[number];

export interface FidelityPoint {
  /** Seconds since the replay's time 0. */
  timeS: number;
  service: string;
  recorded: Record<FidelityMeasure, number | null>;
  simulated: Record<FidelityMeasure, number>;
}

export interface MeasureFit {
  /** Mean |sim - rec| / rec over steps with rec != 0, in percent; null when there is none. */
  mapePercent: number | null;
  maxAbsError: number;
  /** Steps compared (recorded value present). */
  steps: number;
  /** Share of steps where simulated and recorded are equal (replicas), else null. */
  equalShare: number | null;
}

export interface ServiceFidelity {
  service: string;
  measures: Record<FidelityMeasure, MeasureFit>;
}

export interface Fidelity {
  points: FidelityPoint[];
  services: ServiceFidelity[];
}

export function fidelity(scenario: Scenario, grid: RecordingGrid): Fidelity {
  const names = grid.services.map((s) => s.service);
  const index = new Map(names.map((n, i) => [n, i]));
  const steps = grid.steps;
  const sim = names.map(() => ({
    replicas: new Array<number>(steps + 1).fill(0),
    infer: new Array<number>(steps + 1).fill(0),
    drop: new Array<number>(steps + 1).fill(0),
  }));
  const stepOf = (timeS: number) => Math.round(timeS / grid.stepS);
  simulate(scenario, {
    checkInvariants: false,
    sink: {
      row: (r) => {
        const i = index.get(r.service);
        if (i !== undefined) sim[i].replicas[stepOf(r.timeS)] = r.replicas;
      },
      pod: (p) => {
        const i = index.get(p.service);
        if (i === undefined) return;
        const k = stepOf(p.timeS);
        sim[i].infer[k] += p.inferFps;
        sim[i].drop[k] += p.dropFps;
      },
    },
  });
  const points: FidelityPoint[] = [];
  const services: ServiceFidelity[] = grid.services.map((rec, i) => {
    const acc = Object.fromEntries(
      MEASURES.map((m) => [m, { ape: 0, n: 0, steps: 0, max: 0, equal: 0 }]),
    ) as Record<FidelityMeasure, { ape: number; n: number; steps: number; max: number; equal: number }>;
    for (let k = 1; k <= steps; k++) {
      const recorded = {
        replicas: rec.replicas[k],
        infer_fps: rec.inferFps[k],
        drop_fps: rec.dropFps[k],
      };
      const simulated = {
        replicas: sim[i].replicas[k],
        infer_fps: sim[i].infer[k],
        drop_fps: sim[i].drop[k],
      };
      points.push({ timeS: Number((k * grid.stepS).toFixed(6)), service: rec.service, recorded, simulated });
      for (const m of MEASURES) {
        const r = recorded[m];
        if (r === null) continue;
        const a = acc[m];
        const err = Math.abs(simulated[m] - r);
        a.steps++;
        a.max = Math.max(a.max, err);
        if (err < 1e-9) a.equal++;
        if (Math.abs(r) > 1e-9) {
          a.ape += err / Math.abs(r);
          a.n++;
        }
      }
    }
    const measures = Object.fromEntries(
      MEASURES.map((m) => {
        const a = acc[m];
        return [
          m,
          {
            mapePercent: a.n > 0 ? (100 * a.ape) / a.n : null,
            maxAbsError: a.max,
            steps: a.steps,
            equalShare: m === 'replicas' && a.steps > 0 ? a.equal / a.steps : null,
          },
        ];
      }),
    ) as Record<FidelityMeasure, MeasureFit>;
    return { service: rec.service, measures };
  });
  return { points, services };
}

export const FIDELITY_COLUMNS = [
  'time_s',
  'service',
  'recorded_replicas',
  'simulated_replicas',
  'recorded_infer_fps',
  'simulated_infer_fps',
  'recorded_drop_fps',
  'simulated_drop_fps',
];

export function fidelityCsv(f: Fidelity): string {
  const rows = [FIDELITY_COLUMNS.join(',')];
  for (const p of f.points)
    rows.push(
      [
        num(p.timeS),
        p.service,
        num(p.recorded.replicas),
        num(p.simulated.replicas),
        num(p.recorded.infer_fps),
        num(p.simulated.infer_fps),
        num(p.recorded.drop_fps),
        num(p.simulated.drop_fps),
      ].join(','),
    );
  return `${rows.join('\n')}\n`;
}
