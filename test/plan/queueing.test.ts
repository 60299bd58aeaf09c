/**
 * The planner's analytic stage (src/plan/queueing.ts): closed forms against reference/queueing.md's
 * worked examples and ../shared/bench/mmck_analytic.py, the numerics at large c and K, the D/D/c
 * rule, minReplicas' minimality and its infeasible answers, and one M/M/c/K plan checked against the
 * real simulator at the planned c and c - 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allenCunneenMeanWait,
  ddc,
  erlangB,
  erlangBDirect,
  erlangC,
  evaluateReplicas,
  kingmanMeanWait,
  md1MeanWait,
  mg1MeanWait,
  minReplicas,
  mmc,
  mmcTails,
  mmck,
  mmckSojournQuantile,
  mmckTails,
  scaledQueue,
  serviceP95Seconds,
  systemCapacity,
  tailQuantile,
  type QueueingInput,
  type QueueingSlo,
  type ReplicaEvaluation,
} from '../../src/plan/queueing.js';
import { gammaP, gammaQ, lnGamma, poissonExpectation } from '../../src/plan/numeric.js';
import { frameSecondsAtFullSpeed } from '../../src/model/throughput.js';
import { BUILTIN_CPU_CATALOG } from '../../src/model/catalog.js';
import type { ModelConfig } from '../../src/scenario/types.js';
import { run } from '../helpers/scenario.js';
import { ci99 } from '../helpers/stats.js';

function close(actual: number, expected: number, rel: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(
    err <= rel,
    `${what}: ${actual} vs ${expected} (relative error ${err.toExponential(2)} > ${rel})`,
  );
}

// ------------------------------------------------------------------------------- numerics

test('numeric: lnGamma, the regularized incomplete gamma and Poisson sums against known values', () => {
  assert.ok(Math.abs(lnGamma(1)) < 1e-13 && Math.abs(lnGamma(2)) < 1e-13, `${lnGamma(1)} ${lnGamma(2)}`);
  close(lnGamma(0.5), 0.5723649429247004, 1e-13, 'lnGamma(0.5) = ln sqrt(pi)'); // python math.lgamma
  close(lnGamma(11), Math.log(3628800), 1e-14, 'lnGamma(11) = ln 10!');
  close(lnGamma(100.5), 361.4355404677776, 1e-13, 'lnGamma(100.5)');
  close(lnGamma(1e6), 12815504.569147611, 1e-14, 'lnGamma(1e6)');
  for (const x of [0.01, 0.5, 1, 3, 10, 40]) close(gammaP(1, x), -Math.expm1(-x), 1e-13, `P(1, ${x})`);
  close(gammaP(0.5, 2), 0.9544997361036416, 1e-13, 'P(1/2, 2) = erf(sqrt 2)'); // python math.erf
  close(gammaQ(3, 2), Math.exp(-2) * (1 + 2 + 2), 1e-13, 'Q(3, 2) = P(Poisson(2) <= 2)');
  // A gamma with a large shape is nearly normal: P(a, a) -> 1/2.
  assert.ok(Math.abs(gammaP(1e6, 1e6) - 0.5) < 1e-3);
  for (const mean of [0, 0.3, 7, 745, 5000, 2e6])
    close(
      poissonExpectation(mean, () => 1),
      1,
      1e-10,
      `sum Pois(${mean})`,
    );
  close(
    poissonExpectation(5000, (j) => j / 5000),
    1,
    1e-10,
    'E[Poisson(5000)] / 5000',
  );
});

// ------------------------------------------------------------------------------- M/M/c/K closed form

test('M/M/10/30: the worked example of reference/queueing.md', () => {
  const r = mmck(90, 10, 10, 30);
  assert.ok(Math.abs(r.blockingProbability - 0.008772) < 5e-7, `drop ${r.blockingProbability}`);
  assert.ok(Math.abs(r.meanWaitSeconds - 0.04624) < 5e-6, `W_q ${r.meanWaitSeconds}`);
  assert.ok(Math.abs(r.utilisation - 0.8921) < 5e-5, `utilisation ${r.utilisation}`);
  close(r.meanSojournSeconds, r.meanWaitSeconds + 0.1, 1e-15, 'W = W_q + 1/mu');
  const sum = r.stateProbabilities.reduce((a, b) => a + b, 0);
  close(sum, 1, 1e-14, 'sum of p_n');
});

/** `python3 ../shared/bench/mmck_analytic.py LAMBDA MU C K`, run for each row (its JSON output). */
const MMCK_PY = [
  { args: [90, 10, 10, 30], drop: 0.008772084480502004, wait: 0.04624209097971566, util: 0.8921051239675483 },
  { args: [5, 10, 1, 1], drop: 0.3333333333333333, wait: 0.0, util: 0.33333333333333337 },
  { args: [8, 10, 1, 5], drop: 0.08881949865556424, wait: 0.15630652070442647, util: 0.7289444010755486 },
  { args: [9.5, 10, 1, 50], drop: 0.004150651987681321, wait: 1.4832048295290954, util: 0.9460568806117028 },
  { args: [45, 10, 5, 5], drop: 0.24302100181497166, wait: 0.0, util: 0.6812810983665255 },
  { args: [30, 10, 4, 12], drop: 0.013257331825297213, wait: 0.037558645993141924, util: 0.7400570011310271 },
  { args: [120, 10, 10, 40], drop: 0.1669818017751266, wait: 0.250778571906107, util: 0.999621837869848 },
  {
    args: [480, 10, 50, 80],
    drop: 0.01015163198152562,
    wait: 0.015422182280359294,
    util: 0.9502544332977354,
  },
  {
    args: [950, 10, 100, 150],
    drop: 0.0020233724626566602,
    wait: 0.007701403762495816,
    util: 0.9480777961604762,
  },
  { args: [19, 2, 8, 8], drop: 0.31432598159037145, wait: 0.0, util: 0.814237896861434 },
  { args: [70, 1, 80, 400], drop: 5.935568429133406e-21, wait: 0.01713859973129572, util: 0.875 },
  {
    args: [2, 1, 3, 1000],
    drop: 4.0523873282635595e-177,
    wait: 0.44444444444444425,
    util: 0.6666666666666666,
  },
] as const;

