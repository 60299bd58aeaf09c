/**
 * The KPA decider (reference/autoscalers/KPA.md section 2): `Scale(now)` of knative/serving
 * pkg/autoscaler/scaling/autoscaler.go (@98e5ef90), run every 2 s on the stable and panic window
 * averages of the revision's total concurrency (or RPS). Pure: the decider's memory (panic time,
 * max panic pods, the scale-down delay window) is `DeciderState`.
 */
import { currentMax, maxWindow, recordMax, type MaxWindow } from './window.js';

export interface DeciderSpec {
  scalingMetric: 'concurrency' | 'rps';
  /** Per-pod target after the utilization factor (concurrency 100 x 0.7 = 70 by default). */
  targetValue: number;
  /** Per-pod capacity before it (containerConcurrency, or 100). */
  totalValue: number;
  targetBurstCapacity: number;
  /** A factor: 2.0 is 200%. */
  panicThreshold: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  /** Only its length is used here, for leaving panic mode. */
  stableWindowSeconds: number;
  scaleDownDelaySeconds: number;
  activationScale: number;
  reachable: boolean;
}

export interface DeciderState {
  spec: DeciderSpec;
  /** null = not panicking. */
  panicTimeS: number | null;
  maxPanicPods: number;
  delayWindow: MaxWindow | null;
}

/** The decider's tick (tickInterval) and its scale-down delay window's granularity. */
export const DECIDER_TICK_S = 2;

/** New(): a decider that sees more than one ready pod starts in panic, holding that count. */
export function createDecider(spec: DeciderSpec, readyPods: number | 'error', nowS: number): DeciderState {
  const c = readyPods === 'error' ? 0 : readyPods;
  return {
    spec,
    panicTimeS: c > 1 ? nowS : null,
    maxPanicPods: c,
    delayWindow:
      spec.scaleDownDelaySeconds > 0 ? maxWindow(spec.scaleDownDelaySeconds, DECIDER_TICK_S) : null,
  };
}

export interface DeciderInput {
  readyPods: number | 'error';
  /** Revision-wide window averages; 'error' when the metric client has no data. */
  stable: number | 'error';
  panic: number | 'error';
}

export interface DeciderResult {
  valid: boolean;
  desired: number;
  excessBurstCapacity: number;
  /** Why, for the event log. */
  mode: 'stable' | 'panic' | 'invalid';
  /** The stable and panic per-pod proposals before clamping (for the log). */
  dspc: number;
  dppc: number;
  next: DeciderState;
}

export function scale(state: DeciderState, input: DeciderInput, nowS: number): DeciderResult {
  const invalid = (): DeciderResult => ({
    valid: false,
    desired: 0,
    excessBurstCapacity: 0,
    mode: 'invalid',
    dspc: 0,
    dppc: 0,
    next: state,
  });
  const spec = state.spec;
  if (input.readyPods === 'error') return invalid();
  const ready0 = input.readyPods;
  const r = Math.max(1, ready0);
  if (input.stable === 'error' || input.panic === 'error') return invalid();
  const S = input.stable;
  const P = input.panic;

  const maxUp = Math.ceil(spec.maxScaleUpRate * r);
  const maxDown = spec.reachable ? Math.floor(r / spec.maxScaleDownRate) : 0;
  const dspc = Math.ceil(S / spec.targetValue);
  const dppc = Math.ceil(P / spec.targetValue);
  const clamp = (x: number) => Math.min(Math.max(x, maxDown), maxUp);
  let st = clamp(dspc);
  let pa = clamp(dppc);
  if (spec.activationScale > 1) {
    if (dspc > 0) st = Math.max(st, spec.activationScale);
    if (dppc > 0) pa = Math.max(pa, spec.activationScale);
  }

  // Panic is judged on the unclamped panic proposal; it ends at the first tick below the
  // threshold more than a stable window after the last one at or above it.
  let panicTimeS = state.panicTimeS;
  let maxPanicPods = state.maxPanicPods;
  if (dppc / r >= spec.panicThreshold) panicTimeS = nowS;
  else if (panicTimeS !== null && panicTimeS + spec.stableWindowSeconds < nowS) {
    panicTimeS = null;
    maxPanicPods = 0;
  }
  let want = st;
  if (panicTimeS !== null) {
    // Never scales down in panic.
    want = Math.max(st, pa);
    maxPanicPods = Math.max(maxPanicPods, want);
    want = maxPanicPods;
  }
  let delayWindow = state.delayWindow;
  if (spec.reachable && delayWindow !== null) {
    delayWindow = recordMax(delayWindow, nowS, want);
    want = currentMax(delayWindow);
  }
  const tbc = spec.targetBurstCapacity;
  const ebc = tbc === 0 ? 0 : tbc > 0 ? Math.floor(ready0 * spec.totalValue - tbc - P) : -1;
  return {
    valid: true,
    desired: want,
    excessBurstCapacity: ebc,
    mode: panicTimeS !== null ? 'panic' : 'stable',
    dspc,
    dppc,
    next: { spec, panicTimeS, maxPanicPods, delayWindow },
  };
}
