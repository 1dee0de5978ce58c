// Theorem 2.7 (reconstructed in SPEC): the variance-weighted KL problem on the simplex and its
// Sharpe-ratio-like solution, with the normaliser mu found in log space to machine precision.

import { ValidationError } from '@va/core';
import { distribution, positive, variances, vector } from './checks.js';

/** The solution of {@link solveSharpe}. */
export interface SharpeSolution {
  readonly policy: Float64Array;
  /** The multiplier of `sum_y pi(y) = 1`. */
  readonly mu: number;
  /** Newton steps taken. */
  readonly iterations: number;
}

/**
 * Theorem 2.7 *(reconstructed)*: the maximiser over the simplex of
 *
 *     sum_y pi(y) rHat(y)  -  beta * sum_y sigma2(y) pi(y) log(pi(y) / pi0(y))
 *
 * is `pi(y) = pi0(y) exp((rHat(y) - mu) / (beta sigma2(y)) - 1)`, `mu` the unique root of
 * `sum_y pi(y) = 1`. Stationarity: `rHat(y) - beta sigma2(y) (log(pi(y)/pi0(y)) + 1) - mu = 0`
 * wherever `pi0(y) > 0` (and `pi(y) = 0` where `pi0(y) = 0`). With equal variances it reduces to
 * `pi ∝ pi0 exp(rHat / (beta sigma2))` (DPO's form when `sigma2 = 1`).
 *
 * `h(mu) = log sum_y pi(y)` is convex and decreasing, so Newton's method started at the left end
 * of the bracket `mu >= L = max_y (rHat(y) + beta sigma2(y) (log pi0(y) - 1))` (where `h >= 0`)
 * climbs monotonically to the root, stopping when a step no longer moves it (machine precision).
 * It runs on `nu = mu - L` in log-sum-exp form, so `rHat / (beta sigma2)` of any size neither
 * overflows nor cancels nor underflows to a zero sum.
 */
export function solveSharpe(
  pi0: ArrayLike<number>,
  rHat: ArrayLike<number>,
  sigma2: ArrayLike<number>,
  beta: number,
): SharpeSolution {
  const where = 'sharpePolicy';
  const r = vector(where, 'rHat', rHat);
  const p0 = distribution(where, 'pi0', pi0, r.length, 'rHat');
  const s = variances(where, 'sigma2', sigma2, r.length, 'rHat');
  const b = positive(where, 'beta', beta);
  const n = r.length;
  // Anchor at the left end of the bracket, L = max_y (r_y + scale_y base_y), and solve for
  // nu = mu - L >= 0 with l_y = c_y - nu / scale_y, c_y = base_y + (r_y - L) / scale_y: the
  // anchoring arm has c = 0 exactly, so no large r / (beta sigma2) cancels inside the exponent.
  const scale = new Float64Array(n); // beta sigma2(y)
  const c = new Float64Array(n);
  let anchor = -1;
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    scale[i] = b * s[i]!;
    if (!(Number.isFinite(scale[i]!) && scale[i]! > 0)) {
      throw new ValidationError(where, 'beta * sigma2', 'finite positive products', scale[i]);
    }
    if (p0[i]! === 0) continue;
    const left = r[i]! + scale[i]! * (Math.log(p0[i]!) - 1);
    if (left > lower) {
      lower = left;
      anchor = i;
    }
  }
  for (let i = 0; i < n; i++) {
    c[i] =
      p0[i]! === 0
        ? Number.NEGATIVE_INFINITY
        : i === anchor
          ? 0
          : Math.log(p0[i]!) - 1 + (r[i]! - lower) / scale[i]!;
  }
  // h(nu) = log sum_y exp(l_y) and h'(nu), by log-sum-exp.
  const evaluate = (nu: number): [number, number] => {
    let top = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) top = Math.max(top, c[i]! - nu / scale[i]!);
    let sum = 0;
    let slope = 0;
    for (let i = 0; i < n; i++) {
      if (c[i] === Number.NEGATIVE_INFINITY) continue;
      const e = Math.exp(c[i]! - nu / scale[i]! - top);
      sum += e;
      slope -= e / scale[i]!;
    }
    return [top + Math.log(sum), slope / sum];
  };
  let nu = 0;
  let iterations = 0;
  for (; iterations < 500; iterations++) {
    const [h, dh] = evaluate(nu);
    if (h <= 0) break;
    const next = nu - h / dh;
    if (!(next > nu)) break; // the step fell below the resolution of nu
    nu = next;
  }
  const policy = new Float64Array(n);
  for (let i = 0; i < n; i++) policy[i] = Math.exp(c[i]! - nu / scale[i]!);
  const mu = lower + nu;
  return { policy, mu, iterations };
}

/**
 * Theorem 2.7 *(reconstructed)*: `pi(y) = pi0(y) exp((rHat(y) - mu) / (beta sigma2(y)) - 1)`, the
 * variance-weighted KL-regularised policy; see {@link solveSharpe} (which also returns `mu`).
 * High reward-to-variance ratio means more probability.
 */
export function sharpePolicy(
  pi0: ArrayLike<number>,
  rHat: ArrayLike<number>,
  sigma2: ArrayLike<number>,
  beta: number,
): Float64Array {
  return solveSharpe(pi0, rHat, sigma2, beta).policy;
}