for (const row of MMCK_PY) {
  const [lambda, mu, c, K] = row.args;
  test(`M/M/c/K equals mmck_analytic.py: lambda ${lambda}, mu ${mu}, c ${c}, K ${K}`, () => {
    const r = mmck(lambda, mu, c, K);
    close(r.blockingProbability, row.drop, 1e-10, 'drop');
    if (row.wait === 0) assert.equal(r.meanWaitSeconds, 0);
    else close(r.meanWaitSeconds, row.wait, 1e-10, 'mean wait');
    close(r.utilisation, row.util, 1e-12, 'utilisation');
  });
}

test('M/M/c/K waiting-time distribution: its integral is W_q, its atom is P(no wait), M/M/1 and M/M/c limits', () => {
  for (const [lambda, mu, c, K] of [
    [90, 10, 10, 30],
    [8, 10, 1, 5],
    [120, 10, 10, 40],
    [480, 10, 50, 80],
  ]) {
    const r = mmck(lambda, mu, c, K);
    const t = mmckTails(r);
    close(t.waitTail(0), r.waitProbability, 1e-12, 'P(W > 0)');
    // ∫ P(W > t) dt = E[W] (midpoint rule, fine steps out to where the tail is gone).
    const h = r.meanWaitSeconds / 400;
    let integral = 0;
    for (let x = h / 2; x < 80 * (r.meanWaitSeconds + 1 / mu); x += h) integral += t.waitTail(x) * h;
    close(integral, r.meanWaitSeconds, 1e-5, `integral of P(W > t), ${lambda}/${mu}/${c}/${K}`);
    assert.equal(t.sojournTail(0), 1);
    // Tails never increase.
    let prev = 1;
    for (let x = 0; x < 2; x += 0.01) {
      const s = t.sojournTail(x);
      assert.ok(s <= prev + 1e-15, `sojourn tail rises at ${x}`);
      prev = s;
    }
  }
  // M/M/1 with a waiting room too large to fill: the sojourn is Exp(mu - lambda), p95 = ln 20 / (mu - lambda).
  close(mmckSojournQuantile(mmck(8, 10, 1, 3000)), Math.log(20) / 2, 1e-9, 'M/M/1 p95');
  // M/M/c: P(W > t) = C e^-(c mu - lambda) t; the large-K M/M/c/K agrees.
  const big = mmckTails(mmck(90, 10, 10, 3000));
  const inf = mmcTails(90, 10, 10);
  for (const x of [0, 0.05, 0.2, 0.5]) close(big.waitTail(x), inf.waitTail(x), 1e-9, `wait tail at ${x}`);
  close(
    mmckSojournQuantile(mmck(90, 10, 10, 3000)),
    tailQuantile(inf.sojournTail, 0.95, inf.scaleSeconds),
    1e-9,
    'M/M/c p95',
  );
});

test('Erlang C and M/M/c: the worked example (lambda 90, mu 10, c 10)', () => {
  assert.ok(Math.abs(erlangC(10, 9) - 0.66873) < 5e-6);
  const m = mmc(90, 10, 10);
  assert.ok(Math.abs(m.meanWaitSeconds - 0.066873) < 5e-7);
  assert.equal(mmc(100, 10, 10).stable, false);
  assert.equal(erlangC(10, 10), 1);
});

