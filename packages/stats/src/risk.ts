// The empirical risk of underperforming the reference policy, P(R(pi) < R(pi0)) (SPEC 5.5, the
// paper's Table 3), by two estimators, each with a seeded percentile-bootstrap interval.

import { defineConfig, is, Rng, ValidationError } from '@va/core';
import { checkSample } from './options.js';
import { meanOf, quantileSorted } from './summarize.js';

/** The bootstrap behind {@link empiricalRisk}'s intervals. */
export interface RiskConfig {
  /** Bootstrap resamples (default 2000). */
  resamples: number;
  /** Coverage of the percentile interval, in (0, 1) (default 0.95). */
  level: number;
  /** Seed of the resampling `Rng` (default 0): same seed, same interval. */
  seed: number;
}

/** {@link RiskConfig}'s frozen defaults and its resolver (`RiskConfig.resolve(partial)`). */
export const RiskConfig = defineConfig<RiskConfig>('RiskConfig', {
  resamples: { default: 2000, doc: 'bootstrap resamples', check: is.positiveInteger },
  level: { default: 0.95, doc: 'coverage of the percentile interval', check: is.openUnit },
  seed: { default: 0, doc: 'seed of the resampling Rng', check: is.nonNegativeInteger },
});

/** A point estimate with its bootstrap interval. */
export interface RiskEstimate {
  estimate: number;
  /** Lower end of the percentile bootstrap interval. */
  lower: number;
  /** Upper end of the percentile bootstrap interval. */
  upper: number;
}

/** The result of {@link empiricalRisk}. */
export interface EmpiricalRisk {
  /** P(R(pi) < R(pi0)) over all (policy, reference run) pairs, ties counting half. */
  pairwise: RiskEstimate & { pairs: number };
  /** The share of policies strictly below the reference mean: `count` of `n`. */
  belowMean: RiskEstimate & { count: number; n: number; referenceMean: number };
  nPolicies: number;
  nReference: number;
  config: Readonly<RiskConfig>;
  /** One sentence on how both estimates and intervals were computed, for reports. */
  method: string;
}

/** Number of sorted values < v and <= v (lower and upper bounds). */
function bounds(sorted: Float64Array, v: number): [number, number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  let up = lo;
  hi = sorted.length;
  while (up < hi) {
    const mid = (up + hi) >>> 1;
    if (sorted[mid]! <= v) up = mid + 1;
    else hi = mid;
  }
  return [lo, up];
}

/** Pairwise risk of `policy` against a sorted reference (unchecked). */
function pairwiseSorted(policy: Float64Array, sortedReference: Float64Array): number {
  const m = sortedReference.length;
  let total = 0;
  for (let i = 0; i < policy.length; i++) {
    const [below, belowOrEqual] = bounds(sortedReference, policy[i]!);
    total += m - belowOrEqual + 0.5 * (belowOrEqual - below);
  }
  return total / (policy.length * m);
}

function countBelow(policy: Float64Array, threshold: number): number {
  let count = 0;
  for (let i = 0; i < policy.length; i++) if (policy[i]! < threshold) count++;
  return count;
}

/**
 * P(R(pi) < R(pi0)) estimated over all N x M (policy, reference run) pairs: the share of pairs in
 * which the policy's reward is below the reference run's, a tie counting one half.
 */
export function pairwiseRisk(policy: ArrayLike<number>, reference: ArrayLike<number>): number {
  const p = checkSample('pairwiseRisk', 'policy', policy, 1);
  const r = checkSample('pairwiseRisk', 'reference', reference, 1);
  return pairwiseSorted(p, r.slice().sort());
}

/**
 * The share of policies whose reward is strictly below the mean of the reference runs (a policy
 * exactly at the mean does not count), with the integer `count` a proportion test needs.
 */
export function shareBelowMean(
  policy: ArrayLike<number>,
  reference: ArrayLike<number>,
): { share: number; count: number; n: number; referenceMean: number } {
  const p = checkSample('shareBelowMean', 'policy', policy, 1);
  const r = checkSample('shareBelowMean', 'reference', reference, 1);
  const referenceMean = referenceMeanOf('shareBelowMean', r);
  const count = countBelow(p, referenceMean);
  return { share: count / p.length, count, n: p.length, referenceMean };
}

/** The reference mean, refusing values so large that their sum overflows. */
function referenceMeanOf(where: string, r: Float64Array): number {
  const m = meanOf(r);
  if (!Number.isFinite(m)) {
    throw new ValidationError(where, 'reference', 'values whose mean is finite', r, 'Rescale them');
  }
  return m;
}

/**
 * Both estimates of the risk of `policy` underperforming `reference` ({@link pairwiseRisk} and
 * {@link shareBelowMean}), each with a percentile bootstrap interval: every resample draws the N
 * policies and, independently, the M reference runs with replacement, from an `Rng` seeded with
 * `config.seed`, so a seed reproduces the interval exactly.
 */
export function empiricalRisk(
  policy: ArrayLike<number>,
  reference: ArrayLike<number>,
  config: Partial<RiskConfig> = {},
): EmpiricalRisk {
  const resolved = RiskConfig.resolve(config);
  const p = checkSample('empiricalRisk', 'policy', policy, 1);
  const r = checkSample('empiricalRisk', 'reference', reference, 1);
  const n = p.length;
  const m = r.length;
  const referenceMean = referenceMeanOf('empiricalRisk', r);
  const count = countBelow(p, referenceMean);
  const pairwise = pairwiseSorted(p, r.slice().sort());

  const rng = new Rng(resolved.seed);
  const pairwiseDraws = new Float64Array(resolved.resamples);
  const belowDraws = new Float64Array(resolved.resamples);
  const ps = new Float64Array(n);
  const rs = new Float64Array(m);
  for (let b = 0; b < resolved.resamples; b++) {
    for (let i = 0; i < n; i++) ps[i] = p[rng.int(n)]!;
    for (let j = 0; j < m; j++) rs[j] = r[rng.int(m)]!;
    belowDraws[b] = countBelow(ps, meanOf(rs)) / n;
    pairwiseDraws[b] = pairwiseSorted(ps, rs.sort());
  }
  pairwiseDraws.sort();
  belowDraws.sort();
  const tail = (1 - resolved.level) / 2;
  const pct = Math.round(resolved.level * 1000) / 10;
  return {
    pairwise: {
      estimate: pairwise,
      lower: quantileSorted(pairwiseDraws, tail),
      upper: quantileSorted(pairwiseDraws, 1 - tail),
      pairs: n * m,
    },
    belowMean: {
      estimate: count / n,
      lower: quantileSorted(belowDraws, tail),
      upper: quantileSorted(belowDraws, 1 - tail),
      count,
      n,
      referenceMean,
    },
    nPolicies: n,
    nReference: m,
    config: resolved,
    method:
      `pairwise: P(R(pi) < R(pi0)) over all ${n} x ${m} = ${n * m} (policy, reference run) ` +
      'pairs, ties counting half; below mean: share of the ' +
      `${n} policies strictly below the mean of the ${m} reference runs; intervals: ${pct}% ` +
      `percentile bootstrap, ${resolved.resamples} resamples of policies and reference runs ` +
      `(independently, with replacement), seed ${resolved.seed}`,
  };
}
