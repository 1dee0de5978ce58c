// Sample statistics every va package uses (the one home of mean, variance and quantiles): exact on
// constant samples, compensated sums, and numpy's default quantile definition.

import { ValidationError } from '@va/core';
import { checkSample } from './options.js';

/** Location and spread of a sample, as {@link summarize} computes them. */
export interface SampleSummary {
  readonly count: number;
  /** The mean, by compensated (Neumaier) summation. */
  readonly mean: number;
  /** Unbiased sample variance (divisor n - 1); 0 for a single value. */
  readonly variance: number;
  /** `sqrt(variance)`. */
  readonly std: number;
  readonly min: number;
  /** Quantiles by linear interpolation (numpy's default, Hyndman and Fan's type 7). */
  readonly q05: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly q95: number;
  readonly max: number;
}

/** True when every value equals the first (such a sample has variance exactly 0). */
export function isConstant(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/** The mean of checked values, by compensated (Neumaier) summation; exact on constant samples. */
export function meanOf(x: Float64Array): number {
  if (isConstant(x)) return x[0]!;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return (sum + compensation) / x.length;
}

/**
 * The unbiased variance (divisor n - 1) of checked values by the corrected two-pass algorithm;
 * exactly 0 on a constant sample, where the rounded mean would otherwise leave a spurious 1e-34.
 */
export function varianceOf(x: Float64Array, m = meanOf(x)): number {
  if (isConstant(x)) return 0;
  let squares = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    squares += d * d;
    sum += d;
  }
  return (squares - (sum * sum) / x.length) / (x.length - 1);
}

/**
 * The `p`-quantile of ascending values by linear interpolation between the order statistics
 * around position `(n - 1) p` (numpy's default `method='linear'`, type 7).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** n, mean and unbiased variance of a checked sample. */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

/**
 * The mean and variance of a sample checked by {@link checkSample}, throwing when values so large
 * that their sum or squared deviations overflow (or so close together, below 1e-154 apart, that
 * the squares underflow) would turn into Infinity, NaN or a false zero variance further on.
 */
export function sampleMoments(where: string, argument: string, x: Float64Array): Moments {
  const m = meanOf(x);
  const variance = x.length > 1 ? varianceOf(x, m) : 0;
  if (!Number.isFinite(m) || !Number.isFinite(variance)) {
    throw new ValidationError(
      where,
      argument,
      'values whose mean and variance are finite in double precision',
      x,
      'Rescale the sample (its squared deviations overflow)',
    );
  }
  if (variance === 0 && !isConstant(x)) {
    throw new ValidationError(
      where,
      argument,
      'values whose variance is representable in double precision',
      x,
      'Rescale the sample (its squared deviations underflow to 0 although it is not constant)',
    );
  }
  return { n: x.length, mean: m, variance };
}

/** The mean of `values` (finite, at least one), by compensated summation. */
export function mean(values: ArrayLike<number>): number {
  const x = checkSample('mean', 'values', values, 1);
  const m = meanOf(x);
  if (!Number.isFinite(m)) {
    throw new ValidationError('mean', 'values', 'values whose mean is finite', x, 'Rescale them');
  }
  return m;
}

/** The unbiased sample variance (divisor n - 1, numpy's `ddof=1`) of `values` (at least two). */
export function variance(values: ArrayLike<number>): number {
  return sampleMoments('variance', 'values', checkSample('variance', 'values', values, 2)).variance;
}

function checkProbability(where: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ValidationError(where, 'p', 'a probability in [0, 1]', p);
  }
  return p;
}

/**
 * The `p`-quantile of `values` (finite, at least one) by linear interpolation between order
 * statistics, numpy's default (`np.quantile(values, p)`, Hyndman and Fan's type 7):
 * with the values sorted, `x[k] + (h - k) (x[k + 1] - x[k])` where `h = (n - 1) p`, `k = floor(h)`.
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  checkProbability('quantile', p);
  return quantileSorted(checkSample('quantile', 'values', values, 1).sort(), p);
}

/**
 * Count, mean, unbiased variance and standard deviation, extremes and quantiles (5%, 25%, 50%, 75%,
 * 95%; type 7 as {@link quantile}) of `values` (finite, at least one).
 */
export function summarize(values: ArrayLike<number>): SampleSummary {
  const sorted = checkSample('summarize', 'values', values, 1).sort();
  const { n, mean: m, variance: v } = sampleMoments('summarize', 'values', sorted);
  return {
    count: n,
    mean: m,
    variance: v,
    std: Math.sqrt(v),
    min: sorted[0]!,
    q05: quantileSorted(sorted, 0.05),
    q25: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    q95: quantileSorted(sorted, 0.95),
    max: sorted[n - 1]!,
  };
}