test('Erlang B: the recursion equals the direct form, and M/M/c/c blocking', () => {
  for (const [c, a] of [
    [1, 0.5],
    [5, 4.5],
    [10, 9],
    [40, 50],
    [170, 150],
    [500, 480],
    [2000, 1900],
  ]) {
    close(erlangB(c, a), erlangBDirect(c, a), 1e-10, `B(${c}, ${a})`);
    if (c <= 500) close(mmck(a, 1, c, c).blockingProbability, erlangB(c, a), 1e-10, `M/M/${c}/${c}`);
  }
  close(erlangB(1, 0.5), 1 / 3, 1e-15, 'B(1, 1/2) = 1/3');
  assert.equal(erlangB(3, 0), 0);
});

test('M/D/1, M/G/1 (Pollaczek-Khinchine), Kingman and Allen-Cunneen reduce to each other where they must', () => {
  // M/D/1: W_q = rho / (2 mu (1 - rho)).
  close(md1MeanWait(8, 0.1), 0.8 / (2 * 10 * 0.2), 1e-15, 'M/D/1');
  // M/G/1 with Cs² = 1 is M/M/1: W_q = rho / (mu - lambda).
  close(mg1MeanWait(8, 0.1, 1), 0.8 / 2, 1e-14, 'M/G/1 exponential');
  // Allen-Cunneen at c = 1 with Poisson arrivals is Pollaczek-Khinchine exactly; Kingman likewise.
  for (const cs2 of [0, 0.25, 1, 3]) {
    close(allenCunneenMeanWait(8, 0.1, 1, 1, cs2), mg1MeanWait(8, 0.1, cs2), 1e-12, `AC c=1 Cs²=${cs2}`);
    close(kingmanMeanWait(8, 0.1, 1, cs2), mg1MeanWait(8, 0.1, cs2), 1e-12, `Kingman Cs²=${cs2}`);
  }
  // With z = 1 it is M/M/c.
  close(allenCunneenMeanWait(90, 0.1, 10, 1, 1), mmc(90, 10, 10).meanWaitSeconds, 1e-14, 'AC z=1');
  close(allenCunneenMeanWait(90, 0.1, 10, 1, 0), mmc(90, 10, 10).meanWaitSeconds / 2, 1e-14, 'AC M/D/c');
  assert.equal(mg1MeanWait(10, 0.1, 0), Infinity);
});

test('scaled waiting room: exact for Poisson + exponential, Allen-Cunneen when unbounded, throughput bound kept', () => {
  for (const [lambda, c, N] of [
    [90, 10, 20],
    [120, 10, 30],
    [8, 1, 4],
  ]) {
    const s = scaledQueue(lambda, 0.1, c, N, 1, 1);
    const m = mmck(lambda, 10, c, c + N);
    close(s.dropProbability, m.blockingProbability, 1e-12, 'drop');
    close(s.meanWaitSeconds, m.meanWaitSeconds, 1e-10, 'wait');
  }
  const inf = scaledQueue(90, 0.1, 10, Infinity, 1, 0);
  close(inf.meanWaitSeconds, allenCunneenMeanWait(90, 0.1, 10, 1, 0), 1e-12, 'unbounded = Allen-Cunneen');
  for (const cs2 of [0, 0.3, 1, 2.5])
    for (const lambda of [50, 95, 130, 300]) {
      const s = scaledQueue(lambda, 0.1, 10, 12, 1, cs2);
      assert.ok(
        s.dropProbability >= 1 - 10 / (lambda * 0.1) - 1e-12,
        `throughput bound at ${lambda}, Cs² ${cs2}`,
      );
      assert.ok(s.dropProbability < 1 && s.utilisation <= 1 + 1e-12);
    }
  // Overloaded: drop tends to 1 - c/a, the wait to a full queue's N S / c.
  const over = scaledQueue(200, 0.1, 10, 1000, 1, 0);
  close(over.dropProbability, 0.5, 1e-6, 'overload drop');
  close(over.meanWaitSeconds, (1000 * 0.1) / 10, 0.02, 'overload wait');
});

// ------------------------------------------------------------------------------- stability and monotonicity

