// Student t, Fisher F and standard normal distributions with tails computed directly (never as
// 1 - cdf) and quantiles refined by safeguarded Newton steps from jStat's starting values, so
// p-values keep their relative accuracy down to 1e-300 and critical values match mpmath to ~1e-13.

import { checkNumber, ValidationError } from '@va/core';
import jStat from 'jstat';
import {
  type BetaArguments,
  betaFromOdds,
  incompleteBeta,
  logBeta,
  normalUpperTail,
} from './special.js';

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** A distribution with its parameters fixed, in the manner of `scipy.stats.t(df)`. */
export interface ContinuousDistribution {
  /** P(X <= x). */
  cdf(x: number): number;
  /** P(X > x), the survival function, computed directly for relative accuracy in the upper tail. */
  sf(x: number): number;
  /** The quantile: the x with cdf(x) = p (`p` in [0, 1]). */
  ppf(p: number): number;
  /** The inverse survival function: the x with sf(x) = q. Use it for upper critical values. */
  isf(q: number): number;
}

// ---------------------------------------------------------------------------------------------
// Tails and densities (unchecked: callers validate)

/** ln of a ratio computed as a double, falling back to the logs of its parts outside the range. */
function logRatio(ratio: number, logParts: () => number): number {
  return ratio > 1e-300 && ratio < 1e300 ? Math.log(ratio) : logParts();
}

/** The beta arguments of a t statistic: x = df / (df + t^2), odds df / t^2. */
function tBeta(t: number, df: number): BetaArguments {
  const at = Math.abs(t);
  const odds = df / at / at;
  return betaFromOdds(
    odds,
    logRatio(odds, () => Math.log(df) - 2 * Math.log(at)),
  );
}

/** P(T > t) for Student's t with `df` degrees of freedom. */
export function tSf(t: number, df: number): number {
  if (t === 0) return 0.5;
  const twoSided = incompleteBeta(tBeta(t, df), df / 2, 0.5, false);
  return t > 0 ? 0.5 * twoSided : 1 - 0.5 * twoSided;
}

/** P(|T| > |t|), the two-sided t p-value, computed as one incomplete beta (no doubling error). */
export function tTwoSided(t: number, df: number): number {
  if (t === 0) return 1;
  return incompleteBeta(tBeta(t, df), df / 2, 0.5, false);
}

function tLogPdf(t: number, df: number): number {
  const u = Math.abs(t) / Math.sqrt(df);
  const log1pU2 = u > 1e150 ? 2 * Math.log(u) : Math.log1p(u * u);
  return -0.5 * (df + 1) * log1pU2 - 0.5 * Math.log(df) - logBeta(df / 2, 0.5);
}

/** The beta arguments of an F statistic: x = d1 f / (d1 f + d2), odds d1 f / d2. */
function fBeta(f: number, d1: number, d2: number): BetaArguments {
  const odds = (f * d1) / d2;
  return betaFromOdds(
    odds,
    logRatio(odds, () => Math.log(f) + Math.log(d1) - Math.log(d2)),
  );
}

/** P(F > f) for the F distribution with (d1, d2) degrees of freedom. */
export function fSf(f: number, d1: number, d2: number): number {
  if (f <= 0) return 1;
  if (f === Number.POSITIVE_INFINITY) return 0;
  return incompleteBeta(fBeta(f, d1, d2), d1 / 2, d2 / 2, true);
}

/** P(F <= f). */
export function fCdf(f: number, d1: number, d2: number): number {
  if (f <= 0) return 0;
  if (f === Number.POSITIVE_INFINITY) return 1;
  return incompleteBeta(fBeta(f, d1, d2), d1 / 2, d2 / 2, false);
}

function fLogPdf(f: number, d1: number, d2: number): number {
  const { logX, logY } = fBeta(f, d1, d2);
  return (d1 / 2) * logX + (d2 / 2) * logY - logBeta(d1 / 2, d2 / 2) - Math.log(f);
}

function normalLogPdf(z: number): number {
  return -0.5 * z * z - LN_SQRT_2PI;
}

// ---------------------------------------------------------------------------------------------
// Quantiles

/**
 * Solves tail(x) = target for x in (0, inf) by Newton steps on ln tail against ln x (well scaled
 * for power-law and Gaussian tails alike, from 1e-300 to 0.5), falling back to bisection in ln x
 * (or to doubling the distance while one side of the bracket is open) whenever a step leaves the
 * bracket. `upper`: tail is the survival function (decreasing); else the cdf (increasing). Returns
 * 0 or Infinity when the root lies beyond the doubles.
 */
