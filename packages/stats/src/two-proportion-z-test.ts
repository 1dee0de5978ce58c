// The two-proportion z test with the pooled standard error (SPEC 5.5, the paper's Table 3),
// matching statsmodels.stats.proportion.proportions_ztest([kA, kB], [nA, nB], alternative=...).

import { checkNumber, ValidationError } from '@va/core';
import { standardNormal } from './distributions.js';
import { type Alternative, resolveTestOptions, type TestOptions } from './options.js';
import { normalUpperTail } from './special.js';

/** The result of {@link twoProportionZTest}. */
export interface TwoProportionZTestResult {
  /** z = (proportionA - proportionB) / standardError. */
  statistic: number;
  pValue: number;
  /**
   * The normal quantile `statistic` is compared with: `'two-sided'`: z_{1-alpha/2} > 0, reject
   * when |z| exceeds it; `'greater'`: z_{1-alpha}; `'less'`: z_{alpha} < 0.
   */
  criticalValue: number;
  /** `pValue < alpha` (the same decision as the critical-value comparison). */
  reject: boolean;
  proportionA: number;
  proportionB: number;
  /** (successesA + successesB) / (nA + nB). */
  pooledProportion: number;
  /** sqrt(pooled (1 - pooled) (1 / nA + 1 / nB)). */
  standardError: number;
  successesA: number;
  nA: number;
  successesB: number;
  nB: number;
  alternative: Alternative;
  alpha: number;
  /** Set when the pooled variance is zero (see {@link twoProportionZTest}). */
  note?: string;
}

function checkCount(where: string, argument: string, value: unknown, n: number, nName: string) {
  if (typeof value === 'number' && Number.isInteger(value) && value > n) {
    throw new ValidationError(
      where,
      argument,
      `an integer in [0, ${nName} = ${n}]`,
      value,
      `A count of successes cannot exceed its number of trials '${nName}'`,
    );
  }
  return checkNumber(where, argument, value, { min: 0, max: n, integer: true });
}

/**
 * The two-proportion z test of H0: pA = pB against `options.alternative` (`'greater'`: A's
 * proportion exceeds B's), with the pooled standard error. Counts are integers, 0 <= k <= n, n >= 1.
 *
 * Zero pooled variance: when no trial in either group succeeded (or every one did) the two
 * proportions are equal and z is 0/0; the result is then z = 0 and p-value 1 for every
 * alternative, as the exact conditional (Fisher) test gives: such data carry no evidence of a
 * difference. `note` says so.
 */
export function twoProportionZTest(
  successesA: number,
  nA: number,
  successesB: number,
  nB: number,
  options?: TestOptions,
): TwoProportionZTestResult {
  const where = 'twoProportionZTest';
  const { alternative, alpha } = resolveTestOptions(where, options);
  checkNumber(where, 'nA', nA, { min: 1, integer: true });
  checkNumber(where, 'nB', nB, { min: 1, integer: true });
  checkCount(where, 'successesA', successesA, nA, 'nA');
  checkCount(where, 'successesB', successesB, nB, 'nB');
  const proportionA = successesA / nA;
  const proportionB = successesB / nB;
  const pooledProportion = (successesA + successesB) / (nA + nB);
  const standardError = Math.sqrt(pooledProportion * (1 - pooledProportion) * (1 / nA + 1 / nB));
  const result: TwoProportionZTestResult = {
    statistic: 0,
    pValue: 1,
    criticalValue: 0,
    reject: false,
    proportionA,
    proportionB,
    pooledProportion,
    standardError,
    successesA,
    nA,
    successesB,
    nB,
    alternative,
    alpha,
  };
  if (alternative === 'two-sided') result.criticalValue = standardNormal.isf(alpha / 2);
  else if (alternative === 'greater') result.criticalValue = standardNormal.isf(alpha);
  else result.criticalValue = standardNormal.ppf(alpha);
  if (standardError === 0) {
    result.note =
      'no successes (or no failures) in either group: z is 0/0, reported as z = 0, p-value 1';
    return result;
  }
  const z = (proportionA - proportionB) / standardError;
  result.statistic = z;
  if (alternative === 'two-sided') result.pValue = 2 * normalUpperTail(Math.abs(z));
  else if (alternative === 'greater') result.pValue = normalUpperTail(z);
  else result.pValue = normalUpperTail(-z);
  result.reject = result.pValue < alpha;
  return result;
}
