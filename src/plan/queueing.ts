/**
 * The planner's analytic first stage: queueing closed forms that guess, per service, the fewest
 * replicas meeting an SLO (max drop %, max p95 latency) at a given peak load. Stage 2 confirms the
 * guess by simulation; nothing here simulates. Pure functions: no clock, no randomness, no I/O.
 *
 * Notation: λ frames/s offered, S mean service time (μ = 1/S), Cs² and Ca² the squared coefficients
 * of variation of service and inter-arrival times, c replicas (servers), a = λS the offered load in
 * Erlangs, ρ = a/c, K the most frames the system holds (waiting + in service), N = K − c waiting
 * places.
 *
 * How the simulator's queue maps onto K (src/model/world.ts `arrive` / `takeFrames`). A scenario's
 * `queue.capacity` counts WAITING frames only: a frame in service is not in the queue. So
 *   drop-newest, drop-oldest:  K = c + capacity      (a push to a queue holding `capacity` is refused
 *                                                    or evicts the oldest: same count of drops)
 *   trim-on-pop:               K = c + capacity + 1  (the queue grows without bound between pops; a
 *                                                    pop takes the oldest frame and trims the rest to
 *                                                    `capacity`, so just after any pop at most
 *                                                    `capacity` wait, exactly as with capacity + 1
 *                                                    and drop-oldest; drops are counted at the pop)
 * Unlike the textbook K, this K grows with c: each replica brings its own in-service slot. Which
 * frame is dropped differs by policy, so only drop-newest matches the FIFO waiting time below
 * exactly; drop-oldest serves fresher frames and trim-on-pop in between, and the drop-newest
 * waiting time is then used as an upper estimate. Every model assumes `wakeup: notify` (an idle
 * replica takes an arriving frame at once; with `poll` a frame can wait up to the poll interval for
 * an idle replica), batch size 1, and a service time that does not change with load (no CPU limit
 * throttling or processor sharing): S is the per-frame time at full speed from
 * src/model/throughput.ts, or the model's `serviceTime` distribution.
 *
 * M/M/c/K (Poisson arrivals, exponential service, FIFO, arrivals refused when K are present). Exact.
 *   p_n ∝ a^n / n! (n ≤ c), p_n ∝ a^c / c! · ρ^(n−c) (c < n ≤ K), normalised: computed as logs
 *   (n ln a − ln n!) and summed relative to the largest term, so c in the thousands and K in the
 *   millions neither overflow nor underflow. Drop = p_K; L_q = Σ (n−c) p_n; λ_eff = λ(1 − p_K);
 *   W_q = L_q / λ_eff (Little); utilisation = λ_eff S / c.
 *   Waiting time of admitted frames: by PASTA an arrival sees state n with probability p_n; admitted
 *   (n < K), it waits for n − c + 1 departures when n ≥ c, and while all c serve departures form a
 *   Poisson process of rate cμ, so W_q is a mixture of Erlang(n−c+1, cμ) with weights
 *   p_n / (1 − p_K), plus an atom at 0 of weight Σ_{n<c} p_n / (1 − p_K). The sojourn W_q + S (what
 *   the simulator's latency histogram records) adds an independent Exp(μ). Both tails come from
 *   uniformization at rate cμ: P(W_q > t) = Σ_j Pois(j; cμt) Σ_{k>j} w_k, and for the sojourn each
 *   uniformized event ends the service with probability 1/c, which adds Σ_{k≤j} w_k (1−1/c)^(j−k).
 *   The p95 is found by bisection on that tail.
 * M/M/c (K = ∞), Erlang C: P(wait) = C(c, a) = B / (1 − ρ(1 − B)) with B Erlang B; W_q =
 *   C / (cμ − λ); P(W_q > t) = C e^−(cμ−λ)t; the sojourn is Exp(μ), or Exp(cμ−λ) + Exp(μ) when
 *   waiting. Needs ρ < 1.
 * M/M/c/c, Erlang B: B(0) = 1, B(k) = a B(k−1) / (k + a B(k−1)) (stable for any c; the direct
 *   form a^c/c! / Σ a^k/k! in log space agrees). Insensitive: exact for M/G/c/c too.
 * M/G/1, Pollaczek–Khinchine: W_q = λ E[S²] / (2(1 − ρ)) = ρ S (1 + Cs²) / (2(1 − ρ)); exact for
 *   any service distribution with Poisson arrivals; M/D/1 is Cs² = 0: W_q = ρ S / (2(1 − ρ)).
 * G/G/c, Allen–Cunneen (Lee–Longton for M/G/c, Kingman for c = 1): W_q ≈ (Ca² + Cs²)/2 · W_q(M/M/c).
 *   Exact for M/M/c and, in the mean, for M/G/1 (it is Pollaczek–Khinchine there); a heavy-traffic
 *   approximation otherwise. Our own check against the simulator, M/D/c with an unbounded queue:
 *   within 4% at ρ ≥ 0.9 (c = 10, 20), 12% low at ρ = 0.7 and 24% low at ρ = 0.5, where the waits
 *   are a few ms and rarely decide a plan.
 * G/G/c/K, scaled waiting room (an approximation). In a diffusion approximation of a many-server
 *   queue the number of waiting frames moves like a reflected Brownian motion whose variance, per
 *   unit of drift, is z = (Ca² + Cd²)/2 times the exponential case's (Cd²: the variability of the
 *   departures); N waiting places of the general queue then behave like N/z places of M/M/c with
 *   the same load, and its waits like z times that queue's. The idea follows W. Whitt, "A diffusion
 *   approximation for the G/GI/n/m queue", Operations Research 52(6):922–941, 2004 (whose own
 *   approximation is more refined). We take drop, P(wait) and the shape of the wait from
 *   M/M/c/(c + N/z), mixing the two integer neighbours when N/z is fractional, and scale the wait by
 *   z. Below c busy replicas nothing is scaled: the number busy in M/G/∞ is Poisson whatever the
 *   service distribution, which is also why Erlang B (N = 0) stays exact. Cd² is not simply Cs²:
 *   over the short windows in which a small waiting room fills, the departures of c replicas are as
 *   irregular as Poisson, so Cd² = Cs² + (1 − Cs²)/(1 + 4N/c) (see DEPARTURE_WINDOW; the 4 is our
 *   calibration). With N = ∞ this is Allen–Cunneen; it keeps the throughput bound drop ≥ 1 − c/a,
 *   tends to 1 − c/a in overload, and is exact for Poisson arrivals with exponential service.
 *   For the p95 the conditional wait is a gamma with the mean and SCV of the scaled mixture, the
 *   service time a gamma with mean S and SCV Cs² (a constant when Cs² = 0); their sum's tail is
 *   integrated numerically. Measured against the simulator (Poisson arrivals, 17 cases, c 1..100,
 *   Cs² 0..2.25, ρ 0.7..1.1, N 3..32): drop −15%..+60% (most within ±25%; with plain Cd² = Cs² it
 *   was −45%..+35%), mean wait −1%..+16%, p95 0..+17%. With evenly spaced arrivals (Ca² = 0) and a
 *   variable service time it errs on the safe side: drop up to 5× and p95 up to 20% above the
 *   simulated figures for small waiting rooms.
 * D/D/c (evenly spaced arrivals, each moved by up to ±J of jitter, constant S). With FIFO and equal
 *   service times, frame i starts at max(a_i, start_{i−c} + S). If any c consecutive gaps add up to
 *   at least S, nobody waits; evenly spaced arrivals guarantee c/λ − 2J, so c ≥ λ(S + 2J) means no
 *   wait (c ≥ λS when J = 0): latency = S exactly, no drops. Between λS and λ(S + 2J) the Lindley
 *   recursion on every c-th frame bounds the wait by S + 2J − c/λ (a worst case, not a p95). Below
 *   λS the queue fills and stays full: drop = 1 − c/(λS) exactly in the long run, and a served frame
 *   waited about N S / c (drop-newest: behind a full queue), N / λ (drop-oldest: the queue holds the
 *   newest N arrivals) or N / λ + S / c (trim-on-pop, N = capacity). A periodic input means the
 *   superposed streams are evenly spaced (one stream, or equal-rate streams with `phase: spread`).
 *   Streams with random phases (the default) bunch up within each frame period and are closer to
 *   Poisson over short times, yet exactly periodic over a period: modelling them as Poisson errs on
 *   the safe side (30 random-phase streams at ρ 0.9, capacity 5: Poisson predicts 4% drops, the
 *   simulator none), and stage 2's simulation settles it.
 */
