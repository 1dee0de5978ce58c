// The F test on the ratio of two sample variances (SPEC 5.3, the paper's Tables 1 and 4):
// F = s^2(a) / s^2(b) with (nA - 1, nB - 1) degrees of freedom, p-values as scipy.stats.f.sf/cdf.

import { ValidationError } from '@va/core';
import { fCdf, fisherF, fSf } from './distributions.js';
import { type Alternative, checkSample, resolveTestOptions, type TestOptions } from './options.js';
import { sampleMoments } from './summarize.js';

/** The result of {@link varianceRatioTest}. */
export interface VarianceRatioTestResult {
  /** F = varianceA / varianceB (unbiased sample variances). */
  statistic: number;
  /** nA - 1. */
  df1: number;
  /** nB - 1. */
  df2: number;
  pValue: number;
  /**
   * The quantile `statistic` is compared with: `'greater'`: F_{1-alpha}(df1, df2), reject above
   * it (the paper's F_0.95(79, 79) = 1.451); `'less'`: F_{alpha}(df1, df2), reject below it;
   * `'two-sided'`: the upper one, F_{1-alpha/2}, with the lower one in `criticalValueLower`.
   */
  criticalValue: number;
  /** Only for `'two-sided'`: F_{alpha/2}(df1, df2); reject also when F is below it. */
  criticalValueLower?: number;
  /** `pValue < alpha` (the same decision as the critical-value comparison). */
  reject: boolean;
  varianceA: number;
  varianceB: number;
  nA: number;
  nB: number;
  alternative: Alternative;
  alpha: number;
  /** Set when a sample is constant (see {@link varianceRatioTest}). */
  note?: string;
}

/**
 * The variance-ratio F test of H0: Var(A) = Var(B) against `options.alternative` (`'greater'`:
 * A's variance exceeds B's, the paper's one-sided test with A = vanilla). The two-sided p-value is
 * 2 min(P(F <= f), P(F >= f)), capped at 1. Each sample needs at least two finite values.
 *
 * Zero variance: B constant (A not) gives F = Infinity, p-value 0 for `'greater'` and
 * `'two-sided'`, 1 for `'less'`; A constant (B not) gives F = 0, p-value 0 for `'less'` and
 * `'two-sided'`, 1 for `'greater'`. Both constant makes F = 0/0: a `ValidationError` is thrown.
 */
export function varianceRatioTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: TestOptions,
): VarianceRatioTestResult {
  const where = 'varianceRatioTest';
  const { alternative, alpha } = resolveTestOptions(where, options);
  const x = checkSample(where, 'a', a, 2);
  const y = checkSample(where, 'b', b, 2);
  const varianceA = sampleMoments(where, 'a', x).variance;
  const varianceB = sampleMoments(where, 'b', y).variance;
  if (varianceA === 0 && varianceB === 0) {
    throw new ValidationError(
      where,
      'a, b',
      'samples that are not both constant',
      a,
      `Both samples have zero variance (a is all ${x[0]}, b is all ${y[0]}), so F is 0/0`,
    );
  }
  const df1 = x.length - 1;
  const df2 = y.length - 1;
  const statistic = varianceB === 0 ? Number.POSITIVE_INFINITY : varianceA / varianceB;
  const dist = fisherF(df1, df2);
  const result: VarianceRatioTestResult = {
    statistic,
    df1,
    df2,
    pValue: 0,
    criticalValue: 0,
    reject: false,
    varianceA,
    varianceB,
    nA: x.length,
    nB: y.length,
    alternative,
    alpha,
  };
  if (alternative === 'greater') {
    result.pValue = fSf(statistic, df1, df2);
    result.criticalValue = dist.isf(alpha);
  } else if (alternative === 'less') {
    result.pValue = fCdf(statistic, df1, df2);
    result.criticalValue = dist.ppf(alpha);
  } else {
    result.pValue = Math.min(1, 2 * Math.min(fSf(statistic, df1, df2), fCdf(statistic, df1, df2)));
    result.criticalValue = dist.isf(alpha / 2);
    result.criticalValueLower = dist.ppf(alpha / 2);
  }
  result.reject = result.pValue < alpha;
  if (varianceB === 0) result.note = 'sample b is constant: F is infinite';
  else if (varianceA === 0) result.note = 'sample a is constant: F is 0';
  return result;
}
