/**
 * Special functions for the queueing closed forms (queueing.ts), written for stability rather than
 * brevity: nothing here forms a factorial or a power that can overflow; sums that span hundreds of
 * orders of magnitude are taken in log space or relative to their largest term.
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0. Stirling's series with four correction terms, after shifting x up to at least
 * 20 with Γ(x) = Γ(x + n) / (x (x+1) ... (x+n-1)); the first omitted term is below 2e-15 there.
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma needs x > 0, got ${x}`);
  let shift = 0;
  let product = 1;
  while (x < 20) {
    product *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
  const stirling = (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
  return shift === 0 ? stirling : stirling - Math.log(product);
}

/** ln n! for a non-negative integer n. */
export function lnFactorial(n: number): number {
  return n < 2 ? 0 : lnGamma(n + 1);
}

/** ln(e^x + e^y) without overflow; either may be -Infinity. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a): the CDF at x of a
 * gamma distribution with shape a and rate 1. Below x = a + 1 its power series (terms
 * x^n / (a (a+1) ... (a+n)) times e^-x x^a / Γ(a)) converges fast; above, the complement Q = 1 - P
 * comes from Legendre's continued fraction, evaluated with the modified Lentz method. Both take
 * O(sqrt(a)) terms when x is near a large a.
 */
export function gammaP(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`gammaP needs a > 0, got ${a}`);
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Q(a, x) = 1 - P(a, x), accurate in the far right tail where 1 - P would cancel. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`gammaQ needs a > 0, got ${a}`);
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

const MAX_TERMS = 1_000_000;
const EPS = 1e-16;

function prefactor(a: number, x: number): number {
  // e^-x x^a / Γ(a), in log space: x^a alone overflows for large a.
  return Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * EPS) break;
  }
  return Math.min(1, sum * prefactor(a, x));
}

function gammaContinuedFraction(a: number, x: number): number {
  // Q(a, x) = prefactor / (b1 - 1(1-a) / (b2 - 2(2-a) / (b3 - ...))), b_n = x + 2n - 1 - a.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let f = d;
  for (let n = 1; n < MAX_TERMS; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.max(0, Math.min(1, f * prefactor(a, x)));
}

/**
 * ln P(Poisson(mean) = k), in the saddle-point form of C. Loader ("Fast and accurate computation of
 * binomial probabilities", 2000): −½ ln(2πk) − δ(k) − bd0(k, mean), with δ(k) = ln k! − (k + ½) ln k
 * + k − ½ ln 2π (Stirling's error) and bd0 = k ln(k/mean) + mean − k. The plain −mean + k ln mean −
 * ln k! cancels terms of size k ln k and loses ~1e-9 of relative accuracy at a mean of 10^6; this
 * form keeps ~1e-14.
 */
export function logPoissonPmf(k: number, mean: number): number {
  if (k === 0) return -mean;
  let stirlingError: number;
  if (k >= 20) {
    const inv = 1 / k;
    const inv2 = inv * inv;
    stirlingError = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
  } else stirlingError = lnFactorial(k) - (k + 0.5) * Math.log(k) + k - HALF_LOG_2PI;
  const d = (k - mean) / mean;
  // m((1+d) ln(1+d) − d) is bd0 without the cancellation of k ln(k/m) against k − m near k = m.
  const bd0 = Math.abs(d) < 0.5 ? mean * ((1 + d) * Math.log1p(d) - d) : k * Math.log(k / mean) + mean - k;
  return -HALF_LOG_2PI - 0.5 * Math.log(k) - stirlingError - bd0;
}

/**
 * Σ_j Poisson(j; mean) · weight(j) for a weight in [0, 1]: the Poisson probabilities are walked
 * outwards from the mode (the mode's own from lnGamma, the rest by the ratios mean/j and j/mean), so
 * a mean in the millions neither underflows e^-mean nor overflows mean^j, and the walk stops once
 * the terms left cannot add 1e-20. Cost O(sqrt(mean)).
 */
export function poissonExpectation(mean: number, weight: (j: number) => number): number {
  if (!(mean >= 0) || !Number.isFinite(mean))
    throw new RangeError(`Poisson mean must be finite >= 0, got ${mean}`);
  if (mean === 0) return weight(0);
  const mode = Math.floor(mean);
  const pMode = Math.exp(logPoissonPmf(mode, mean));
  let sum = pMode * weight(mode);
  // Upwards: the ratio mean/j falls below 1, so once j > mean the rest is bounded by a geometric tail.
  let p = pMode;
  for (let j = mode + 1; ; j++) {
    p *= mean / j;
    sum += p * weight(j);
    const r = mean / (j + 1);
    if (p < 1e-300 || (r < 1 && (p * r) / (1 - r) < 1e-20)) break;
  }
  // Downwards to 0: the ratio j/mean.
  p = pMode;
  for (let j = mode - 1; j >= 0; j--) {
    p *= (j + 1) / mean;
    sum += p * weight(j);
    const r = j / mean;
    if (p < 1e-300 || (r < 1 && (p * r) / (1 - r) < 1e-20)) break;
  }
  return sum;
}

/**
 * The smallest t in [lo, hi] with f(t) <= target for a non-increasing f (a tail probability), by
 * bisection to a relative width of 1e-12. `hi` is doubled until f(hi) <= target (at most 200 times).
 */
export function bisectDecreasing(f: (t: number) => number, target: number, lo: number, hi: number): number {
  if (f(lo) <= target) return lo;
  for (let i = 0; i < 200 && f(hi) > target; i++) {
    lo = hi;
    hi *= 2;
  }
  if (f(hi) > target) return Infinity;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) <= target) hi = mid;
    else lo = mid;
  }
  return hi;
}