import type { DropPolicyName } from '../scenario/schema.js';
import { bisectDecreasing, gammaP, gammaQ, lnFactorial, logAddExp, poissonExpectation } from './numeric.js';

// ------------------------------------------------------------------------------- Erlang B / C

/** Erlang B, the blocking probability of M/M/c/c (and M/G/c/c), by the stable recursion. */
export function erlangB(c: number, a: number): number {
  checkServers(c);
  checkNonNegative('offered load', a);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang B from its direct form (a^c/c!) / Σ_{k≤c} a^k/k!, summed in log space. */
export function erlangBDirect(c: number, a: number): number {
  checkServers(c);
  checkNonNegative('offered load', a);
  if (a === 0) return 0;
  const lnA = Math.log(a);
  let lnSum = -Infinity;
  for (let k = 0; k <= c; k++) lnSum = logAddExp(lnSum, k * lnA - lnFactorial(k));
  return Math.exp(c * lnA - lnFactorial(c) - lnSum);
}

/** Erlang C: the probability that an arrival waits in M/M/c (1 when ρ ≥ 1: the queue never empties). */
export function erlangC(c: number, a: number): number {
  const b = erlangB(c, a);
  const rho = a / c;
  if (rho >= 1) return 1;
  return b / (1 - rho * (1 - b));
}

/** M/M/c with an unbounded queue. */
export interface MmcResult {
  stable: boolean;
  waitProbability: number;
  meanWaitSeconds: number;
  utilisation: number;
}

export function mmc(lambda: number, mu: number, c: number): MmcResult {
  checkRates(lambda, mu);
  checkServers(c);
  const a = lambda / mu;
  const rho = a / c;
  if (rho >= 1) return { stable: false, waitProbability: 1, meanWaitSeconds: Infinity, utilisation: 1 };
  const pw = erlangC(c, a);
  return { stable: true, waitProbability: pw, meanWaitSeconds: pw / (c * mu - lambda), utilisation: rho };
}

// ------------------------------------------------------------------------------- single server, G/G/c means

/** M/D/1 mean wait in queue (Pollaczek–Khinchine with a constant service time S). */
export function md1MeanWait(lambda: number, serviceSeconds: number): number {
  return mg1MeanWait(lambda, serviceSeconds, 0);
}

/** M/G/1 mean wait in queue (Pollaczek–Khinchine): λ E[S²] / (2(1 − ρ)), E[S²] = (1 + Cs²) S². */
export function mg1MeanWait(lambda: number, meanServiceSeconds: number, serviceScv: number): number {
  checkRates(lambda, 1 / meanServiceSeconds);
  checkNonNegative('service SCV', serviceScv);
  const rho = lambda * meanServiceSeconds;
  if (rho >= 1) return Infinity;
  return (lambda * (1 + serviceScv) * meanServiceSeconds ** 2) / (2 * (1 - rho));
}

/** Kingman's G/G/1 approximation: W_q ≈ ρ/(1 − ρ) · (Ca² + Cs²)/2 · S. */
export function kingmanMeanWait(
  lambda: number,
  meanServiceSeconds: number,
  arrivalScv: number,
  serviceScv: number,
): number {
  return allenCunneenMeanWait(lambda, meanServiceSeconds, 1, arrivalScv, serviceScv);
}

/** Allen–Cunneen G/G/c approximation: W_q ≈ (Ca² + Cs²)/2 · W_q(M/M/c); Lee–Longton when Ca² = 1. */
export function allenCunneenMeanWait(
  lambda: number,
  meanServiceSeconds: number,
  c: number,
  arrivalScv: number,
  serviceScv: number,
): number {
  checkNonNegative('arrival SCV', arrivalScv);
  checkNonNegative('service SCV', serviceScv);
  const m = mmc(lambda, 1 / meanServiceSeconds, c);
  return ((arrivalScv + serviceScv) / 2) * m.meanWaitSeconds;
}

// ------------------------------------------------------------------------------- M/M/c/K

/** The birth-death sums of M/M/c/(c + waiting), all relative to the largest unnormalised term. */
interface BirthDeath {
  drop: number;
  /** L_q: mean number waiting, over time. */
  meanQueueLength: number;
  /** Of admitted frames: the share that waits, and E[k], E[k²] of the departures k it waits for. */
  waitProbability: number;
  meanDepartures: number;
  meanDeparturesSquared: number;
  /** p_0..p_K when asked for. */
  states: Float64Array | null;
}

const EXP_FLOOR = -750; // e^-750 is 0 in double precision: terms below it are skipped, not summed

function birthDeath(a: number, c: number, waiting: number, keepStates: boolean): BirthDeath {
  const K = c + waiting;
  if (a === 0) {
    const states = keepStates ? new Float64Array(K + 1) : null;
    if (states) states[0] = 1;
    const drop = K === 0 ? 1 : 0;
    return {
      drop,
      meanQueueLength: 0,
      waitProbability: 0,
      meanDepartures: 0,
      meanDeparturesSquared: 0,
      states,
    };
  }
  const lnA = Math.log(a);
  const lnRho = lnA - Math.log(c);
  // ln u_n = n ln a − ln n! for n ≤ c, by the running ratio a/n (no factorial is ever formed).
  const lnBelow = new Float64Array(c + 1);
  let mx = 0;
  for (let n = 1; n <= c; n++) {
    lnBelow[n] = lnBelow[n - 1] + lnA - Math.log(n);
    if (lnBelow[n] > mx) mx = lnBelow[n];
  }
  const lnUc = lnBelow[c];
  const lnTop = lnUc + waiting * lnRho; // state K (for waiting = 0 that is state c itself)
  if (lnTop > mx) mx = lnTop;

  let free = 0; // Σ_{n<c}: arrivals find a free replica
  for (let n = 0; n < c; n++) free += Math.exp(lnBelow[n] - mx);
  // Waiting states n = c..K−1; an arrival there waits for k = n − c + 1 departures (k = 1..waiting).
  const base = lnUc - mx;
  let kFrom = 1;
  let kTo = waiting;
  if (lnRho < 0) kTo = Math.min(waiting, 1 + Math.floor((EXP_FLOOR - base) / lnRho));
  else if (lnRho > 0) kFrom = Math.max(1, Math.ceil(1 + (EXP_FLOOR - base) / lnRho));
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let k = kFrom; k <= kTo; k++) {
    const t = Math.exp(base + (k - 1) * lnRho);
    s0 += t;
    s1 += k * t;
    s2 += k * k * t;
  }
  const top = Math.exp(lnTop - mx);
  const admittedMass = free + (waiting > 0 ? s0 : 0);
  const z = admittedMass + top;
  const meanQueueLength = (waiting > 0 ? s1 - s0 + waiting * top : 0) / z;
  let states: Float64Array | null = null;
  if (keepStates) {
    states = new Float64Array(K + 1);
    for (let n = 0; n < c; n++) states[n] = Math.exp(lnBelow[n] - mx) / z;
    for (let k = 1; k <= waiting; k++) states[c + k - 1] = Math.exp(base + (k - 1) * lnRho) / z;
    states[K] = top / z;
  }
  return {
    drop: top / z,
    meanQueueLength,
    waitProbability: waiting > 0 ? s0 / admittedMass : 0,
    meanDepartures: s0 > 0 ? s1 / s0 : 0,
    meanDeparturesSquared: s0 > 0 ? s2 / s0 : 0,
    states,
  };
}