test('large c and K: no NaN or Infinity, and the limits hold (c up to 2000, K up to 100,500)', () => {
  const cases: [number, number, number, number][] = [
    [4900, 10, 500, 100_500], // rho 0.98: the waiting room never fills
    [5100, 10, 500, 100_500], // rho 1.02: drop -> 1 - 1/rho, wait -> N / (c mu)
    [4990, 10, 500, 500], // Erlang B territory
    [19_000, 10, 2000, 2100],
    [1e6, 1, 500, 600], // hugely overloaded
    [1e-6, 1, 500, 100_500], // nearly idle
  ];
  for (const [lambda, mu, c, K] of cases) {
    const r = mmck(lambda, mu, c, K);
    const p95 = mmckSojournQuantile(r);
    for (const [name, x] of [
      ['drop', r.blockingProbability],
      ['wait', r.meanWaitSeconds],
      ['utilisation', r.utilisation],
      ['p95', p95],
    ] as const)
      assert.ok(Number.isFinite(x) && x >= 0, `${name} = ${x} at ${lambda}/${mu}/${c}/${K}`);
    assert.ok(r.blockingProbability <= 1 && r.utilisation <= 1 + 1e-12);
    assert.ok(p95 >= Math.log(20) / mu - 1e-9 || r.waitProbability > 0);
  }
  const over = mmck(5100, 10, 500, 100_500);
  close(over.blockingProbability, 1 - 1 / 1.02, 1e-9, 'overload drop');
  close(over.meanWaitSeconds, 100_000 / 5000, 1e-3, 'full-queue wait');
  close(mmck(1e6, 1, 500, 600).blockingProbability, 1 - 500 / 1e6, 1e-9, 'huge overload drop');
  assert.ok(Number.isFinite(erlangB(100_000, 99_000)));
});

function baseInput(patch: Partial<QueueingInput> = {}): QueueingInput {
  return {
    arrivals: { kind: 'poisson' },
    arrivalRatePerSecond: 90,
    service: { meanSeconds: 0.1, scv: 1 },
    queue: { capacity: 20, dropPolicy: 'drop-newest' },
    maxReplicas: 64,
    ...patch,
  };
}

const MONOTONE_INPUTS: { name: string; input: QueueingInput }[] = [
  { name: 'M/M/c/K, capacity 20', input: baseInput() },
  {
    name: 'M/M/c/K, capacity 1, trim-on-pop',
    input: baseInput({ queue: { capacity: 1, dropPolicy: 'trim-on-pop' } }),
  },
  { name: 'M/M/c unbounded', input: baseInput({ queue: { capacity: Infinity, dropPolicy: 'drop-newest' } }) },
  { name: 'M/D/c/K', input: baseInput({ service: { meanSeconds: 0.1, scv: 0 } }) },
  { name: 'M/G/c/K, Cs² 2.25', input: baseInput({ service: { meanSeconds: 0.1, scv: 2.25 } }) },
  {
    name: 'periodic + lognormal-like service',
    input: baseInput({ arrivals: { kind: 'periodic' }, service: { meanSeconds: 0.1, scv: 0.25 } }),
  },
  { name: 'G/G/c/K, Ca² 0.5', input: baseInput({ arrivals: { kind: 'general', ca2: 0.5 } }) },
  {
    name: 'D/D/c with jitter',
    input: baseInput({
      arrivals: { kind: 'periodic', jitterSeconds: 0.004 },
      service: { meanSeconds: 0.1, scv: 0 },
    }),
  },
];

for (const row of MONOTONE_INPUTS) {
  test(`monotone in replicas (more replicas: no more drop, wait or p95): ${row.name}`, () => {
    let prev: ReplicaEvaluation | null = null;
    for (let c = 1; c <= 24; c++) {
      const e = evaluateReplicas(row.input, c);
      assert.ok(e.dropPercent >= 0 && e.dropPercent <= 100, `drop ${e.dropPercent} at ${c}`);
      assert.ok(!Number.isNaN(e.p95LatencySeconds) && !Number.isNaN(e.meanWaitSeconds), `NaN at ${c}`);
      if (prev) {
        const tol = 1e-9;
        assert.ok(
          e.dropPercent <= prev.dropPercent + tol,
          `drop rises ${prev.dropPercent} -> ${e.dropPercent} at ${c}`,
        );
        assert.ok(
          e.p95LatencySeconds <= prev.p95LatencySeconds * (1 + tol) ||
            !Number.isFinite(prev.p95LatencySeconds),
          `p95 rises ${prev.p95LatencySeconds} -> ${e.p95LatencySeconds} at ${c}`,
        );
      }
      prev = e;
    }
  });
}

// ------------------------------------------------------------------------------- D/D/c

