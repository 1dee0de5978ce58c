// Test helpers: the reference fixtures, KKT checks of the simplex problem, small vector maths.

import { readFileSync } from 'node:fs';

export const reference = JSON.parse(
  readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8'),
);

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function weightedSq(d: ArrayLike<number>, w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += w[i]! * d[i]! * d[i]!;
  return s;
}

export function sub(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return Array.from(a, (v, i) => v - b[i]!);
}

/**
 * Checks the KKT conditions of max <pi, r> s.t. ||pi - pi0||_W^2 <= eps, sum pi = 1, pi >= 0 at
 * `pi`, independently of the solver: fits (lambda, mu) on the positive coordinates from
 * r_i - mu = lambda w_i d_i, then requires lambda >= 0, nu_i = mu - r_i + lambda w_i d_i >= 0 on
 * the zero coordinates, and lambda (g - eps) = 0. Returns the worst violation (0 = exact).
 */
export function kktViolation(
  pi: ArrayLike<number>,
  pi0: ArrayLike<number>,
  r: ArrayLike<number>,
  w: ArrayLike<number>,
  eps: number,
): number {
  const n = pi.length;
  const d = sub(pi, pi0);
  const g = weightedSq(d, w);
  const positive = Array.from({ length: n }, (_, i) => i).filter((i) => pi[i]! > 1e-13);
  // Least squares for r_i = mu + lambda * (w_i d_i) over the positive coordinates.
  const xs = positive.map((i) => w[i]! * d[i]!);
  const ys = positive.map((i) => r[i]!);
  const m = positive.length;
  const mx = xs.reduce((a, b) => a + b, 0) / m;
  const my = ys.reduce((a, b) => a + b, 0) / m;
  let sxy = 0;
  let sxx = 0;
  for (let j = 0; j < m; j++) {
    sxy += (xs[j]! - mx) * (ys[j]! - my);
    sxx += (xs[j]! - mx) ** 2;
  }
  const lambda = sxx > 0 ? sxy / sxx : 0;
  const mu = my - lambda * mx;
  const scale = Math.max(1, ...Array.from(r, Math.abs));
  let worst = 0;
  for (let j = 0; j < m; j++)
    worst = Math.max(worst, Math.abs(ys[j]! - mu - lambda * xs[j]!) / scale);
  worst = Math.max(worst, -lambda);
  for (let i = 0; i < n; i++) {
    if (pi[i]! > 1e-13) continue;
    worst = Math.max(worst, -(mu - r[i]! + lambda * w[i]! * d[i]!) / scale);
  }
  if (lambda > 1e-9) worst = Math.max(worst, Math.abs(g - eps) / Math.max(eps, 1e-300));
  worst = Math.max(worst, g - eps > 1e-12 * Math.max(1, eps) ? g - eps : 0);
  return worst;
}

/** A uniform draw from the simplex (flat Dirichlet), from a uniform source. */
export function randomDistribution(n: number, uniform: () => number): number[] {
  const e = Array.from({ length: n }, () => -Math.log(1 - uniform()));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