/** M/M/c/K: the closed form of reference/queueing.md, computed stably. */
export interface MmckResult {
  arrivalRate: number;
  serviceRate: number;
  servers: number;
  /** K: the most frames in the system, waiting + in service. */
  capacity: number;
  /** p_0..p_K. */
  stateProbabilities: Float64Array;
  /** p_K: the share of arrivals refused. */
  blockingProbability: number;
  /** L_q = Σ (n − c) p_n. */
  meanQueueLength: number;
  /** W_q = L_q / λ_eff: the mean wait of admitted frames. */
  meanWaitSeconds: number;
  /** W_q + 1/μ. */
  meanSojournSeconds: number;
  /** P(W_q > 0) for an admitted frame. */
  waitProbability: number;
  /** λ_eff / (c μ). */
  utilisation: number;
}

export function mmck(lambda: number, mu: number, c: number, K: number): MmckResult {
  checkRates(lambda, mu);
  checkServers(c);
  if (!Number.isInteger(K) || K < c) throw new RangeError(`M/M/c/K needs an integer K >= c = ${c}, got ${K}`);
  const bd = birthDeath(lambda / mu, c, K - c, true);
  const lambdaEff = lambda * (1 - bd.drop);
  const meanWait = lambdaEff > 0 ? bd.meanQueueLength / lambdaEff : 0;
  return {
    arrivalRate: lambda,
    serviceRate: mu,
    servers: c,
    capacity: K,
    stateProbabilities: bd.states!,
    blockingProbability: bd.drop,
    meanQueueLength: bd.meanQueueLength,
    meanWaitSeconds: meanWait,
    meanSojournSeconds: meanWait + 1 / mu,
    waitProbability: bd.waitProbability,
    utilisation: lambdaEff / (c * mu),
  };
}