test('D/D/c: no wait at c >= lambda(S + 2 jitter), the jitter bound below it, a full queue in overload', () => {
  const none = ddc(25, 0.1, 3);
  assert.deepEqual(
    [none.regime, none.dropProbability, none.latencySeconds, none.exact],
    ['no-wait', 0, 0.1, true],
  );
  // lambda S = 2 exactly (10 x 0.1 rounds above 1 in floating point: still no wait).
  assert.equal(ddc(20, 0.1, 2).regime, 'no-wait');
  const jit = ddc(20, 0.1, 2, { jitterSeconds: 0.005 });
  assert.equal(jit.regime, 'jitter');
  close(jit.latencySeconds, 0.11, 1e-12, 'S + (S + 2J - c/lambda)');
  assert.equal(ddc(20, 0.1, 3, { jitterSeconds: 0.005 }).regime, 'no-wait');
  for (const [policy, wait] of [
    ['drop-newest', (8 * 0.1) / 2],
    ['drop-oldest', 8 / 25],
    ['trim-on-pop', 8 / 25 + 0.1 / 2],
  ] as const) {
    const o = ddc(25, 0.1, 2, { queueCapacity: 8, dropPolicy: policy });
    assert.equal(o.regime, 'overload');
    close(o.dropProbability, 1 - 2 / 2.5, 1e-12, `${policy} drop`);
    close(o.waitSeconds, wait, 1e-12, `${policy} full-queue wait`);
  }
  assert.equal(ddc(25, 0.1, 2).latencySeconds, Infinity);
});

/** The seed's model pvb-0078 (README): 3.964 GFLOPs, 20 ms overhead, class factor 1. */
const PVB: ModelConfig = {
  name: 'pvb-0078',
  gflops: 3.964,
  precision: 'fp32',
  overheadSeconds: 0.02,
  classFactor: 1,
  measuredFps: {},
  serviceTime: null,
};

const DDC_PLANS: {
  name: string;
  cpu: string;
  precision: 'fp32' | 'int8';
  fps: number;
  jitterSeconds: number;
  slo: QueueingSlo | 'S + 1 ms';
  expect: (ceil: number) => number;
}[] = [
  {
    name: 'Ice Lake fp32, 150 FPS (lambda S = 8.00)',
    cpu: 'avx512_vnni_icx',
    precision: 'fp32',
    fps: 150,
    jitterSeconds: 0,
    slo: { maxDropPercent: 1, maxP95LatencySeconds: 0.5 },
    expect: (ceil) => ceil,
  },
  {
    name: 'Ice Lake int8, 150 FPS (lambda S = 4.21)',
    cpu: 'avx512_vnni_icx',
    precision: 'int8',
    fps: 150,
    jitterSeconds: 0,
    slo: { maxDropPercent: 1, maxP95LatencySeconds: 0.5 },
    expect: (ceil) => ceil,
  },
  {
    name: 'Haswell fp32, 75 FPS, 5 ms jitter, no drops at all (lambda S = 5.22)',
    cpu: 'avx2_hsw_bdw',
    precision: 'fp32',
    fps: 75,
    jitterSeconds: 0.005,
    slo: { maxDropPercent: 0, maxP95LatencySeconds: null },
    expect: (ceil) => ceil,
  },
  {
    // At 8 replicas a frame can wait S + 2J - 8/150 = 4 ms; the objective allows 1 ms.
    name: 'Ice Lake fp32, 150 FPS, 2 ms jitter, p95 <= S + 1 ms: one more',
    cpu: 'avx512_vnni_icx',
    precision: 'fp32',
    fps: 150,
    jitterSeconds: 0.002,
    slo: 'S + 1 ms',
    expect: (ceil) => ceil + 1,
  },
  {
    // lambda S = 8.05: 8 replicas drop 1 - 8/8.05 = 0.6% < 1%, and a full trim-on-pop queue of 32
    // makes frames wait 32/151 + S/8 = 0.22 s, inside 0.5 s: the drop objective allows one fewer.
    name: 'Ice Lake fp32, 151 FPS, 1% drop allowed and a loose p95: one fewer',
    cpu: 'avx512_vnni_icx',
    precision: 'fp32',
    fps: 151,
    jitterSeconds: 0,
    slo: { maxDropPercent: 1, maxP95LatencySeconds: 0.5 },
    expect: (ceil) => ceil - 1,
  },
  {
    name: 'Ice Lake fp32, 151 FPS, 1% drop allowed but p95 <= 0.1 s: ceil again',
    cpu: 'avx512_vnni_icx',
    precision: 'fp32',
    fps: 151,
    jitterSeconds: 0,
    slo: { maxDropPercent: 1, maxP95LatencySeconds: 0.1 },
    expect: (ceil) => ceil,
  },
];

