// The reward an interval judge gives (SPEC 3): training draws rHat ~ Uniform[a, b], variance
// (b - a)^2 / 12, evaluation uses the midpoint; several judges combine as a mixture of uniforms.

import { checkNumber, type Rng, ValidationError } from '@va/core';

/** Anything with interval bounds. */
export interface Bounds {
  readonly low: number;
  readonly high: number;
}

/** A judge's interval on its scale, with the moments of `Uniform[low, high]`. */
export interface Interval extends Bounds {
  /** The midpoint `(low + high) / 2`: the evaluation reward. */
  readonly mean: number;
  /** `(high - low)^2 / 12`: the variance of `Uniform[low, high]`. */
  readonly variance: number;
  /** The judge's full answer text, as given to the parser. */
  readonly raw: string;
}

/** The variance of `Uniform[low, high]`, `(high - low)^2 / 12` (SPEC 3): the one place it is computed. */
export function uniformVariance(b: Bounds): number {
  return (b.high - b.low) ** 2 / 12;
}

/** The moments of `Uniform[low, high]` as an {@link Interval}. */
export function makeInterval(low: number, high: number, raw = ''): Interval {
  return { low, high, mean: (low + high) / 2, variance: uniformVariance({ low, high }), raw };
}

/** A fresh draw of `rHat ~ Uniform[low, high]` (SPEC 3); a degenerate interval returns its point. */
export function sampleInterval(interval: Bounds, rng: Rng): number {
  checkBounds('sampleInterval', 'interval', interval);
  return interval.low === interval.high ? interval.low : rng.uniform(interval.low, interval.high);
}

/** The combined reward of several judges: the law of their equally weighted mixture of uniforms. */
export interface MixtureMoments {
  /** Mean of the judges' midpoints. */
  readonly mean: number;
  /** Law of total variance: `withinVariance + betweenVariance`. */
  readonly variance: number;
  /** Mean of the judges' uniform variances `(b_k - a_k)^2 / 12`. */
  readonly withinVariance: number;
  /** Population variance (divide by K) of the judges' midpoints. */
  readonly betweenVariance: number;
  /** The hull `[min a_k, max b_k]`: the support of the mixture. */
  readonly low: number;
  readonly high: number;
}

function checkBounds(where: string, argument: string, b: Bounds): void {
  if (b === null || typeof b !== 'object') {
    throw new ValidationError(where, argument, 'an object { low, high }', b);
  }
  checkNumber(where, `${argument}.low`, b.low);
  checkNumber(where, `${argument}.high`, b.high);
  if (b.low > b.high) {
    throw new ValidationError(where, `${argument}.high`, `>= ${argument}.low (${b.low})`, b.high);
  }
}

/**
 * Moments of the mixture `(1/K) sum_k Uniform[a_k, b_k]` of K judges' intervals: mean = mean of the
 * midpoints; variance = mean of the uniform variances + population variance of the midpoints (law of
 * total variance, the judge index being the mixing variable). One interval gives its own moments.
 */
export function mixIntervals(intervals: readonly Bounds[]): MixtureMoments {
  if (!Array.isArray(intervals) || intervals.length === 0) {
    throw new ValidationError('mixIntervals', 'intervals', 'a non-empty array', intervals);
  }
  for (const [k, b] of intervals.entries()) checkBounds('mixIntervals', `intervals[${k}]`, b);
  const k = intervals.length;
  const mids = intervals.map((b) => (b.low + b.high) / 2);
  const mean = mids.reduce((s, m) => s + m, 0) / k;
  const withinVariance = intervals.reduce((s, b) => s + uniformVariance(b), 0) / k;
  const betweenVariance = mids.reduce((s, m) => s + (m - mean) ** 2, 0) / k;
  return {
    mean,
    variance: withinVariance + betweenVariance,
    withinVariance,
    betweenVariance,
    low: Math.min(...intervals.map((b) => b.low)),
    high: Math.max(...intervals.map((b) => b.high)),
  };
}

/** A draw from the mixture: a judge chosen uniformly, then a uniform draw from its interval. */
export function sampleMixture(intervals: readonly Bounds[], rng: Rng): number {
  if (!Array.isArray(intervals) || intervals.length === 0) {
    throw new ValidationError('sampleMixture', 'intervals', 'a non-empty array', intervals);
  }
  const pick = intervals.length === 1 ? 0 : rng.int(intervals.length);
  return sampleInterval(intervals[pick]!, rng);
}

/** Maps an interval linearly from scale `[fromLow, fromHigh]` onto `[toLow, toHigh]`. */
export function rescaleBounds(
  b: Bounds,
  from: readonly [number, number],
  to: readonly [number, number],
): Bounds {
  const f = (to[1] - to[0]) / (from[1] - from[0]);
  return { low: to[0] + (b.low - from[0]) * f, high: to[0] + (b.high - from[0]) * f };
}