/** Tails of the latency of admitted frames: P(W_q > t) and P(W_q + S > t), for t >= 0. */
export interface LatencyTails {
  waitTail(t: number): number;
  sojournTail(t: number): number;
  /** A time scale for bracketing quantiles (mean wait + mean service). */
  scaleSeconds: number;
}

/** The exact waiting and sojourn time tails of M/M/c/K under FIFO (a mixture of Erlang tails). */
export function mmckTails(r: MmckResult): LatencyTails {
  const { servers: c, capacity: K, stateProbabilities: p, serviceRate: mu } = r;
  const kMax = K - c;
  const admitted = 1 - r.blockingProbability;
  // w_k: an admitted frame waits for k departures; w_0 = no wait.
  const w = new Float64Array(kMax + 1);
  let free = 0;
  for (let n = 0; n < c; n++) free += p[n];
  w[0] = free / admitted;
  for (let k = 1; k <= kMax; k++) w[k] = p[c + k - 1] / admitted;
  // more[j] = Σ_{k>j} w_k: still waiting after j departures. inService[j] = Σ_{k≤j} w_k q^(j−k).
  const more = new Float64Array(kMax + 1);
  for (let j = kMax - 1; j >= 0; j--) more[j] = more[j + 1] + w[j + 1];
  const q = 1 - 1 / c;
  const inService = new Float64Array(kMax + 1);
  let acc = 0;
  for (let j = 0; j <= kMax; j++) {
    acc = acc * q + w[j];
    inService[j] = acc;
  }
  const theta = c * mu;
  const last = inService[kMax];
  return {
    waitTail: (t) => (t <= 0 ? more[0] : poissonExpectation(theta * t, (j) => (j < kMax ? more[j] : 0))),
    sojournTail: (t) =>
      t <= 0
        ? 1
        : poissonExpectation(theta * t, (j) => (j <= kMax ? more[j] + inService[j] : last * q ** (j - kMax))),
    scaleSeconds: r.meanWaitSeconds + 1 / mu,
  };
}

