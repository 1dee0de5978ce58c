// Summary statistics of a Monte Carlo sample (the spread of a policy's true returns, Figure 4).

import { checkVector } from '@va/core';

/** Location and spread of a sample; quantiles interpolate linearly (numpy's default, type 7). */
export interface Summary {
  readonly count: number;
  readonly mean: number;
  /** Sample standard deviation (ddof 1; 0 for a single value). */
  readonly std: number;
  readonly min: number;
  readonly q05: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly q95: number;
  readonly max: number;
}

function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Mean, standard deviation, extremes and quantiles of `values` (finite, at least one). */
export function summarize(values: ArrayLike<number>): Summary {
  const sorted = checkVector('summarize', 'values', values).sort();
  const n = sorted.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (sorted[i]! - mean) / (i + 1);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2;
  return {
    count: n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    min: sorted[0]!,
    q05: quantile(sorted, 0.05),
    q25: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q75: quantile(sorted, 0.75),
    q95: quantile(sorted, 0.95),
    max: sorted[n - 1]!,
  };
}
