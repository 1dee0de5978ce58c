// The chi-square quantile of Theorem 2.2's radius. (The normal CDF of Theorem 2.4 is @va/stats's
// `standardNormal.cdf`, tail-accurate to 1e-13 relative down to x = -38.)

import jStat from 'jstat';

/**
 * The `p`-quantile of the chi-square distribution with `dof` degrees of freedom (jStat's
 * `chisquare.inv`: relative error below 2e-11 against scipy's `chi2.isf` for 1 - p down to 1e-6 and
 * dof up to 1e6; for p closer to one, rounding 1 - delta to a double limits any quantile of p).
 */
export function chiSquareQuantile(p: number, dof: number): number {
  return jStat.chisquare.inv(p, dof);
}