/** The q-quantile of a latency tail (smallest t with tail(t) <= 1 − q). */
export function tailQuantile(tail: (t: number) => number, q: number, scaleSeconds: number): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be in (0, 1), got ${q}`);
  return bisectDecreasing(tail, 1 - q, 0, Math.max(scaleSeconds, 1e-9));
}

/** The p-quantile (default 95th) of M/M/c/K sojourn time (wait + service) of admitted frames. */
export function mmckSojournQuantile(r: MmckResult, q = 0.95): number {
  const t = mmckTails(r);
  return tailQuantile(t.sojournTail, q, t.scaleSeconds);
}

/** M/M/c (K = ∞) latency tails; needs ρ < 1. */
export function mmcTails(lambda: number, mu: number, c: number): LatencyTails {
  const m = mmc(lambda, mu, c);
  if (!m.stable) throw new RangeError(`M/M/c is unstable at rho = ${lambda / (c * mu)}`);
  const drain = c * mu - lambda;
  const pw = m.waitProbability;
  return {
    waitTail: (t) => pw * Math.exp(-drain * Math.max(0, t)),
    sojournTail: (t) => (t <= 0 ? 1 : (1 - pw) * Math.exp(-mu * t) + pw * twoExponentialsTail(drain, mu, t)),
    scaleSeconds: m.meanWaitSeconds + 1 / mu,
  };
}

/** P(X + Y > t) for independent X ~ Exp(α), Y ~ Exp(β). */
function twoExponentialsTail(alpha: number, beta: number, t: number): number {
  if (Math.abs(alpha - beta) <= 1e-9 * Math.max(alpha, beta)) {
    const r = 0.5 * (alpha + beta);
    return (1 + r * t) * Math.exp(-r * t);
  }
  return (alpha * Math.exp(-beta * t) - beta * Math.exp(-alpha * t)) / (alpha - beta);
}

// ------------------------------------------------------------------------------- G/G/c/K approximation

/** The scaled-waiting-room approximation of a G/G/c/K queue (see the header). */
export interface ScaledQueue {
  /** Cd²: the variability of departures over the waiting room's time scale (Cs² when unbounded). */
  departureScv: number;
  /** z = (Ca² + Cd²)/2. */
  variability: number;
  /** N / z, the M/M/c waiting places standing in for the N real ones (Infinity: unbounded). */
  equivalentWaitingPlaces: number;
  dropProbability: number;
  /** Of admitted frames: the share that waits, and the mean and SCV of the wait of those that do. */
  waitProbability: number;
  conditionalWaitMeanSeconds: number;
  conditionalWaitScv: number;
  /** Mean wait of admitted frames. */
  meanWaitSeconds: number;
  utilisation: number;
  stable: boolean;
}

/** The largest M/M/c/K waiting room evaluated; a larger N/z is reached by a larger z instead. */
const MAX_EQUIVALENT_PLACES = 1 << 21;

/**
 * Departures of c busy replicas over a window of x service times are a superposition of c renewal
 * processes: over a short window they are as irregular as Poisson (index of dispersion 1) whatever
 * the service time, over a long one their index of dispersion tends to Cs². Overflowing N waiting
 * places is decided over a window of the order of N/c service times; we take
 * Cd² = Cs² + (1 − Cs²) / (1 + DEPARTURE_WINDOW · N/c). The constant is ours: fitted by hand to
 * nine M/D/c/K and M/G/c/K runs of this simulator and checked on eight others (three of them are
 * test/plan/queueing-sim.test.ts); over all seventeen the drop is met within −15%..+60%, where
 * Cd² = Cs² missed by up to −45% (too few replicas). It errs towards too many at large c.
 */
const DEPARTURE_WINDOW = 4;

/** Cd² of the departures seen by N waiting places with c replicas (see DEPARTURE_WINDOW). */
export function departureScv(serviceScv: number, c: number, waitingPlaces: number): number {
  if (waitingPlaces === Infinity) return serviceScv;
  return serviceScv + (1 - serviceScv) / (1 + (DEPARTURE_WINDOW * waitingPlaces) / c);
}

export function scaledQueue(
  lambda: number,
  meanServiceSeconds: number,
  c: number,
  waitingPlaces: number,
  arrivalScv: number,
  serviceScv: number,
): ScaledQueue {
  const mu = 1 / meanServiceSeconds;
  checkRates(lambda, mu);
  checkServers(c);
  checkNonNegative('arrival SCV', arrivalScv);
  checkNonNegative('service SCV', serviceScv);
  if (!(waitingPlaces >= 0)) throw new RangeError(`waiting places must be >= 0, got ${waitingPlaces}`);
  if (arrivalScv + serviceScv <= 0) throw new RangeError('Ca² + Cs² = 0 is D/D/c: use ddc()');
  const cd2 = departureScv(serviceScv, c, waitingPlaces);
  let z = (arrivalScv + cd2) / 2;
  const a = lambda / mu;
  const rho = a / c;
  const theta = c * mu;
  let places = waitingPlaces / z;
  // Past the point where ρ^places underflows, the waiting room is as good as unbounded.
  const unbounded = places === Infinity || (rho < 1 && places * Math.log(rho) < EXP_FLOOR);
  if (unbounded) {
    const m = mmc(lambda, mu, c);
    const condMean = m.stable ? z / (theta - lambda) : Infinity;
    return {
      departureScv: cd2,
      variability: z,
      equivalentWaitingPlaces: Infinity,
      dropProbability: 0,
      waitProbability: m.waitProbability,
      conditionalWaitMeanSeconds: condMean,
      conditionalWaitScv: 1,
      meanWaitSeconds: m.stable ? m.waitProbability * condMean : Infinity,
      utilisation: Math.min(1, rho),
      stable: m.stable,
    };
  }
  if (places > MAX_EQUIVALENT_PLACES) {
    z = waitingPlaces / MAX_EQUIVALENT_PLACES;
    places = MAX_EQUIVALENT_PLACES;
  }
  // Mix the two integer neighbours of a fractional N/z.
  const lo = Math.floor(places);
  const f = places - lo;
  const parts =
    f > 0 ? [birthDeath(a, c, lo, false), birthDeath(a, c, lo + 1, false)] : [birthDeath(a, c, lo, false)];
  const weights = f > 0 ? [1 - f, f] : [1];
  let drop = 0;
  let pw = 0;
  let m1 = 0; // E[W; W > 0] of the M/M/c/K' wait, over admitted frames
  let m2 = 0;
  for (let i = 0; i < parts.length; i++) {
    const bd = parts[i];
    drop += weights[i] * bd.drop;
    pw += weights[i] * bd.waitProbability;
    m1 += (weights[i] * bd.waitProbability * bd.meanDepartures) / theta;
    m2 += (weights[i] * bd.waitProbability * (bd.meanDeparturesSquared + bd.meanDepartures)) / theta ** 2;
  }
  const condMean = pw > 0 ? m1 / pw : 0;
  const condScv = pw > 0 && condMean > 0 ? Math.max(0, m2 / pw / condMean ** 2 - 1) : 0;
  return {
    departureScv: cd2,
    variability: z,
    equivalentWaitingPlaces: places,
    dropProbability: drop,
    waitProbability: pw,
    conditionalWaitMeanSeconds: z * condMean,
    conditionalWaitScv: condScv,
    meanWaitSeconds: z * m1,
    utilisation: (lambda * (1 - drop)) / theta,
    stable: true,
  };
}

/**
 * Latency tails for the approximation: the wait is 0 with probability 1 − P(wait), else a gamma
 * with the scaled queue's conditional mean and SCV; the service time is a gamma with mean S and SCV
 * Cs² (a constant when Cs² = 0). P(W + S > t) = P(S > t) + ∫_[0,t] P(W > t − s) dG(s), integrated
 * over cells of the service CDF G.
 */
export function approximateTails(
  sq: ScaledQueue,
  meanServiceSeconds: number,
  serviceScv: number,
): LatencyTails {
  const pw = sq.waitProbability;
  const wMean = sq.conditionalWaitMeanSeconds;
  const wShape = sq.conditionalWaitScv > 1e-9 ? 1 / sq.conditionalWaitScv : Infinity;
  const waitTail = (x: number): number => {
    if (x < 0) return 1;
    if (pw === 0) return 0;
    if (wShape === Infinity) return x < wMean ? pw : 0;
    return pw * gammaQ(wShape, (x * wShape) / wMean);
  };
  const S = meanServiceSeconds;
  const scale = sq.meanWaitSeconds + S;
  if (serviceScv < 1e-9) {
    return { waitTail, sojournTail: (t) => (t < S ? 1 : waitTail(t - S)), scaleSeconds: scale };
  }
  const sShape = 1 / serviceScv;
  const sRate = sShape / S;
  const serviceCdf = (s: number): number => gammaP(sShape, s * sRate);
  const sd = S * Math.sqrt(serviceScv);
  const CELLS = 256;
  const sojournTail = (t: number): number => {
    if (t <= 0) return 1;
    let sum = gammaQ(sShape, t * sRate);
    const from = Math.min(t, Math.max(0, S - 12 * sd));
    // One cell for [0, from] (negligible mass), then CELLS cells over [from, t].
    let prevS = 0;
    let prevCdf = 0;
    const edges = from > 0 ? [from] : [];
    for (let i = 1; i <= CELLS; i++) edges.push(from + ((t - from) * i) / CELLS);
    for (const s of edges) {
      const cdf = serviceCdf(s);
      sum += (cdf - prevCdf) * waitTail(t - 0.5 * (s + prevS));
      prevS = s;
      prevCdf = cdf;
    }
    return Math.min(1, sum);
  };
  return { waitTail, sojournTail, scaleSeconds: scale };
}

// ------------------------------------------------------------------------------- D/D/c

export interface DdcResult {
  /** 'no-wait': c ≥ λ(S + 2J); 'jitter': λS ≤ c < λ(S + 2J), wait bounded; 'overload': c < λS. */
  regime: 'no-wait' | 'jitter' | 'overload';
  dropProbability: number;
  /** The wait of a served frame: 0, the jitter bound, or the full-queue wait. */
  waitSeconds: number;
  latencySeconds: number;
  utilisation: number;
  /** True when the figures are exact for evenly spaced arrivals (the no-wait regime). */
  exact: boolean;
  note: string;
}

const REL_EPS = 1e-9; // λS computed in floating point: 10 x 0.1 must count as 1, not 1.0000000000000002

export function ddc(
  lambda: number,
  serviceSeconds: number,
  c: number,
  options: { jitterSeconds?: number; queueCapacity?: number; dropPolicy?: DropPolicyName } = {},
): DdcResult {
  checkRates(lambda, 1 / serviceSeconds);
  checkServers(c);
  const J = options.jitterSeconds ?? 0;
  checkNonNegative('jitter', J);
  const N = options.queueCapacity ?? Infinity;
  const policy = options.dropPolicy ?? 'drop-newest';
  const S = serviceSeconds;
  const load = lambda * S;
  if (lambda === 0 || c >= lambda * (S + 2 * J) * (1 - REL_EPS)) {
    return {
      regime: 'no-wait',
      dropProbability: 0,
      waitSeconds: 0,
      latencySeconds: S,
      utilisation: load / c,
      exact: true,
      note: J > 0 ? `c >= lambda(S + 2 jitter): no frame waits` : `c >= lambda S: no frame waits`,
    };
  }
  if (c >= load * (1 - REL_EPS)) {
    const bound = Math.max(0, S + 2 * J - c / lambda);
    const mostWaiting = Math.floor(lambda * (bound + 2 * J)) + 1;
    const fits = mostWaiting <= N + (policy === 'trim-on-pop' ? 1 : 0);
    return {
      regime: 'jitter',
      dropProbability: 0,
      waitSeconds: bound,
      latencySeconds: S + bound,
      utilisation: Math.min(1, load / c),
      exact: false,
      note:
        `jitter can make frames wait up to S + 2 jitter - c/lambda = ${fmt(bound)} s (a worst-case bound)` +
        (fits ? '' : `; up to ${mostWaiting} frames may wait, more than the queue's ${N}: some may drop`),
    };
  }
  const waitFull =
    N === Infinity
      ? Infinity
      : policy === 'drop-newest'
        ? (N * S) / c
        : policy === 'drop-oldest'
          ? N / lambda
          : N / lambda + S / c;
  return {
    regime: 'overload',
    dropProbability: N === Infinity ? 0 : 1 - c / load,
    waitSeconds: waitFull,
    latencySeconds: S + waitFull,
    utilisation: 1,
    exact: false,
    note:
      N === Infinity
        ? 'overloaded with an unbounded queue: the wait grows without limit'
        : `overloaded: the queue stays full; drop 1 - c/(lambda S) is exact, the full-queue wait (${policy}) approximate`,
  };
}

