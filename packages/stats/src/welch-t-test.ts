// Welch's unequal-variance t test on two means (SPEC 5.4, the paper's Table 2), matching
// scipy.stats.ttest_ind(a, b, equal_var=False, alternative=...).

import { ValidationError } from '@va/core';
import { studentT, tSf, tTwoSided } from './distributions.js';
import { type Alternative, checkSample, resolveTestOptions, type TestOptions } from './options.js';
import { sampleMoments } from './summarize.js';

/** The result of {@link welchTTest}. */
export interface WelchTTestResult {
  /** t = (meanA - meanB) / sqrt(varianceA / nA + varianceB / nB). */
  statistic: number;
  /** The Welch-Satterthwaite degrees of freedom (fractional). */
  df: number;
  pValue: number;
  /**
   * The quantile `statistic` is compared with: `'two-sided'`: t_{1-alpha/2}(df) > 0, reject when
   * |t| exceeds it; `'greater'`: t_{1-alpha}(df), reject when t exceeds it; `'less'`:
   * t_{alpha}(df) < 0, reject when t is below it.
   */
  criticalValue: number;
  /** `pValue < alpha` (the same decision as the critical-value comparison). */
  reject: boolean;
  meanA: number;
  meanB: number;
  /** Unbiased sample variances (divisor n - 1). */
  varianceA: number;
  varianceB: number;
  nA: number;
  nB: number;
  /** sqrt(varianceA / nA + varianceB / nB). */
  standardError: number;
  alternative: Alternative;
  alpha: number;
  /** Set when a zero-variance rule decided the result (see {@link welchTTest}). */
  note?: string;
}

/**
 * Welch's t test of H0: mean(A) = mean(B) against `options.alternative` (`'greater'`: A's mean
 * exceeds B's). Each sample needs at least two finite values.
 *
 * Zero variance: one constant sample is an ordinary case (df = n - 1 of the other). When both
 * samples are constant with different means, t is +/-Infinity, the p-value 0 (or 1 for the
 * alternative pointing the other way) and df, which is 0/0 there, is reported as nA + nB - 2.
 * When both are constant at the same value, t is 0/0 and a `ValidationError` is thrown.
 */
export function welchTTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: TestOptions,
): WelchTTestResult {
  const where = 'welchTTest';
  const { alternative, alpha } = resolveTestOptions(where, options);
  const {
    n: nA,
    mean: meanA,
    variance: varianceA,
  } = sampleMoments(where, 'a', checkSample(where, 'a', a, 2));
  const {
    n: nB,
    mean: meanB,
    variance: varianceB,
  } = sampleMoments(where, 'b', checkSample(where, 'b', b, 2));
  const vnA = varianceA / nA;
  const vnB = varianceB / nB;
  const standardError = Math.sqrt(vnA + vnB);
  let df: number;
  let note: string | undefined;
  if (standardError === 0) {
    if (meanA === meanB) {
      throw new ValidationError(
        where,
        'a, b',
        'samples that are not both constant at the same value',
        a,
        `Both samples equal ${meanA} everywhere, so t is 0/0; there is nothing to test`,
      );
    }
    df = nA + nB - 2;
    note = 'both samples are constant with different means: t is infinite, df taken as nA + nB - 2';
  } else {
    // Welch-Satterthwaite, on the shares of the larger term so tiny variances cannot underflow.
    const scale = Math.max(vnA, vnB);
    const sA = vnA / scale;
    const sB = vnB / scale;
    df = (sA + sB) ** 2 / (sA ** 2 / (nA - 1) + sB ** 2 / (nB - 1));
  }
  const statistic = (meanA - meanB) / standardError;
  const dist = studentT(df);
  let pValue: number;
  let criticalValue: number;
  if (alternative === 'two-sided') {
    pValue = tTwoSided(statistic, df);
    criticalValue = dist.isf(alpha / 2);
  } else if (alternative === 'greater') {
    pValue = tSf(statistic, df);
    criticalValue = dist.isf(alpha);
  } else {
    pValue = tSf(-statistic, df);
    criticalValue = dist.ppf(alpha);
  }
  const result: WelchTTestResult = {
    statistic,
    df,
    pValue,
    criticalValue,
    reject: pValue < alpha,
    meanA,
    meanB,
    varianceA,
    varianceB,
    nA,
    nB,
    standardError,
    alternative,
    alpha,
  };
  if (note) result.note = note;
  return result;
}