for (const row of DDC_PLANS) {
  test(`D/D/c plan from the model's throughput: ${row.name}`, () => {
    const S = frameSecondsAtFullSpeed(PVB, row.precision, BUILTIN_CPU_CATALOG.get(row.cpu)!, 1);
    const ceil = Math.ceil(row.fps / (1 / S)); // offered FPS / one replica's FPS
    const slo: QueueingSlo =
      row.slo === 'S + 1 ms' ? { maxDropPercent: 1, maxP95LatencySeconds: S + 0.001 } : row.slo;
    const input: QueueingInput = {
      arrivals: { kind: 'periodic', jitterSeconds: row.jitterSeconds },
      arrivalRatePerSecond: row.fps,
      service: { meanSeconds: S, scv: 0 },
      queue: { capacity: 32, dropPolicy: 'trim-on-pop' },
      maxReplicas: 100,
    };
    const plan = minReplicas(input, slo);
    assert.ok(plan.feasible, JSON.stringify(plan));
    assert.equal(plan.replicas, row.expect(ceil), `S = ${S}, lambda S = ${row.fps * S}`);
    assert.equal(plan.evaluation.formula, 'D/D/c');
    assert.ok(plan.fewer !== null);
    const fewerMeets =
      (slo.maxDropPercent === null || plan.fewer.dropPercent <= slo.maxDropPercent) &&
      (slo.maxP95LatencySeconds === null || plan.fewer.p95LatencySeconds <= slo.maxP95LatencySeconds);
    assert.equal(fewerMeets, false, 'one replica fewer must miss the objective');
  });
}

// ------------------------------------------------------------------------------- minReplicas

function meets(e: ReplicaEvaluation, slo: QueueingSlo): boolean {
  return (
    (slo.maxDropPercent === null || e.dropPercent <= slo.maxDropPercent) &&
    (slo.maxP95LatencySeconds === null || e.p95LatencySeconds <= slo.maxP95LatencySeconds) &&
    Number.isFinite(e.meanWaitSeconds)
  );
}

const MINIMAL_ROWS: { name: string; input: QueueingInput; slo: QueueingSlo }[] = [
  {
    name: 'M/M/c/K, 1% and 0.5 s',
    input: baseInput(),
    slo: { maxDropPercent: 1, maxP95LatencySeconds: 0.5 },
  },
  {
    name: 'M/M/c/K, latency binds (0.32 s)',
    input: baseInput(),
    slo: { maxDropPercent: 5, maxP95LatencySeconds: 0.32 },
  },
  {
    name: 'M/M/c/K, drop only',
    input: baseInput(),
    slo: { maxDropPercent: 0.01, maxP95LatencySeconds: null },
  },
  {
    name: 'M/M/c unbounded, latency only',
    input: baseInput({ queue: { capacity: Infinity, dropPolicy: 'drop-newest' } }),
    slo: { maxDropPercent: null, maxP95LatencySeconds: 0.35 },
  },
  {
    name: 'M/M/c/K trim-on-pop at 400 FPS',
    input: baseInput({ arrivalRatePerSecond: 400, queue: { capacity: 32, dropPolicy: 'trim-on-pop' } }),
    slo: { maxDropPercent: 0.5, maxP95LatencySeconds: 0.4 },
  },
  {
    name: 'M/D/c/K',
    input: baseInput({ service: { meanSeconds: 0.1, scv: 0 } }),
    slo: { maxDropPercent: 0.1, maxP95LatencySeconds: 0.2 },
  },
  {
    name: 'periodic + variable service',
    input: baseInput({
      arrivals: { kind: 'periodic' },
      service: { meanSeconds: 0.05, scv: 0.3 },
      arrivalRatePerSecond: 600,
    }),
    slo: { maxDropPercent: 0.5, maxP95LatencySeconds: 0.12 },
  },
  {
    name: 'G/G/c/K, bursty arrivals (Ca² 4)',
    input: baseInput({
      arrivals: { kind: 'general', ca2: 4 },
      queue: { capacity: 8, dropPolicy: 'drop-oldest' },
    }),
    slo: { maxDropPercent: 1, maxP95LatencySeconds: 0.6 },
  },
  {
    name: 'no load',
    input: baseInput({ arrivalRatePerSecond: 0 }),
    slo: { maxDropPercent: 0, maxP95LatencySeconds: 0.5 },
  },
];

for (const row of MINIMAL_ROWS) {
  test(`minReplicas is minimal (c meets the SLO, c - 1 does not): ${row.name}`, () => {
    const plan = minReplicas(row.input, row.slo);
    assert.ok(plan.feasible, JSON.stringify(plan));
    const c = plan.replicas;
    const at = evaluateReplicas(row.input, c);
    assert.deepEqual(at, plan.evaluation);
    assert.ok(meets(at, row.slo), `c = ${c} misses: ${JSON.stringify(at)}`);
    if (c > 1) {
      const below = evaluateReplicas(row.input, c - 1);
      assert.deepEqual(below, plan.fewer);
      assert.ok(!meets(below, row.slo), `c - 1 = ${c - 1} meets too: ${JSON.stringify(below)}`);
    } else assert.equal(plan.fewer, null);
    // And no smaller c anywhere meets it (the scan's starting bound is sound).
    for (let k = 1; k < c - 1; k++)
      assert.ok(!meets(evaluateReplicas(row.input, k), row.slo), `c = ${k} meets`);
  });
}

