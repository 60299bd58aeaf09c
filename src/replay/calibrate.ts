/**
 * Calibration: what the recording says about each service, and the scenario that replays it.
 *
 *   per-replica service rate  the pods' ei_infer_fps while they also dropped frames (the queue was
 *                             never empty in that window): the median; fit error = median absolute
 *                             deviation / median
 *   pod start delay           each rise of the replica count matched, in order, to the first sample
 *                             of a pod that appears after it: the mean; fit error = sd / mean
 *   offered load              infer + drop FPS summed over the pods, read one report window later
 *                             (the gauges are means over the window before a report), as whole
 *                             streams of offered.streamFps; fit error = mean |streams x fps - load| / mean load
 *                             (or the recorded stream counts, or the arrival trace as it is)
 *
 * The calibrated scenario is SCENARIO's own file with, per service: a model of its own whose
 * serviceTime gives the fitted rate (under the pod's CPU limit, as the pods ran), the fitted start
 * delay, the recorded replicas at time 0, and the recorded replica changes as scaleEvents when the
 * service has no autoscaler (its recorded policy was someone's kubectl scale); its streams replaced
 * by the recorded load.
 */
import { relative, dirname, isAbsolute, resolve } from 'node:path';
import { stringify } from 'yaml';
import { InvariantError } from '../errors.js';
import { cfsFactor } from '../model/throughput.js';
import type { Scenario } from '../scenario/types.js';
import type { Json } from '../tune/hpa-manifest.js';
import type { Mapping } from './mapping.js';
import type { RecordingGrid, ServiceRecording } from './recording.js';
import { isoTime } from './time.js';

export interface Fit {
  value: number | null;
  /** The fit error (relative, see the module comment); null when nothing was fitted. */
  error: number | null;
  samples: number;
  note: string;
}

export interface ServiceCalibration {
  service: string;
  /** Frames per second of one replica with a queue that is never empty, as it ran (CPU limit included). */
  replicaFps: Fit;
  startDelaySeconds: Fit;
  offeredLoad: Fit & { meanFps: number };
  initialReplicas: number;
  scaleEvents: { atSeconds: number; replicas: number }[];
  /** Stream counts per grid step (offered.from pods or streams). */
  streamCounts: number[] | null;
}

