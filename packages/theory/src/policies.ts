// Problems (2) and (3) of SPEC section 2 and their solutions: the vanilla policy (a Euclidean ball
// around pi0) and the variance-aware policy (the ellipsoid ||pi - pi0||_Sigma^2 <= eps', eq. 4).

import {
  checkConstraint,
  distribution,
  nonNegative,
  type PolicyOptions,
  variances,
  vector,
} from './checks.js';
import { SimplexSolver } from './simplex.js';

function ones(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}

/**
 * Vanilla policy, problem (2): `max_pi <pi, rHat>` s.t. `||pi - pi0||_2^2 <= epsilon`.
 *
 * - `'free'` (default, the paper's closed form): `pi_v = pi0 + sqrt(epsilon) rHat / ||rHat||_2`;
 *   `pi0` when `rHat = 0` (every feasible point then scores the same).
 * - `'simplex'`: the same problem over probability vectors (`pi0` must be one), solved exactly:
 *   `pi_i = max(0, pi0_i + t (rHat_i - mu))` with `mu` the sum-to-one multiplier and `t` such
 *   that the ball constraint is tight, or the best vertex (face) when the ball contains it.
 */
export function vanillaPolicy(
  pi0: ArrayLike<number>,
  rHat: ArrayLike<number>,
  epsilon: number,
  options?: PolicyOptions,
): Float64Array {
  const where = 'vanillaPolicy';
  const constraint = checkConstraint(where, options);
  const r = vector(where, 'rHat', rHat);
  const p0 =
    constraint === 'simplex'
      ? distribution(where, 'pi0', pi0, r.length, 'rHat')
      : vector(where, 'pi0', pi0, r.length, 'rHat');
  const eps = nonNegative(where, 'epsilon', epsilon);
  if (constraint === 'simplex')
    return new SimplexSolver(r.length).solve(p0, r, ones(r.length), eps);
  let norm2 = 0;
  for (let i = 0; i < r.length; i++) norm2 += r[i]! * r[i]!;
  if (norm2 === 0) return p0;
  const scale = Math.sqrt(eps / norm2);
  for (let i = 0; i < r.length; i++) p0[i] = p0[i]! + scale * r[i]!;
  return p0;
}

/**
 * Variance-aware policy, problem (3): `max_pi <pi, rHat>` s.t. `||pi - pi0||_Sigma^2 <= epsilon`,
 * `Sigma = diag(sigma2)`. Pass `matchedEpsilon(eps, sigma2)` as `epsilon` to compare with the
 * vanilla policy at `eps` (SPEC's fair comparison).
 *
 * - `'free'` (default, the paper's closed form, eq. 4):
 *   `pi_va = pi0 + sqrt(epsilon) Sigma^{-1} rHat / ||rHat||_{Sigma^{-1}}`; `pi0` when `rHat = 0`.
 * - `'simplex'`: over probability vectors, solved exactly:
 *   `pi_i = max(0, pi0_i + t (rHat_i - mu) / sigma2_i)` (`d ∝ Sigma^{-1}(rHat - mu 1)` where no
 *   probability is zero), `t` making the ellipsoid constraint tight unless the best face fits.
 */
export function varianceAwarePolicy(
  pi0: ArrayLike<number>,
  rHat: ArrayLike<number>,
  sigma2: ArrayLike<number>,
  epsilon: number,
  options?: PolicyOptions,
): Float64Array {
  const where = 'varianceAwarePolicy';
  const constraint = checkConstraint(where, options);
  const r = vector(where, 'rHat', rHat);
  const s = variances(where, 'sigma2', sigma2, r.length, 'rHat');
  const p0 =
    constraint === 'simplex'
      ? distribution(where, 'pi0', pi0, r.length, 'rHat')
      : vector(where, 'pi0', pi0, r.length, 'rHat');
  const eps = nonNegative(where, 'epsilon', epsilon);
  if (constraint === 'simplex') return new SimplexSolver(r.length).solve(p0, r, s, eps);
  let norm2 = 0; // ||rHat||^2_{Sigma^-1}
  for (let i = 0; i < r.length; i++) norm2 += (r[i]! * r[i]!) / s[i]!;
  if (norm2 === 0) return p0;
  const scale = Math.sqrt(eps / norm2);
  for (let i = 0; i < r.length; i++) p0[i] = p0[i]! + (scale * r[i]!) / s[i]!;
  return p0;
}

/**
 * SPEC's fair comparison: `eps' = min_i(sigma2_i) * epsilon`, so that the longest semi-axis of the
 * variance-aware ellipsoid `{d : ||d||_Sigma^2 <= eps'}` equals the radius `sqrt(epsilon)` of the
 * vanilla ball (the ellipsoid lies inside the ball).
 */
export function matchedEpsilon(epsilon: number, sigma2: ArrayLike<number>): number {
  const where = 'matchedEpsilon';
  const eps = nonNegative(where, 'epsilon', epsilon);
  const s = variances(where, 'sigma2', sigma2);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < s.length; i++) if (s[i]! < min) min = s[i]!;
  return min * eps;
}
