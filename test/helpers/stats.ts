/** Replication statistics for comparing simulations with closed forms (reference/queueing.md). */

// Two-sided 99% Student t quantiles (0.995) by degrees of freedom.
const T995: Record<number, number> = {
  9: 3.25,
  14: 2.977,
  19: 2.861,
  24: 2.797,
  29: 2.756,
  39: 2.708,
  49: 2.68,
};

export interface Interval {
  mean: number;
  halfWidth: number;
  lo: number;
  hi: number;
}

/** Mean and 99% confidence interval of independent replications. */
export function ci99(xs: number[]): Interval {
  const n = xs.length;
  const t = T995[n - 1];
  if (t === undefined) throw new Error(`no t quantile for ${n - 1} degrees of freedom`);
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const halfWidth = (t * sd) / Math.sqrt(n);
  return { mean, halfWidth, lo: mean - halfWidth, hi: mean + halfWidth };
}

/** M/M/c/K closed form: blocking probability, mean wait of admitted customers, utilisation. */
export function mmck(lambda: number, mu: number, c: number, K: number) {
  const a = lambda / mu;
  const p: number[] = [];
  let term = 1;
  for (let n = 0; n <= K; n++) {
    if (n > 0) term *= n <= c ? a / n : a / c;
    p.push(term);
  }
  const z = p.reduce((x, y) => x + y, 0);
  const pn = p.map((x) => x / z);
  const block = pn[K];
  let lq = 0;
  for (let n = c + 1; n <= K; n++) lq += (n - c) * pn[n];
  const lambdaEff = lambda * (1 - block);
  return { dropRatio: block, meanWait: lq / lambdaEff, utilization: lambdaEff / (c * mu) };
}
