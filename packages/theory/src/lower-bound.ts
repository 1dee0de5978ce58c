// Theorem 2.2: a high-probability lower bound on the true improvement of any policy over pi0, and
// the radius beta_delta of the standard Gaussian vector it rests on.

import { checkNumber, checkOneOf, ValidationError } from '@va/core';
import { chiSquareQuantile } from '@va/stats';
import { variances, vector } from './checks.js';

/** Options of {@link lowerBound} and {@link confidenceRadius}. */
export interface RadiusOptions {
  /**
   * `'chi-square'` (default): `beta_delta = sqrt(chi2_quantile(1 - delta, n))`, the exact radius
   * of an n-dimensional standard Gaussian. `'closed-form'`: the looser
   * `sqrt(n) + sqrt(2 ln(1/delta))`.
   */
  readonly radius?: 'chi-square' | 'closed-form';
}

/**
 * `beta_delta` of Theorem 2.2 for `n` (x, y) pairs: with probability `1 - delta` a standard
 * Gaussian vector in R^n has norm at most `beta_delta`.
 */
export function confidenceRadius(n: number, delta: number, options: RadiusOptions = {}): number {
  const where = 'confidenceRadius';
  checkNumber(where, 'n', n, { min: 1, integer: true });
  checkNumber(where, 'delta', delta, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  const kind = checkOneOf(where, 'options.radius', options?.radius ?? 'chi-square', [
    'chi-square',
    'closed-form',
  ]);
  if (kind === 'closed-form') return Math.sqrt(n) + Math.sqrt(2 * Math.log(1 / delta));
  return Math.sqrt(chiSquareQuantile(1 - delta, n));
}

/**
 * Theorem 2.2: with probability at least `1 - delta`, simultaneously for every `pi`,
 *
 *     <pi - pi0, rStar>  >=  <pi - pi0, rHat>  -  beta_delta * ||pi - pi0||_Sigma
 *
 * (Cauchy-Schwarz on `<d, Sigma^{-1/2} Sigma^{1/2} (rStar - rHat)>`). Returns the right-hand side
 * for this `pi`; `n`, the dimension of `beta_delta`, is the length of the vectors. `pi` and `pi0`
 * are free vectors here (the bound holds for any `d`).
 */
export function lowerBound(
  pi: ArrayLike<number>,
  pi0: ArrayLike<number>,
  rHat: ArrayLike<number>,
  sigma2: ArrayLike<number>,
  delta: number,
  options: RadiusOptions = {},
): number {
  const where = 'lowerBound';
  const p = vector(where, 'pi', pi);
  const p0 = vector(where, 'pi0', pi0, p.length, 'pi');
  const r = vector(where, 'rHat', rHat, p.length, 'pi');
  const s = variances(where, 'sigma2', sigma2, p.length, 'pi');
  if (options !== null && typeof options !== 'object') {
    throw new ValidationError(
      where,
      'options',
      "an object such as { radius: 'closed-form' }",
      options,
    );
  }
  checkNumber(where, 'delta', delta, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  const beta = confidenceRadius(p.length, delta, options ?? {});
  let gain = 0;
  let spread = 0;
  for (let i = 0; i < p.length; i++) {
    const d = p[i]! - p0[i]!;
    gain += d * r[i]!;
    spread += d * d * s[i]!;
  }
  return gain - beta * Math.sqrt(spread);
}
