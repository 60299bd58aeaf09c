/**
 * Samplers for the scenario's distributions (DESIGN.md: constant, uniform, exponential, normal,
 * lognormal by mean and CV, empirical). One registry: the scenario schema's `type` names are its keys.
 * Every sampler draws only from the RandomStream it is given.
 */
import type { RandomStream } from '../engine/rng.js';
import type { Dist } from '../scenario/types.js';

export type Sampler = () => number;

function standardNormal(rng: RandomStream): number {
  // Box-Muller; one value per call keeps the draw count per sample fixed (two uniforms).
  const u1 = rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

type Factory<K extends Dist['type']> = (d: Extract<Dist, { type: K }>, rng: RandomStream) => Sampler;

export const DISTRIBUTIONS: { [K in Dist['type']]: Factory<K> } = {
  constant: (d) => () => d.value,
  uniform: (d, rng) => () => d.min + (d.max - d.min) * rng.next(),
  exponential: (d, rng) => () => -Math.log(rng.next()) * d.mean,
  normal: (d, rng) => () => {
    for (let i = 0; i < 1000; i++) {
      const x = d.mean + d.sd * standardNormal(rng);
      if (x >= 0) return x;
    }
    return d.mean; // unreachable in practice: a mean >= 0 accepts half the draws at worst
  },
  lognormal: (d, rng) => {
    if (d.cv === 0) return () => d.mean;
    const sigma2 = Math.log(1 + d.cv * d.cv);
    const mu = Math.log(d.mean) - sigma2 / 2;
    const sigma = Math.sqrt(sigma2);
    return () => Math.exp(mu + sigma * standardNormal(rng));
  },
  empirical: (d, rng) => () =>
    d.values[Math.min(d.values.length - 1, Math.floor(rng.next() * d.values.length))],
};

export function sampler(d: Dist, rng: RandomStream): Sampler {
  return (DISTRIBUTIONS[d.type] as Factory<typeof d.type>)(d as never, rng);
}

export function distMean(d: Dist): number {
  switch (d.type) {
    case 'constant':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
    case 'lognormal':
      return d.mean;
    case 'normal':
      return d.mean; // before truncation at 0
    case 'empirical':
      return d.values.reduce((a, b) => a + b, 0) / d.values.length;
  }
}

/**
 * Squared coefficient of variation (variance / mean²) of a distribution: 0 for a constant, 1 for an
 * exponential. Queueing approximations take the service time's as their second moment. The normal
 * is taken before its truncation at 0 (exact when the mean is a few sd above 0, as service times are).
 */
export function distScv(d: Dist): number {
  const mean = distMean(d);
  if (mean === 0) return 0;
  switch (d.type) {
    case 'constant':
      return 0;
    case 'uniform':
      return (d.max - d.min) ** 2 / 12 / mean ** 2;
    case 'exponential':
      return 1;
    case 'normal':
      return (d.sd / mean) ** 2;
    case 'lognormal':
      return d.cv ** 2;
    case 'empirical': {
      const variance = d.values.reduce((a, v) => a + (v - mean) ** 2, 0) / d.values.length;
      return variance / mean ** 2;
    }
  }
}