// ------------------------------------------------------------------------------- the planner's entry

/** How frames arrive at one service's queue (all its stream groups together). */
export type ArrivalProcess =
  | { kind: 'poisson' }
  /** Evenly spaced frames (one stream, or equal-rate streams spread in phase), each moved by up to ± jitter. */
  | { kind: 'periodic'; jitterSeconds?: number }
  /** A renewal-like process known by its inter-arrival SCV. */
  | { kind: 'general'; ca2: number };

export interface QueueingInput {
  arrivals: ArrivalProcess;
  /** λ: frames per second offered at peak, all streams of the service together. */
  arrivalRatePerSecond: number;
  /** One replica's per-frame service time: mean, and squared coefficient of variation (0: constant, 1: exponential). */
  service: { meanSeconds: number; scv: number };
  /** The scenario's queue: `capacity` waiting frames (not counting frames in service), and its drop policy. */
  queue: { capacity: number; dropPolicy: DropPolicyName };
  /** The most replicas the plan may use. */
  maxReplicas: number;
}

/** The scenario's slo; a null field is not checked. */
export interface QueueingSlo {
  maxDropPercent: number | null;
  maxP95LatencySeconds: number | null;
}

export type QueueingFormula =
  'M/M/c/K' | 'M/M/c' | 'D/D/c' | 'G/G/c/K scaled waiting room' | 'G/G/c Allen-Cunneen';

export interface ReplicaEvaluation {
  replicas: number;
  /** K of the model: frames in service + waiting (see the header for the drop policies); Infinity when unbounded. */
  systemCapacity: number;
  dropPercent: number;
  /** Mean wait in queue of admitted frames (D/D/c: its fixed wait, or the jitter bound). */
  meanWaitSeconds: number;
  /** 95th percentile of wait + service of served frames (D/D/c: the fixed or bounding latency). */
  p95LatencySeconds: number;
  /** Busy share of the replicas: λ_eff S / c. */
  utilisation: number;
  formula: QueueingFormula;
  /** True when the model's assumptions hold exactly for this input (drop, wait and p95). */
  exact: boolean;
  /** What is approximate, or why. */
  notes: string[];
}

export type MinReplicasResult =
  | {
      feasible: true;
      replicas: number;
      evaluation: ReplicaEvaluation;
      /** The same input at replicas − 1 (null at 1 replica): what it misses. */
      fewer: ReplicaEvaluation | null;
    }
  | {
      feasible: false;
      /** Which objective cannot be met. */
      constraint: 'drop' | 'latency' | 'drop and latency';
      reason: 'latency-below-service-time' | 'zero-drop-with-random-arrivals' | 'max-replicas';
      /** How far the best achievable figure misses each objective (0 where it is met). */
      dropPercentOver: number;
      latencySecondsOver: number;
      message: string;
      /** The evaluation at maxReplicas, when the search got that far. */
      evaluation: ReplicaEvaluation | null;
    };