test('exact inputs give exactly the closed form: Poisson + exponential, drop-newest is M/M/c/(c + capacity)', () => {
  const input = baseInput();
  const plan = minReplicas(input, { maxDropPercent: 1, maxP95LatencySeconds: 0.5 });
  assert.ok(plan.feasible);
  assert.equal(plan.replicas, 10);
  const e = plan.evaluation;
  assert.equal(e.formula, 'M/M/c/K');
  assert.equal(e.exact, true);
  assert.equal(e.systemCapacity, 30);
  const r = mmck(90, 10, 10, 30);
  assert.equal(e.dropPercent, 100 * r.blockingProbability);
  assert.equal(e.meanWaitSeconds, r.meanWaitSeconds);
  assert.equal(e.utilisation, r.utilisation);
  assert.equal(e.p95LatencySeconds, mmckSojournQuantile(r));
  close(e.dropPercent / 100, 0.008772084480502004, 1e-10, 'mmck_analytic.py 90 10 10 30');
  // Other policies: the same drop (K + 1 for trim-on-pop), flagged approximate for latency.
  const oldest = evaluateReplicas(baseInput({ queue: { capacity: 20, dropPolicy: 'drop-oldest' } }), 10);
  assert.equal(oldest.dropPercent, e.dropPercent);
  assert.equal(oldest.exact, false);
  const trim = evaluateReplicas(baseInput({ queue: { capacity: 20, dropPolicy: 'trim-on-pop' } }), 10);
  assert.equal(trim.systemCapacity, systemCapacity(10, 20, 'trim-on-pop'));
  assert.equal(trim.dropPercent, 100 * mmck(90, 10, 10, 31).blockingProbability);
  // Unbounded: Erlang C.
  const inf = evaluateReplicas(baseInput({ queue: { capacity: Infinity, dropPolicy: 'drop-newest' } }), 10);
  assert.equal(inf.formula, 'M/M/c');
  assert.equal(inf.meanWaitSeconds, mmc(90, 10, 10).meanWaitSeconds);
  // Anything else says it is approximate.
  for (const patch of [
    { service: { meanSeconds: 0.1, scv: 0 } },
    { arrivals: { kind: 'general', ca2: 1 } as const },
    { arrivals: { kind: 'periodic' } as const },
  ]) {
    const x = evaluateReplicas(baseInput(patch), 10);
    assert.equal(x.exact, false);
    assert.ok(
      x.notes.some((n) => n.startsWith('approximate')),
      JSON.stringify(x.notes),
    );
  }
});

test('infeasible: a latency objective below the service time itself, with the shortfall', () => {
  const det = minReplicas(baseInput({ service: { meanSeconds: 0.1, scv: 0 } }), {
    maxDropPercent: 1,
    maxP95LatencySeconds: 0.08,
  });
  assert.ok(!det.feasible);
  assert.equal(det.reason, 'latency-below-service-time');
  assert.equal(det.constraint, 'latency');
  close(det.latencySecondsOver, 0.02, 1e-12, 'shortfall');
  assert.match(det.message, /below the p95 of the service time alone \(0\.1 s\) by 0\.02 s/);
  // Exponential service: its own p95 is S ln 20 = 0.2996 s.
  close(serviceP95Seconds({ meanSeconds: 0.1, scv: 1 }), 0.1 * Math.log(20), 1e-9, 'exponential p95');
  const exp = minReplicas(baseInput(), { maxDropPercent: 1, maxP95LatencySeconds: 0.25 });
  assert.ok(!exp.feasible && exp.reason === 'latency-below-service-time');
  close(exp.latencySecondsOver, 0.1 * Math.log(20) - 0.25, 1e-9, 'exponential shortfall');
  // Exactly the service time is feasible for D/D/c.
  const edge = minReplicas(
    baseInput({ arrivals: { kind: 'periodic' }, service: { meanSeconds: 0.1, scv: 0 } }),
    { maxDropPercent: 0, maxP95LatencySeconds: 0.1 },
  );
  assert.ok(edge.feasible && edge.replicas === 9, JSON.stringify(edge));
});