export interface Calibration {
  t0: number;
  stepS: number;
  steps: number;
  services: ServiceCalibration[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function fitReplicaFps(rec: ServiceRecording): Fit {
  const xs: number[] = [];
  for (const p of rec.pods)
    for (let k = 1; k < p.infer.length; k++) {
      const i = p.infer[k];
      const d = p.drop[k];
      if (i !== null && d !== null && i > 0 && d > 0) xs.push(i);
    }
  if (xs.length === 0) {
    const all = rec.pods.flatMap((p) => p.infer.filter((v): v is number => v !== null && v > 0));
    if (all.length === 0) return { value: null, error: null, samples: 0, note: 'no pod inferred a frame' };
    return {
      value: Math.max(...all),
      error: null,
      samples: all.length,
      note: 'no pod was ever saturated (no drops): the highest FPS seen, a lower bound',
    };
  }
  const m = median(xs);
  const mad = median(xs.map((x) => Math.abs(x - m)));
  return {
    value: m,
    error: m > 0 ? mad / m : null,
    samples: xs.length,
    note: 'median FPS of pods while dropping',
  };
}

export function fitStartDelay(rec: ServiceRecording, grid: RecordingGrid): Fit {
  const time = (k: number) => grid.t0 + k * grid.stepS;
  const rises: { at: number; k: number }[] = [];
  let firstRise = Infinity;
  const events: { at: number; delta: number }[] = [];
  for (let k = 1; k <= grid.steps; k++) {
    const a = rec.replicas[k - 1];
    const b = rec.replicas[k];
    if (a === null || b === null || a === b) continue;
    events.push({ at: time(k), delta: b - a });
    if (b > a) firstRise = Math.min(firstRise, time(k));
  }
  const pods = rec.pods.filter((p) => p.firstS >= firstRise);
  const delays: number[] = [];
  let e = 0;
  for (const p of pods) {
    while (e < events.length && events[e].at <= p.firstS) {
      const ev = events[e++];
      if (ev.delta > 0) for (let i = 0; i < ev.delta; i++) rises.push({ at: ev.at, k: 0 });
      else rises.splice(Math.max(0, rises.length + ev.delta), -ev.delta);
    }
    const r = rises.shift();
    if (r) delays.push(p.firstS - r.at);
  }
  if (delays.length === 0)
    return {
      value: null,
      error: null,
      samples: 0,
      note: 'no scale-up followed by a new pod in the recording',
    };
  const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
  const sd = Math.sqrt(delays.reduce((a, d) => a + (d - mean) ** 2, 0) / delays.length);
  return {
    value: mean,
    error: mean > 0 ? sd / mean : null,
    samples: delays.length,
    note: `mean over ${delays.length} new pod(s), from the replica count's rise to the pod's first sample`,
  };
}

/**
 * The median load around each grid point k of `raw` (NaN where unknown), read `lag` steps later: the
 * known values among k-half..k+half, and where fewer than 2*half+1 are known (the start, a gap), the
 * nearest known ones further out (at each distance the later one first), up to 2*half+1 values.
 * Index j reads raw[j + lag] clamped to the grid. The search past the window jumps from known value
 * to known value (nextKnown, prevKnown), so a long gap costs its length once, not once per point.
 */
export function windowMedians(raw: number[], steps: number, lag: number, half: number): number[] {
  // Past the window (d > half >= lag) a read on the left is never clamped; offeredCounts' half is
  // about twice its lag.
  if (!(half >= lag)) throw new InvariantError(`windowMedians: half ${half} < lag ${lag}`);
  const n = steps + 1;
  const at = (j: number) => raw[Math.max(0, Math.min(steps, j + lag))];
  // nextKnown[r]: the first known index >= r (n if none); prevKnown[r]: the last known index <= r (-1 if none).
  const nextKnown = new Int32Array(n + 1);
  nextKnown[n] = n;
  for (let r = n - 1; r >= 0; r--) nextKnown[r] = Number.isNaN(raw[r]) ? nextKnown[r + 1] : r;
  const prevKnown = new Int32Array(n);
  for (let r = 0; r < n; r++) prevKnown[r] = Number.isNaN(raw[r]) ? (r > 0 ? prevKnown[r - 1] : -1) : r;
  const lastKnown = !Number.isNaN(raw[steps]);
  const want = 2 * half + 1;
  const out: number[] = new Array(n);
  const window: number[] = [];
  for (let k = 0; k <= steps; k++) {
    window.length = 0;
    for (let j = k - half; j <= k + half; j++) if (!Number.isNaN(at(j))) window.push(at(j));
    // Past the window: distances d > half; on the right j = k + d <= steps reads raw[min(steps, j + lag)],
    // on the left j = k - d >= -lag reads raw[k - d + lag] (never clamped).
    let dRight = half + 1;
    let dLeft = half + 1;
    const nextRight = (): number => {
      // The smallest d >= dRight with k + d <= steps whose value is known, or Infinity.
      if (k + dRight > steps) return Infinity;
      const r = k + dRight + lag;
      if (r > steps) return lastKnown ? dRight : Infinity; // every read from here on is raw[steps]
      const known = nextKnown[r];
      // Nothing known from r on means raw[steps] is not known either: the clamped reads are not.
      return known < n ? known - k - lag : Infinity;
    };
    const nextLeft = (): number => {
      const l = k - dLeft + lag;
      if (l < 0) return Infinity;
      const known = prevKnown[l];
      return known < 0 ? Infinity : k + lag - known;
    };
    while (window.length < want) {
      const dr = nextRight();
      const dl = nextLeft();
      if (dr === Infinity && dl === Infinity) break;
      if (dr <= dl) {
        window.push(at(k + dr));
        dRight = dr + 1;
      } else {
        window.push(at(k - dl));
        dLeft = dl + 1;
      }
    }
    out[k] = window.length > 0 ? median(window) : 0;
  }
  return out;
}

function offeredCounts(
  rec: ServiceRecording,
  grid: RecordingGrid,
  mapping: Mapping,
): { counts: number[]; fit: Fit & { meanFps: number } } {
  const F = mapping.offered.streamFps;
  const counts: number[] = new Array(grid.steps + 1).fill(0);
  if (rec.streams) {
    let last = 0;
    for (let k = 0; k <= grid.steps; k++) counts[k] = last = Math.round(rec.streams[k] ?? last);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    return {
      counts,
      fit: {
        value: mean * F,
        error: 0,
        samples: counts.length,
        note: 'recorded stream counts',
        meanFps: mean * F,
      },
    };
  }
  // 1. The pods' infer + drop where any pod reports; where none does (before the first pod is up,
  //    in a gap) the load is unknown: the nearest known value holds (the first one before it).
  const n = grid.steps + 1;
  //    A pod's gauges read 0 until its first report (not yet known), and keep their last report while
  //    the pod gets no frame: when its CPU counter (if recorded) did not move over the last window,
  //    it served nothing there, whatever the gauge still says.
  const lagSteps = Math.max(1, Math.round(mapping.offered.reportWindowS / grid.stepS));
  const raw: number[] = new Array(n).fill(NaN);
  for (const p of rec.pods) {
    let reported = false;
    for (let k = 0; k < n; k++) {
      const i = p.infer[k];
      const d = p.drop[k];
      if (i === null && d === null) continue;
      if (!reported && !(i ?? 0) && !(d ?? 0)) continue;
      reported = true;
      const c0 = p.cpu?.[k - lagSteps] ?? null;
      const c1 = p.cpu?.[k] ?? null;
      const idle = c0 !== null && c1 !== null && c1 - c0 <= 1e-9;
      raw[k] = (Number.isNaN(raw[k]) ? 0 : raw[k]) + (idle ? 0 : (i ?? 0) + (d ?? 0));
    }
  }
  // 2. The gauges at t describe the report window before t: the load at t is read one window later.
  const lag = Math.round(mapping.offered.reportWindowS / grid.stepS);
  // 3. A median over two windows either side: a burst (a backlog dropped at a first pop, old and new
  //    pods' windows overlapping after a scale-up) is shorter than half of it and goes; a step of the
  //    load keeps its place.
  const half = Math.max(1, Math.round((2 * mapping.offered.reportWindowS) / grid.stepS));
  let absErr = 0;
  let sum = 0;
  let sumN = 0;
  const at = (j: number) => raw[Math.max(0, Math.min(grid.steps, j + lag))];
  const loads = windowMedians(raw, grid.steps, lag, half);
  for (let k = 0; k <= grid.steps; k++) {
    const load = loads[k];
    counts[k] = Math.round(load / F);
    const actual = at(k);
    if (!Number.isNaN(actual)) {
      absErr += Math.abs(counts[k] * F - actual);
      sum += actual;
      sumN++;
    }
  }
  const meanFps = sumN > 0 ? sum / sumN : 0;
  return {
    counts,
    fit: {
      value: meanFps,
      error: sum > 0 ? absErr / sum : null,
      samples: grid.steps + 1,
      note: `infer + drop FPS of the pods ${mapping.offered.reportWindowS} s later, as streams of ${F} FPS`,
      meanFps,
    },
  };
}

export function calibrate(grid: RecordingGrid, scenario: Scenario, mapping: Mapping): Calibration {
  const services = grid.services.map((rec): ServiceCalibration => {
    const cfg = scenario.services.find((s) => s.name === rec.service)!;
    const firstReplicas = rec.replicas.slice(1).find((r) => r !== null) ?? cfg.replicas;
    const scaleEvents: { atSeconds: number; replicas: number }[] = [];
    for (let k = 2; k <= grid.steps; k++) {
      const a = rec.replicas[k - 1];
      const b = rec.replicas[k];
      if (a !== null && b !== null && a !== b)
        scaleEvents.push({ atSeconds: round6(k * grid.stepS), replicas: b });
    }
    const offered =
      mapping.offered.from === 'arrivals'
        ? {
            counts: null,
            fit: { value: null, error: null, samples: 0, note: 'the arrival trace as recorded', meanFps: 0 },
          }
        : offeredCounts(rec, grid, mapping);
    return {
      service: rec.service,
      replicaFps: fitReplicaFps(rec),
      startDelaySeconds: fitStartDelay(rec, grid),
      offeredLoad: offered.fit,
      initialReplicas: firstReplicas,
      scaleEvents,
      streamCounts: offered.counts,
    };
  });
  return { t0: grid.t0, stepS: grid.stepS, steps: grid.steps, services };
}

function round6(x: number): number {
  return Number(x.toFixed(6));
}

/** time_s,count rows at each change (the scenario's count-trace format). */
export function countTraceCsv(counts: number[], stepS: number): string {
  const rows = ['time_s,count'];
  let last: number | null = null;
  for (let k = 0; k < counts.length; k++) {
    if (counts[k] === last) continue;
    rows.push(`${round6(k * stepS)},${counts[k]}`);
    last = counts[k];
  }
  return `${rows.join('\n')}\n`;
}

function hasAutoscaler(svc: Json): boolean {
  return ['hpa', 'autoscale', 'keda', 'kpa', 'predictive', 'oracle'].some((k) => svc[k] !== undefined);
}

/**
 * The calibrated scenario (YAML text) and the data files beside it. `scenarioFile` and its parsed
 * value are SCENARIO; `outDir` is where the files will sit (paths in the file are relative to it).
 */
export function calibratedScenario(
  cal: Calibration,
  scenario: Scenario,
  scenarioValue: Json,
  scenarioFile: string,
  mapping: Mapping,
  outDir: string,
  name: string,
): { yaml: string; files: { path: string; content: string }[] } {
  const spec = JSON.parse(JSON.stringify(scenarioValue)) as Json;
  const files: { path: string; content: string }[] = [];
  const rel = (p: string) => {
    const abs = isAbsolute(p) ? p : resolve(dirname(resolve(scenarioFile)), p);
    return relative(outDir, abs) || '.';
  };
  spec.name = `${name}-replay`;
  spec.duration = round6(cal.steps * cal.stepS);
  spec.step = `${round6(cal.stepS * 1000)}ms`;
  delete spec.$schema;
  const models = (spec.models ?? {}) as Record<string, Json>;
  const services = (spec.services ?? {}) as Record<string, Json>;
  const comments: string[] = [
    `Calibrated by inferscale replay from ${isoTime(cal.t0)} for ${round6(cal.steps * cal.stepS)} s at ${cal.stepS} s steps.`,
  ];
  for (const c of cal.services) {
    const cfg = scenario.services.find((s) => s.name === c.service)!;
    const svc = services[c.service];
    if (svc.manifests !== undefined) svc.manifests = rel(String(svc.manifests));
    if (c.replicaFps.value !== null && c.replicaFps.value > 0) {
      // The pods ran under their CPU limit; the model's time is at full speed.
      const seconds = cfsFactor(cfg.cpuLimit, cfg.threads) / c.replicaFps.value;
      const modelName = `${String(svc.model)}--${c.service}`;
      const base = { ...(models[String(svc.model)] ?? {}) };
      delete base.measuredFps;
      models[modelName] = { ...base, serviceTime: { type: 'constant', value: round6(seconds) } };
      svc.model = modelName;
    }
    if (c.startDelaySeconds.value !== null) {
      svc.startupDelay = round6(c.startDelaySeconds.value);
      for (const k of ['imagePull', 'initWait', 'modelLoad']) delete svc[k];
    }
    const dep = svc.deployment as Json | undefined;
    if (dep && (dep.spec as Json | undefined)?.replicas !== undefined)
      (dep.spec as Json).replicas = c.initialReplicas;
    else if (svc.manifests === undefined || svc.replicas !== undefined) svc.replicas = c.initialReplicas;
    if (!hasAutoscaler(svc)) {
      if (c.scaleEvents.length > 0)
        svc.scaleEvents = c.scaleEvents.map((e) => ({ at: e.atSeconds, replicas: e.replicas }));
      else delete svc.scaleEvents;
    }
    const f = (x: Fit, unit: string) =>
      x.value === null
        ? `not fitted (${x.note})`
        : `${round6(x.value)}${unit}, fit error ${x.error === null ? '-' : `${(100 * x.error).toFixed(2)}%`} over ${x.samples} samples (${x.note})`;
    comments.push(
      `${c.service}: replica FPS ${f(c.replicaFps, '')}; start delay ${f(c.startDelaySeconds, ' s')}; offered load ${f(c.offeredLoad, ' FPS mean')}.`,
    );
  }
  spec.models = models;
  // The recorded load replaces the scenario's streams.
  spec.streams = cal.services.map((c) => {
    if (c.streamCounts === null)
      return {
        type: c.service,
        arrivalTrace: { file: rel(mapping.offered.arrivals[c.service]), start: cal.t0 },
      };
    const file = `offered-${c.service}.csv`;
    files.push({ path: file, content: countTraceCsv(c.streamCounts, cal.stepS) });
    return { type: c.service, kind: 'file', fps: mapping.offered.streamFps, trace: file };
  });
  const header = comments.map((l) => `# ${l}`).join('\n');
  return { yaml: `${header}\n${stringify(spec, { lineWidth: 0 })}`, files };
}