/** The model K for `replicas` under the simulator's queue semantics (see the header). */
export function systemCapacity(replicas: number, queueCapacity: number, dropPolicy: DropPolicyName): number {
  return replicas + queueCapacity + (dropPolicy === 'trim-on-pop' ? 1 : 0);
}

/** The p95 of the service time alone: what the latency can never beat, however many replicas. */
export function serviceP95Seconds(service: { meanSeconds: number; scv: number }): number {
  const { meanSeconds: S, scv } = service;
  if (scv < 1e-9) return S;
  const shape = 1 / scv;
  return tailQuantile((t) => gammaQ(shape, (t * shape) / S), 0.95, S);
}

/**
 * Predicted drop, wait, p95 latency and utilisation of `input` with `replicas` replicas.
 *   1. classify: Ca² = Cs² = 0 -> D/D/c; Poisson with Cs² = 1 -> M/M/c/K (or M/M/c unbounded);
 *      anything else -> the scaled waiting room (G/G/c/K) or Allen–Cunneen (unbounded)
 *   2. K from the simulator's queue semantics
 *   3. drop and mean wait; the p95 only when `withLatency`
 */
export function evaluateReplicas(
  input: QueueingInput,
  replicas: number,
  withLatency = true,
): ReplicaEvaluation {
  checkInput(input);
  checkServers(replicas);
  const lambda = input.arrivalRatePerSecond;
  const S = input.service.meanSeconds;
  const cs2 = input.service.scv;
  const ca2 = arrivalScv(input.arrivals);
  const { capacity: N, dropPolicy } = input.queue;
  const K = N === Infinity ? Infinity : systemCapacity(replicas, N, dropPolicy);
  const notes: string[] = [];
  const waitingPlaces = K - replicas;

  // 1. D/D/c
  if (ca2 === 0 && cs2 === 0) {
    const jitter = input.arrivals.kind === 'periodic' ? (input.arrivals.jitterSeconds ?? 0) : 0;
    const d = ddc(lambda, S, replicas, { jitterSeconds: jitter, queueCapacity: N, dropPolicy });
    notes.push(d.note);
    return {
      replicas,
      systemCapacity: K,
      dropPercent: 100 * d.dropProbability,
      meanWaitSeconds: d.waitSeconds,
      p95LatencySeconds: d.latencySeconds,
      utilisation: d.utilisation,
      formula: 'D/D/c',
      exact: d.exact,
      notes,
    };
  }

  // 2. M/M/c/K and M/M/c
  const mu = 1 / S;
  if (input.arrivals.kind === 'poisson' && cs2 === 1) {
    if (dropPolicy !== 'drop-newest')
      notes.push(
        `${dropPolicy}: drop is exact; latency is the FIFO drop-newest figure, an upper estimate for this policy`,
      );
    if (K === Infinity) {
      const m = mmc(lambda, mu, replicas);
      let p95 = withLatency ? Infinity : NaN;
      if (!m.stable) notes.push('rho >= 1 with an unbounded queue: the wait grows without limit');
      else if (withLatency) {
        const t = mmcTails(lambda, mu, replicas);
        p95 = tailQuantile(t.sojournTail, 0.95, t.scaleSeconds);
      }
      return {
        replicas,
        systemCapacity: K,
        dropPercent: 0,
        meanWaitSeconds: m.meanWaitSeconds,
        p95LatencySeconds: p95,
        utilisation: m.utilisation,
        formula: 'M/M/c',
        exact: dropPolicy === 'drop-newest' && m.stable,
        notes,
      };
    }
    const r = mmck(lambda, mu, replicas, K);
    return {
      replicas,
      systemCapacity: K,
      dropPercent: 100 * r.blockingProbability,
      meanWaitSeconds: r.meanWaitSeconds,
      p95LatencySeconds: withLatency ? mmckSojournQuantile(r, 0.95) : NaN,
      utilisation: r.utilisation,
      formula: 'M/M/c/K',
      exact: dropPolicy === 'drop-newest',
      notes,
    };
  }

  // 3. G/G/c/K by the scaled waiting room; Allen–Cunneen when unbounded
  const sq = scaledQueue(lambda, S, replicas, waitingPlaces, ca2, cs2);
  notes.push(
    `approximate: variability z = (Ca² + Cs²)/2 = ${fmt(sq.variability)}; ` +
      (K === Infinity
        ? 'Allen-Cunneen wait z x W_q(M/M/c)'
        : `${waitingPlaces} waiting places act like ${fmt(sq.equivalentWaitingPlaces)} of M/M/c/K, waits scaled by z`),
  );
  if (input.arrivals.kind === 'periodic' && (input.arrivals.jitterSeconds ?? 0) > 0)
    notes.push('jitter is not modelled when the service time varies');
  let p95 = NaN;
  if (withLatency) {
    if (!sq.stable) p95 = Infinity;
    else {
      const t = approximateTails(sq, S, cs2);
      p95 = tailQuantile(t.sojournTail, 0.95, t.scaleSeconds);
    }
  }
  return {
    replicas,
    systemCapacity: K,
    dropPercent: 100 * sq.dropProbability,
    meanWaitSeconds: sq.meanWaitSeconds,
    p95LatencySeconds: p95,
    utilisation: sq.utilisation,
    formula: K === Infinity ? 'G/G/c Allen-Cunneen' : 'G/G/c/K scaled waiting room',
    exact: false,
    notes,
  };
}

/**
 * The fewest replicas (1..maxReplicas) whose predicted drop % and p95 latency meet the SLO.
 *   1. objectives no replica count can meet: a latency SLO below the service time's own p95, or
 *      zero drops with random arrivals into a finite queue
 *   2. start at the throughput bound: drop >= 1 − c/(λS) in every model, so fewer than
 *      λS(1 − maxDrop) replicas cannot meet the drop objective
 *   3. walk up one replica at a time (the p95 is computed only once the drop is met); the first c
 *      that meets both is the answer, with the evaluation at c − 1 beside it
 *   4. none up to maxReplicas: say which objective fails there and by how much
 */
