// Disagreement analysis of an ensemble (paper Appendix B, Figure 8): accuracy of each member and
// of the mean reward, overall and per RewardBench section, and the distributions of the sample
// variance of chosen rewards and of the variance of r_k(chosen) - r_k(rejected).

import { ValidationError } from '@va/core';
import { type SampleSummary, summarize } from '@va/stats';
import { memberMeanVariance } from './ensemble-stats.js';
import {
  REWARDBENCH_SECTIONS,
  type RewardBenchSection,
  rewardBenchSection,
  rewardBenchSectionScores,
} from './rewardbench.js';

/** Member rewards of preference pairs: `n x k` row-major matrices. */
export interface PairScores {
  readonly chosen: Float64Array;
  readonly rejected: Float64Array;
  readonly k: number;
}

/** One group of pairs (all pairs, one RewardBench section, or one subset). */
export interface DisagreementGroup {
  readonly name: string;
  readonly pairs: number;
  /** Accuracy of each member (RewardBench-weighted for a RewardBench section). */
  readonly memberAccuracy: readonly number[];
  /** Accuracy of the ensemble mean reward (same weighting). */
  readonly ensembleAccuracy: number;
  /** How accuracies are averaged: over pairs, or over subsets with RewardBench's weights. */
  readonly weighting: 'pairs' | 'rewardbench';
  /** Per pair: sample variance (ddof 1) over members of r_k(chosen). Figure 8, top row. */
  readonly chosenVariance: Float64Array;
  /** Per pair: sample variance over members of r_k(chosen) - r_k(rejected). Figure 8, bottom row. */
  readonly differenceVariance: Float64Array;
  readonly chosenVarianceSummary: SampleSummary;
  readonly differenceVarianceSummary: SampleSummary;
}

/** What {@link analyzeDisagreement} returns. */
export interface DisagreementReport {
  readonly k: number;
  readonly pairs: number;
  readonly overall: DisagreementGroup;
  /** RewardBench sections present (when pairs carry RewardBench subsets), else subsets, else none. */
  readonly groups: readonly DisagreementGroup[];
  readonly groupBy: 'rewardbench' | 'subset' | 'none';
}

/** Options of {@link analyzeDisagreement}. */
export interface AnalyzeOptions {
  /** The subset of each pair (RewardBench `subset` column), for per-section results. */
  readonly subsets?: readonly (string | undefined)[];
  /** `auto` (default): RewardBench sections if any subset is a RewardBench one, else subsets. */
  readonly groupBy?: 'auto' | 'rewardbench' | 'subset' | 'none';
}

interface PairStats {
  correct: Uint8Array[]; // [member][pair]
  ensembleCorrect: Uint8Array;
  chosenVariance: Float64Array;
  differenceVariance: Float64Array;
}

function pairStats(scores: PairScores, n: number): PairStats {
  const { chosen, rejected, k } = scores;
  const correct = Array.from({ length: k }, () => new Uint8Array(n));
  const ensembleCorrect = new Uint8Array(n);
  const chosenVariance = new Float64Array(n);
  const differenceVariance = new Float64Array(n);
  const diff = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < k; j++) {
      diff[j] = chosen[r * k + j]! - rejected[r * k + j]!;
      correct[j]![r] = diff[j]! > 0 ? 1 : 0;
    }
    const d = memberMeanVariance(diff);
    ensembleCorrect[r] = d.mean > 0 ? 1 : 0;
    differenceVariance[r] = d.variance;
    chosenVariance[r] = memberMeanVariance(chosen.subarray(r * k, (r + 1) * k)).variance;
  }
  return { correct, ensembleCorrect, chosenVariance, differenceVariance };
}

function mean(flags: Uint8Array, rows: readonly number[]): number {
  let s = 0;
  for (const r of rows) s += flags[r]!;
  return rows.length ? s / rows.length : Number.NaN;
}

function group(
  name: string,
  rows: readonly number[],
  st: PairStats,
  subsets?: readonly (string | undefined)[],
  section?: RewardBenchSection,
): DisagreementGroup {
  let memberAccuracy: number[];
  let ensembleAccuracy: number;
  if (section && subsets) {
    const bySubset = new Map<string, number[]>();
    for (const r of rows) {
      const s = subsets[r]!;
      bySubset.set(s, [...(bySubset.get(s) ?? []), r]);
    }
    const weighted = (flags: Uint8Array) => {
      const acc: Record<string, number> = {};
      for (const [s, rs] of bySubset) acc[s] = mean(flags, rs);
      return rewardBenchSectionScores(acc)[section]!;
    };
    memberAccuracy = st.correct.map(weighted);
    ensembleAccuracy = weighted(st.ensembleCorrect);
  } else {
    memberAccuracy = st.correct.map((c) => mean(c, rows));
    ensembleAccuracy = mean(st.ensembleCorrect, rows);
  }
  const chosenVariance = Float64Array.from(rows, (r) => st.chosenVariance[r]!);
  const differenceVariance = Float64Array.from(rows, (r) => st.differenceVariance[r]!);
  return {
    name,
    pairs: rows.length,
    memberAccuracy,
    ensembleAccuracy,
    weighting: section ? 'rewardbench' : 'pairs',
    chosenVariance,
    differenceVariance,
    chosenVarianceSummary: summarize(chosenVariance),
    differenceVarianceSummary: summarize(differenceVariance),
  };
}

/** Accuracy and disagreement of an ensemble on scored preference pairs. */
export function analyzeDisagreement(
  scores: PairScores,
  options: AnalyzeOptions = {},
): DisagreementReport {
  const { k } = scores;
  if (!Number.isInteger(k) || k < 2) {
    throw new ValidationError('analyzeDisagreement', 'scores.k', 'an integer >= 2', k);
  }
  const n = scores.chosen.length / k;
  if (!Number.isInteger(n) || scores.rejected.length !== scores.chosen.length || n === 0) {
    throw new ValidationError(
      'analyzeDisagreement',
      'scores.rejected',
      `a non-empty n x ${k} matrix shaped like scores.chosen (${scores.chosen.length} values)`,
      scores.rejected,
    );
  }
  const subsets = options.subsets;
  if (subsets && subsets.length !== n) {
    throw new ValidationError(
      'analyzeDisagreement',
      'options.subsets',
      `${n} entries (one per pair)`,
      subsets,
    );
  }
  const st = pairStats(scores, n);
  const all = Array.from({ length: n }, (_, i) => i);
  const known =
    subsets?.some((s) => s !== undefined && rewardBenchSection(s) !== undefined) ?? false;
  const requested = options.groupBy ?? 'auto';
  const groupBy =
    requested === 'auto'
      ? known
        ? 'rewardbench'
        : subsets?.some((s) => s !== undefined)
          ? 'subset'
          : 'none'
      : requested;
  const groups: DisagreementGroup[] = [];
  if (groupBy === 'rewardbench' && subsets) {
    for (const section of REWARDBENCH_SECTIONS) {
      const rows = all.filter(
        (r) => subsets[r] !== undefined && rewardBenchSection(subsets[r]!) === section,
      );
      if (rows.length) groups.push(group(section, rows, st, subsets, section));
    }
  } else if (groupBy === 'subset' && subsets) {
    const names = [...new Set(subsets.filter((s): s is string => s !== undefined))].sort();
    for (const name of names)
      groups.push(
        group(
          name,
          all.filter((r) => subsets[r] === name),
          st,
        ),
      );
  }
  return { k, pairs: n, overall: group('all', all, st), groups, groupBy };
}
