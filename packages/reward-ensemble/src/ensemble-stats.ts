// The ensemble's noisy reward and its uncertainty (SPEC 3): rHat = mean over members, sigma2 = the
// sample variance over members (ddof 1), by @va/stats' mean and variance.

import { ValidationError } from '@va/core';
import { mean, variance } from '@va/stats';

/** Mean and sample variance (ddof 1) of one pair's member rewards. */
export function memberMeanVariance(values: ArrayLike<number>): {
  mean: number;
  variance: number;
} {
  const k = values.length;
  if (k < 2) {
    throw new ValidationError(
      'memberMeanVariance',
      'values',
      'at least 2 member rewards (the sample variance needs k >= 2)',
      values,
    );
  }
  return { mean: mean(values), variance: variance(values) };
}

/** Per-row mean and sample variance of a `rows x k` row-major matrix of member rewards. */
export function summarizeMembers(
  scores: Float64Array,
  k: number,
): { mean: Float64Array; variance: Float64Array } {
  if (!Number.isInteger(k) || k < 2 || scores.length % k !== 0) {
    throw new ValidationError(
      'summarizeMembers',
      'k',
      `an integer >= 2 that divides scores.length (${scores.length})`,
      k,
    );
  }
  const rows = scores.length / k;
  const mean = new Float64Array(rows);
  const variance = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const s = memberMeanVariance(scores.subarray(r * k, (r + 1) * k));
    mean[r] = s.mean;
    variance[r] = s.variance;
  }
  return { mean, variance };
}