export function minReplicas(input: QueueingInput, slo: QueueingSlo): MinReplicasResult {
  checkInput(input);
  const maxDrop = slo.maxDropPercent;
  const maxP95 = slo.maxP95LatencySeconds;
  if (maxDrop !== null && !(maxDrop >= 0 && maxDrop <= 100))
    throw new RangeError(`maxDropPercent must be in [0, 100], got ${maxDrop}`);
  if (maxP95 !== null && !(maxP95 > 0))
    throw new RangeError(`maxP95LatencySeconds must be > 0, got ${maxP95}`);
  const lambda = input.arrivalRatePerSecond;
  const S = input.service.meanSeconds;
  const deterministic = arrivalScv(input.arrivals) === 0 && input.service.scv === 0;

  // 1.
  const floor = serviceP95Seconds(input.service);
  if (maxP95 !== null && maxP95 < floor * (1 - REL_EPS)) {
    return {
      feasible: false,
      constraint: 'latency',
      reason: 'latency-below-service-time',
      dropPercentOver: 0,
      latencySecondsOver: floor - maxP95,
      message:
        `the p95 latency objective ${fmt(maxP95)} s is below the p95 of the service time alone ` +
        `(${fmt(floor)} s) by ${fmt(floor - maxP95)} s: no number of replicas can meet it`,
      evaluation: null,
    };
  }
  if (maxDrop === 0 && !deterministic && input.queue.capacity !== Infinity && lambda > 0) {
    return {
      feasible: false,
      constraint: 'drop',
      reason: 'zero-drop-with-random-arrivals',
      dropPercentOver: 0,
      latencySecondsOver: 0,
      message:
        'a drop objective of 0% cannot be met with random arrivals or service times and a finite queue: ' +
        'every replica count drops some frames (set a small positive maxDropPercent)',
      evaluation: null,
    };
  }

  // 2.
  const load = lambda * S;
  const dropShare = maxDrop === null ? 1 : maxDrop / 100;
  const start = Math.min(input.maxReplicas, Math.max(1, Math.floor(load * (1 - dropShare) * (1 - REL_EPS))));

  // 3.
  // An unbounded queue at rho >= 1 drops nothing but its wait grows without limit: never a plan.
  const meetsDrop = (e: ReplicaEvaluation) =>
    (maxDrop === null || e.dropPercent <= maxDrop) && Number.isFinite(e.meanWaitSeconds);
  const meetsLatency = (e: ReplicaEvaluation) => maxP95 === null || e.p95LatencySeconds <= maxP95;
  for (let c = start; c <= input.maxReplicas; c++) {
    const quick = evaluateReplicas(input, c, false);
    if (!meetsDrop(quick)) continue;
    const full = evaluateReplicas(input, c, true);
    if (!meetsLatency(full)) continue;
    return {
      feasible: true,
      replicas: c,
      evaluation: full,
      fewer: c > 1 ? evaluateReplicas(input, c - 1) : null,
    };
  }

  // 4.
  const best = evaluateReplicas(input, input.maxReplicas, true);
  const dropOver = maxDrop === null ? 0 : Math.max(0, best.dropPercent - maxDrop);
  const latencyOver = maxP95 === null ? 0 : Math.max(0, best.p95LatencySeconds - maxP95);
  const failing: ('drop' | 'latency')[] = [];
  if (!meetsDrop(best)) failing.push('drop');
  if (!meetsLatency(best)) failing.push('latency');
  const parts: string[] = [];
  if (failing.includes('drop'))
    parts.push(`drop ${fmt(best.dropPercent)}% exceeds ${fmt(maxDrop!)}% by ${fmt(dropOver)} points`);
  if (failing.includes('latency'))
    parts.push(
      `p95 latency ${fmt(best.p95LatencySeconds)} s exceeds ${fmt(maxP95!)} s by ${fmt(latencyOver)} s`,
    );
  return {
    feasible: false,
    constraint: failing.length === 2 ? 'drop and latency' : failing[0] === 'drop' ? 'drop' : 'latency',
    reason: 'max-replicas',
    dropPercentOver: dropOver,
    latencySecondsOver: latencyOver,
    message: `at the cap of ${input.maxReplicas} replicas ${parts.join('; ')}`,
    evaluation: best,
  };
}

// ------------------------------------------------------------------------------- checks

function arrivalScv(p: ArrivalProcess): number {
  switch (p.kind) {
    case 'poisson':
      return 1;
    case 'periodic':
      return 0;
    case 'general':
      return p.ca2;
  }
}

function checkInput(input: QueueingInput): void {
  checkNonNegative('arrival rate', input.arrivalRatePerSecond);
  if (!Number.isFinite(input.arrivalRatePerSecond)) throw new RangeError('arrival rate must be finite');
  const S = input.service.meanSeconds;
  if (!(S > 0) || !Number.isFinite(S)) throw new RangeError(`mean service time must be > 0, got ${S}`);
  checkNonNegative('service SCV', input.service.scv);
  if (input.arrivals.kind === 'general') checkNonNegative('arrival SCV', input.arrivals.ca2);
  if (input.arrivals.kind === 'periodic') checkNonNegative('jitter', input.arrivals.jitterSeconds ?? 0);
  const N = input.queue.capacity;
  if (!(N === Infinity || (Number.isInteger(N) && N >= 0)))
    throw new RangeError(`queue capacity must be a whole number >= 0 or Infinity, got ${N}`);
  checkServers(input.maxReplicas);
}

function checkServers(c: number): void {
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`replicas must be a whole number >= 1, got ${c}`);
}

function checkNonNegative(what: string, x: number): void {
  if (!(x >= 0)) throw new RangeError(`${what} must be >= 0, got ${x}`);
}

function checkRates(lambda: number, mu: number): void {
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new RangeError(`arrival rate must be finite >= 0, got ${lambda}`);
  if (!(mu > 0) || !Number.isFinite(mu)) throw new RangeError(`service rate must be finite > 0, got ${mu}`);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