function solveTail(
  tail: (x: number) => number,
  logPdf: (x: number) => number,
  target: number,
  upper: boolean,
  start: number,
): number {
  const logTarget = Math.log(target);
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  let u = start > 0 && Number.isFinite(start) ? Math.log(start) : 0;
  for (let iteration = 0; iteration < 500; iteration++) {
    if (hi < -745.2) return 0; // below the smallest subnormal
    if (lo > 709.8) return Number.POSITIVE_INFINITY; // above the largest double
    const x = Math.exp(u);
    const t = tail(x);
    if (t === target) return x;
    if (upper === t > target) lo = u;
    else hi = u;
    let next = Number.NaN;
    if (t > 0) {
      // d ln tail / d ln x = x pdf(x) / tail(x), signed.
      const slope = (upper ? -1 : 1) * Math.exp(logPdf(x) + u - Math.log(t));
      next = u - (Math.log(t) - logTarget) / slope;
      if (Math.abs(next - u) <= 1e-16) return Math.exp(next);
    }
    if (!(next > lo && next < hi)) {
      if (hi === Number.POSITIVE_INFINITY) next = lo + Math.max(10, Math.abs(lo));
      else if (lo === Number.NEGATIVE_INFINITY) next = hi - Math.max(10, Math.abs(hi));
      else next = 0.5 * (lo + hi);
    }
    if (next === u || hi - lo <= 1e-16) return Math.exp(next);
    u = next;
  }
  return Math.exp(u);
}

function tIsf(q: number, df: number): number {
  if (q === 0.5) return 0;
  if (q > 0.5) return -tIsf(1 - q, df); // 1 - q is exact here (Sterbenz)
  if (q === 0) return Number.POSITIVE_INFINITY;
  const start = jStat.studentt.inv(1 - q, df);
  return solveTail(
    (t) => tSf(t, df),
    (t) => tLogPdf(t, df),
    q,
    true,
    start,
  );
}

function fQuantile(p: number, d1: number, d2: number, upper: boolean): number {
  // Solve in whichever tail holds the smaller probability: it is the one known to full precision.
  if (p > 0.5) return fQuantile(1 - p, d1, d2, !upper);
  if (p === 0) return upper ? Number.POSITIVE_INFINITY : 0;
  const start = jStat.centralF.inv(upper ? 1 - p : p, d1, d2);
  return solveTail(
    upper ? (f) => fSf(f, d1, d2) : (f) => fCdf(f, d1, d2),
    (f) => fLogPdf(f, d1, d2),
    p,
    upper,
    start,
  );
}

function normalIsf(q: number): number {
  if (q === 0.5) return 0;
  if (q > 0.5) return -normalIsf(1 - q);
  if (q === 0) return Number.POSITIVE_INFINITY;
  const start = -jStat.normal.inv(q, 0, 1);
  return solveTail(normalUpperTail, normalLogPdf, q, true, start);
}

// ---------------------------------------------------------------------------------------------
// Public, validated distributions

function checkPoint(where: string, x: unknown): number {
  if (typeof x !== 'number' || Number.isNaN(x)) {
    throw new ValidationError(where, 'x', 'a number (infinities allowed)', x);
  }
  return x;
}

function checkProbability(where: string, argument: string, p: unknown): number {
  return checkNumber(where, argument, p, { min: 0, max: 1 });
}

/** Student's t distribution with `df` > 0 degrees of freedom (fractional df allowed, as Welch's). */
export function studentT(df: number): ContinuousDistribution {
  checkNumber('studentT', 'df', df, { min: 0, exclusiveMin: true });
  return Object.freeze({
    cdf: (t: number) => tSf(-checkPoint('studentT.cdf', t), df),
    sf: (t: number) => tSf(checkPoint('studentT.sf', t), df),
    ppf: (p: number) => -tIsf(checkProbability('studentT.ppf', 'p', p), df),
    isf: (q: number) => tIsf(checkProbability('studentT.isf', 'q', q), df),
  });
}

/** Fisher's F distribution with (`df1`, `df2`) > 0 degrees of freedom. */
export function fisherF(df1: number, df2: number): ContinuousDistribution {
  checkNumber('fisherF', 'df1', df1, { min: 0, exclusiveMin: true });
  checkNumber('fisherF', 'df2', df2, { min: 0, exclusiveMin: true });
  return Object.freeze({
    cdf: (f: number) => fCdf(checkPoint('fisherF.cdf', f), df1, df2),
    sf: (f: number) => fSf(checkPoint('fisherF.sf', f), df1, df2),
    ppf: (p: number) => fQuantile(checkProbability('fisherF.ppf', 'p', p), df1, df2, false),
    isf: (q: number) => fQuantile(checkProbability('fisherF.isf', 'q', q), df1, df2, true),
  });
}

/** The standard normal distribution. */
export const standardNormal: ContinuousDistribution = Object.freeze({
  cdf: (z: number) => normalUpperTail(-checkPoint('standardNormal.cdf', z)),
  sf: (z: number) => normalUpperTail(checkPoint('standardNormal.sf', z)),
  ppf: (p: number) => -normalIsf(checkProbability('standardNormal.ppf', 'p', p)),
  isf: (q: number) => normalIsf(checkProbability('standardNormal.isf', 'q', q)),
});

/**
 * The `p`-quantile of the chi-square distribution with `dof` > 0 degrees of freedom (Theorem 2.2's
 * confidence radius): jStat's `chisquare.inv`, whose relative error is below 2e-11 against scipy's
 * `chi2.isf` for 1 - p down to 1e-6 and dof up to 1e6; for p closer to one, rounding 1 - delta to a
 * double limits any quantile of p.
 */
export function chiSquareQuantile(p: number, dof: number): number {
  checkProbability('chiSquareQuantile', 'p', p);
  checkNumber('chiSquareQuantile', 'dof', dof, { min: 0, exclusiveMin: true });
  return jStat.chisquare.inv(p, dof);
}
