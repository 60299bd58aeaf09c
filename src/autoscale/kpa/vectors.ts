/**
 * Adapter from reference/autoscalers/kpa-vectors.json (KPA.md) to this folder's functions, for
 * `npm run conformance -- kpa FILE` and the tests: decision cases through `createDecider` and
 * `scale` step by step, construction cases, bucket window averages, the scale-down delay's max
 * window and the weighted-exponential coefficient. The file's schema section says what each
 * field means; ebc is compared within +-1, as the Go tests do.
 */
import { compare, type Field, type FieldCheck, parseVectorArrays } from '../vector-input.js';
import { createDecider, scale, type DeciderSpec, type DeciderState } from './decider.js';
import {
  bucketWindow,
  currentMax,
  maxWindow,
  record,
  recordMax,
  smoothingCoefficient,
  windowAverage,
  type Aggregation,
} from './window.js';

export interface KpaVectorCase {
  name: string;
  check(): FieldCheck[];
}

const KINDS = [
  'decision_cases',
  'creation_cases',
  'aggregation_cases',
  'max_window_cases',
  'smoothing_coeff_cases',
] as const;

export function parseKpaVectors(text: string, file: string): KpaVectorCase[] {
  const doc = parseVectorArrays(text, file, KINDS);
  const named = (c: Field, fallback: string) => (c.has('id') ? c.get('id').str() : fallback);
  return [
    ...doc.decision_cases.map((c, i) => ({ name: named(c, `decision ${i}`), check: () => decisionCase(c) })),
    ...doc.creation_cases.map((c, i) => ({ name: named(c, `creation ${i}`), check: () => creationCase(c) })),
    ...doc.aggregation_cases.map((c, i) => ({
      name: named(c, `aggregation ${i}`),
      check: () => aggregationCase(c),
    })),
    ...doc.max_window_cases.map((c, i) => ({
      name: named(c, `max window ${i}`),
      check: () => maxWindowCase(c),
    })),
    ...doc.smoothing_coeff_cases.map((c, i) => ({
      name: `smoothing coefficient ${c.get('buckets').num()} buckets`,
      check: () => [
        compare('expect', c.get('expect').num(), smoothingCoefficient(c.get('buckets').num()), 1e-12),
      ],
    })),
  ];
}

function deciderSpec(f: Field): DeciderSpec {
  const n = (k: string, d: number) => (f.has(k) ? f.get(k).num() : d);
  const metric = f.has('scaling_metric') ? f.get('scaling_metric').str() : '';
  return {
    scalingMetric: metric === 'rps' ? 'rps' : 'concurrency',
    targetValue: n('target_value', 70),
    totalValue: n('total_value', 100),
    targetBurstCapacity: n('target_burst_capacity', 211),
    panicThreshold: n('panic_threshold', 2),
    maxScaleUpRate: n('max_scale_up_rate', 1000),
    maxScaleDownRate: n('max_scale_down_rate', 2),
    stableWindowSeconds: n('stable_window_s', 60),
    scaleDownDelaySeconds: n('scale_down_delay_s', 0),
    activationScale: n('activation_scale', 0),
    reachable: f.has('reachable') ? f.get('reachable').bool() : true,
  };
}

const podsOrError = (f: Field): number | 'error' => (f.value === 'error' ? 'error' : f.num());

function decisionCase(c: Field): FieldCheck[] {
  const steps = c.get('steps').list();
  const t0 = steps.length > 0 ? steps[0].get('t').num() : 0;
  let state: DeciderState = createDecider(
    deciderSpec(c.get('spec')),
    podsOrError(c.get('ready_pods_at_creation')),
    t0,
  );
  if (c.has('pre_state')) {
    const pre = c.get('pre_state');
    if (pre.has('panic_since_t'))
      state = { ...state, panicTimeS: pre.get('panic_since_t').opt((f) => f.num()) };
    if (pre.has('max_panic_pods')) state = { ...state, maxPanicPods: pre.get('max_panic_pods').num() };
  }
  const checks: FieldCheck[] = [];
  steps.forEach((s, i) => {
    // Update() replaces the spec and keeps the decider's memory.
    if (s.has('spec_update')) state = { ...state, spec: deciderSpec(s.get('spec_update')) };
    const metricError = s.has('metric_error') && s.get('metric_error').bool();
    const observed = (k: string) =>
      metricError ? ('error' as const) : (s.get(k).opt((f) => f.num()) ?? ('error' as const));
    const r = scale(
      state,
      {
        readyPods: podsOrError(s.get('ready_pods')),
        stable: observed('observed_stable'),
        panic: observed('observed_panic'),
      },
      s.get('t').num(),
    );
    state = r.next;
    const e = s.get('expect');
    const at = `steps[${i}].`;
    if (e.has('valid')) checks.push(compare(`${at}valid`, e.get('valid').bool(), r.valid));
    if (e.has('desired')) checks.push(compare(`${at}desired`, e.get('desired').num(), r.desired));
    if (e.has('ebc')) checks.push(compare(`${at}ebc`, e.get('ebc').num(), r.excessBurstCapacity, 1));
    if (e.has('panic_after'))
      checks.push(compare(`${at}panic_after`, e.get('panic_after').bool(), state.panicTimeS !== null));
  });
  return checks;
}

function creationCase(c: Field): FieldCheck[] {
  const d = createDecider(deciderSpec(c.get('spec')), podsOrError(c.get('ready_pods_at_creation')), 0);
  const e = c.get('expect');
  const checks: FieldCheck[] = [];
  if (e.has('panic')) checks.push(compare('panic', e.get('panic').bool(), d.panicTimeS !== null));
  if (e.has('max_panic_pods'))
    checks.push(compare('max_panic_pods', e.get('max_panic_pods').num(), d.maxPanicPods));
  return checks;
}

function aggregationCase(c: Field): FieldCheck[] {
  const algorithm = c.get('algorithm').oneOf(['linear', 'weighted-exponential'] as const) as Aggregation;
  let w = bucketWindow(c.get('window_s').num(), c.get('granularity_s').num(), algorithm);
  const checks: FieldCheck[] = [];
  c.get('ops')
    .list()
    .forEach((op, i) => {
      const t = op.get('t').num();
      if (op.get('op').oneOf(['record', 'avg'] as const) === 'record') {
        w = record(w, t, op.get('v').num());
        return;
      }
      const avg = windowAverage(w, t);
      const digits = op.has('round_digits') ? op.get('round_digits').num() : null;
      const shown = digits === null ? avg : Math.round(avg * 10 ** digits) / 10 ** digits;
      checks.push(compare(`ops[${i}] avg(${t})`, op.get('expect').num(), shown, 1e-9));
    });
  return checks;
}

function maxWindowCase(c: Field): FieldCheck[] {
  let w = maxWindow(c.get('window_s').num(), c.get('granularity_s').num());
  for (const r of c.get('records').list()) w = recordMax(w, r.get('t').num(), r.get('v').num());
  return [compare('expect_current', c.get('expect_current').num(), currentMax(w))];
}