test('infeasible: the replica cap, naming the failing objective and by how much', () => {
  // At 9 replicas: drop 4.09%, p95 0.433 s; 10 would meet (0.88%, 0.368 s).
  const plan = minReplicas(baseInput({ maxReplicas: 9 }), { maxDropPercent: 1, maxP95LatencySeconds: 0.5 });
  assert.ok(!plan.feasible);
  assert.equal(plan.reason, 'max-replicas');
  assert.equal(plan.constraint, 'drop');
  const at9 = evaluateReplicas(baseInput({ maxReplicas: 9 }), 9);
  assert.deepEqual(plan.evaluation, at9);
  close(plan.dropPercentOver, at9.dropPercent - 1, 1e-12, 'drop excess');
  assert.equal(plan.latencySecondsOver, 0);
  assert.match(plan.message, /at the cap of 9 replicas drop 4\.089% exceeds 1% by 3\.089 points/);
  const both = minReplicas(baseInput({ maxReplicas: 9 }), { maxDropPercent: 1, maxP95LatencySeconds: 0.4 });
  assert.ok(!both.feasible && both.constraint === 'drop and latency', JSON.stringify(both));
  assert.ok(both.latencySecondsOver > 0);
});

test('infeasible: zero drops with random arrivals into a finite queue; an unbounded overloaded queue is never a plan', () => {
  const zero = minReplicas(baseInput(), { maxDropPercent: 0, maxP95LatencySeconds: null });
  assert.ok(!zero.feasible && zero.reason === 'zero-drop-with-random-arrivals' && zero.constraint === 'drop');
  // Unbounded queue: zero drops are fine, but only a stable c counts.
  const inf = baseInput({ queue: { capacity: Infinity, dropPolicy: 'drop-newest' } });
  const plan = minReplicas(inf, { maxDropPercent: 0, maxP95LatencySeconds: null });
  assert.ok(plan.feasible && plan.replicas === 10, JSON.stringify(plan));
  assert.equal(plan.fewer!.meanWaitSeconds, Infinity);
  assert.throws(
    () => minReplicas(baseInput(), { maxDropPercent: -1, maxP95LatencySeconds: null }),
    RangeError,
  );
  assert.throws(() => evaluateReplicas(baseInput({ service: { meanSeconds: 0, scv: 1 } }), 1), RangeError);
  assert.throws(() => evaluateReplicas(baseInput(), 0), RangeError);
});

// ------------------------------------------------------------------------------- against the simulator

/** One service fed by Poisson frames, `replicas` replicas that never change, woken at once (notify). */
function simulateMmck(
  lambda: number,
  meanServiceSeconds: number,
  replicas: number,
  capacity: number,
  seed: number,
) {
  return run(
    {
      duration: '1h',
      nodePools: { pool: { count: 1, cores: replicas + 4, cpuType: 'cpu10' } }, // no processor sharing
      models: { m: { serviceTime: { type: 'exponential', mean: meanServiceSeconds } } },
      services: {
        svc: {
          model: 'm',
          replicas,
          queue: { capacity, dropPolicy: 'drop-newest' },
          wakeup: 'notify',
          startupDelay: 0,
        },
      },
      streams: [{ type: 'svc', arrivals: 'poisson', rate: lambda }],
    },
    { seed },
  ).result.services[0];
}

test('the planned c and c - 1 of an M/M/c/K input, simulated: drop % and p95 agree with the analytic figures', () => {
  const input = baseInput({ arrivalRatePerSecond: 90, queue: { capacity: 12, dropPolicy: 'drop-newest' } });
  const slo: QueueingSlo = { maxDropPercent: 3, maxP95LatencySeconds: 0.34 };
  const plan = minReplicas(input, slo);
  assert.ok(plan.feasible && plan.fewer);
  const REPLICATIONS = 10;
  for (const e of [plan.evaluation, plan.fewer]) {
    const drops: number[] = [];
    const p95s: number[] = [];
    for (let seed = 1; seed <= REPLICATIONS; seed++) {
      const r = simulateMmck(90, 0.1, e.replicas, 12, seed);
      drops.push(100 * r.dropRatio);
      p95s.push(r.latencyP95Seconds!);
    }
    for (const [name, xs, truth, slack] of [
      ['drop %', drops, e.dropPercent, 0],
      ['p95 latency', p95s, e.p95LatencySeconds, 0.005 * e.p95LatencySeconds], // histogram buckets: 0.5%
    ] as const) {
      const ci = ci99([...xs]);
      const msg = `c = ${e.replicas}, ${name}: simulated ${ci.mean.toPrecision(5)} (99% CI +-${ci.halfWidth.toPrecision(3)}), analytic ${truth.toPrecision(5)}`;
      process.stderr.write(`${msg}\n`);
      assert.ok(Math.abs(ci.mean - truth) <= ci.halfWidth + slack, msg);
      assert.ok(Math.abs(ci.mean - truth) / truth < 0.05, msg);
    }
  }
  // The simulated figures side with the plan: c meets the objective, c - 1 does not.
  assert.ok(plan.evaluation.dropPercent <= 3 && plan.evaluation.p95LatencySeconds <= 0.34);
  assert.ok(plan.fewer.dropPercent > 3 || plan.fewer.p95LatencySeconds > 0.34);
});
