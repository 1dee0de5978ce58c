// The report's sentences: an automatic reading of each setting's tests in plain words, and of the
// KL each method ended at. They restate what the tests decided at the run's N and never more:
// a non-significant test is "no significant ...", never "no effect".

import { formatNumber } from '@va/core';
import type { Alternative, ProtocolTables, VarianceRatioSweepRow } from '@va/stats';
import type { KlComparison } from './results.js';

const p = (value: number) => formatNumber(value, 3);
const n3 = (value: number) => formatNumber(value, 3);

/** `x of N` with the method's N. */
const ofN = (count: number, n: number) => `${count} of ${n}`;

/** Below this N per method, the reading says how little the tests can detect. */
export const SMALL_N = 10;

const H1_VARIANCE: Record<Alternative, string> = {
  greater: 'one-sided, H1: vanilla varies more',
  less: 'one-sided, H1: vanilla varies less',
  'two-sided': 'two-sided',
};

function varianceSentence(t: ProtocolTables): string {
  const f = t.table1.test;
  const head = `Var vanilla / Var VA = ${n3(f.statistic)} (F test, ${H1_VARIANCE[f.alternative]}, p = ${p(f.pValue)})`;
  if (Number.isNaN(f.statistic) || Number.isNaN(f.pValue)) {
    return `${head}: the ratio is not a number the test can use${f.note ? ` (${f.note})` : ''}.`;
  }
  const direction =
    f.statistic > 1
      ? 'the vanilla returns spread more than the variance-aware ones'
      : f.statistic < 1
        ? 'the variance-aware returns spread more than the vanilla ones, the opposite of the paper'
        : 'both spread the same';
  let verdict: string;
  if (f.alternative === 'greater') {
    verdict = f.reject
      ? `a significant reduction of the spread by the variance-aware method at alpha = ${f.alpha}`
      : `no significant reduction of the spread at N = ${f.nA} and ${f.nB}`;
  } else {
    verdict = f.reject
      ? `H0 (equal variances) is rejected at alpha = ${f.alpha}`
      : `H0 (equal variances) is not rejected at alpha = ${f.alpha}`;
  }
  return `${head}: ${direction}; ${verdict}${f.note ? ` (${f.note})` : ''}.`;
}

function meanSentence(t: ProtocolTables): string {
  const w = t.table2.test;
  const head = `Mean R(π): vanilla ${n3(w.meanA)}, variance-aware ${n3(w.meanB)} (Welch t = ${n3(w.statistic)}, ${w.alternative}, p = ${p(w.pValue)})`;
  if (Number.isNaN(w.pValue))
    return `${head}: the test is undefined${w.note ? ` (${w.note})` : ''}.`;
  if (!w.reject) return `${head}: no significant difference between the means.`;
  const higher = w.meanB > w.meanA ? 'higher' : 'lower';
  return `${head}: the means differ significantly, the variance-aware mean being ${higher}.`;
}

function riskSentence(t: ProtocolTables): string {
  const r = t.table3;
  const z = r.test;
  const head =
    `The variance-aware policies fell below the reference mean in ${ofN(r.varianceAware.belowMean.count, r.varianceAware.belowMean.n)} cases, ` +
    `against ${ofN(r.vanilla.belowMean.count, r.vanilla.belowMean.n)} for vanilla ` +
    `(pairwise risk P(R(π) < R(π0)) over the ${t.n.reference} reference runs: variance-aware ${n3(r.varianceAware.pairwise.estimate)}, vanilla ${n3(r.vanilla.pairwise.estimate)}); ` +
    `two-proportion z test on those counts, p = ${p(z.pValue)}`;
  if (Number.isNaN(z.pValue)) return `${head}: undefined${z.note ? ` (${z.note})` : ''}.`;
  if (z.alternative === 'greater') {
    return z.reject
      ? `${head}: the variance-aware method significantly lowered the risk of underperforming the reference.`
      : `${head}: no significant difference in that risk.`;
  }
  return `${head}: H0 (equal risks) ${z.reject ? 'is' : 'is not'} rejected at alpha = ${z.alpha}.`;
}

/** One sentence on the KL each method ended at, and whether the comparison is at similar KL. */
export function klSentence(kl: KlComparison): string {
  if (!Number.isFinite(kl.vanilla) || !Number.isFinite(kl.varianceAware)) {
    return 'The KL to the reference is not measured yet for both methods (no finished policy of one of them).';
  }
  const low = Math.min(kl.vanilla, kl.varianceAware);
  const notes = [
    `ratio ${n3(kl.ratio)}`,
    ...(low < 0.01 ? ['a KL below 0.01 compared as 0.01'] : []),
    ...(low < 0 ? ['a negative value is the sampling noise of an estimate near zero'] : []),
  ];
  const head = `KL to the reference on the evaluation responses: vanilla ${n3(kl.vanilla)}, variance-aware ${n3(kl.varianceAware)} nats (${notes.join('; ')})`;
  return kl.similar
    ? `${head}: similar (ratio at most 1.5), as the paper's calibration of beta intends, so the methods are compared at a comparable distance from the reference.`
    : `${head}: **not similar** (ratio above 1.5). The method with the larger KL moved further from the reference, which by itself changes the spread and the risk; the paper calibrates beta (here \`vanilla.initKlCoef\` and \`varianceAware.initKlCoef\`) so that both end at a similar KL before comparing them.`;
}

/**
 * The reading of one setting: Tables 1-3 in words, the KL, and, at small N, how little the tests
 * can detect.
 */
export function settingReading(tables: ProtocolTables, kl: KlComparison): string {
  const parts = [
    varianceSentence(tables),
    meanSentence(tables),
    riskSentence(tables),
    klSentence(kl),
  ];
  const n = Math.min(tables.n.vanilla, tables.n.varianceAware);
  if (n < SMALL_N) {
    parts.push(
      `With N = ${n} policies per method the tests can only detect large differences: a non-significant result here is not evidence that the methods behave alike (the paper uses N = 80).`,
    );
  }
  return parts.join(' ');
}

/**
 * The reading of Table 4: the F ratio per level, how many levels reject H0, whether the ratio
 * falls as the spread shrinks (observed, not tested), and at how many levels the KL was similar.
 */
export function table4Reading(
  rows: readonly VarianceRatioSweepRow[],
  kl: readonly KlComparison[],
): string {
  const ratios = rows.map((r) => `${r.label}: ${n3(r.ratio)} (p = ${p(r.pValue)})`).join('; ');
  const rejected = rows.filter((r) => r.reject).length;
  const finite = rows.map((r) => r.ratio).filter(Number.isFinite);
  const falling =
    finite.length === rows.length && finite.every((r, i) => i === 0 || r <= finite[i - 1]!);
  const above = rows.filter((r) => r.ratio > 1).length;
  const similar = kl.filter((k) => k.similar).length;
  return (
    `F = Var vanilla / Var VA as the spread of the judge's interval widths shrinks: ${ratios}. ` +
    `The vanilla returns spread more (F > 1) at ${above} of ${rows.length} levels, and the F test ` +
    `rejects equal variances (H1: vanilla varies more) at ${rejected}. ` +
    (falling
      ? 'The ratio falls as the spread shrinks, as in the paper; this ordering is observed, not tested. '
      : 'The ratio does not fall steadily as the spread shrinks (in the paper it does); this ordering is observed, not tested. ') +
    `The two methods ended at a similar KL at ${similar} of ${kl.length} levels.`
  );
}
