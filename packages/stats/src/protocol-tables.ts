// The paper's Tables 1-3 from the three samples of the evaluation protocol (SPEC 5, Algorithms
// 1-4): variances and the F test, means and Welch's t test, risks and the two-proportion z test.

import { defineConfig, deriveSeed, formatNumber, is } from '@va/core';
import { formatPValue, markdownTable } from './markdown.js';
import { ALTERNATIVES, type Alternative, checkSample } from './options.js';
import { type EmpiricalRisk, empiricalRisk } from './risk.js';
import { type TwoProportionZTestResult, twoProportionZTest } from './two-proportion-z-test.js';
import { type VarianceRatioTestResult, varianceRatioTest } from './variance-ratio-test.js';
import { type WelchTTestResult, welchTTest } from './welch-t-test.js';

/** The three samples of the protocol: one true-reward average per policy or reference run. */
export interface ProtocolSamples {
  /** R(pi) of each vanilla policy (the paper: N = 80). */
  vanilla: ArrayLike<number>;
  /** R(pi) of each variance-aware policy. */
  varianceAware: ArrayLike<number>;
  /** R(pi0) of each independent sampling run of the reference policy. */
  reference: ArrayLike<number>;
}

/** How {@link protocolTables} tests; the defaults are the paper's choices. */
export interface ProtocolTablesConfig {
  /** Significance level of all three tests (default 0.05). */
  alpha: number;
  /** Table 1, F = Var(vanilla) / Var(VA); `'greater'` (default): vanilla varies more. */
  varianceAlternative: Alternative;
  /** Table 2, Welch's t on mean(vanilla) - mean(VA) (default `'two-sided'`). */
  meanAlternative: Alternative;
  /** Table 3, z on risk(vanilla) - risk(VA); `'greater'` (default): vanilla's risk is higher. */
  riskAlternative: Alternative;
  /** Bootstrap resamples for the risk intervals (default 2000). */
  resamples: number;
  /** Coverage of the risk intervals (default 0.95). */
  level: number;
  /** Seed of the bootstrap (default 0); each method's stream is derived from it. */
  seed: number;
}

/** {@link ProtocolTablesConfig}'s frozen defaults and its resolver. */
export const ProtocolTablesConfig = defineConfig<ProtocolTablesConfig>('ProtocolTablesConfig', {
  alpha: { default: 0.05, doc: 'significance level of the three tests', check: is.openUnit },
  varianceAlternative: {
    default: 'greater',
    doc: 'alternative of the F test on Var(vanilla) / Var(VA)',
    check: is.oneOf(...ALTERNATIVES),
  },
  meanAlternative: {
    default: 'two-sided',
    doc: "alternative of Welch's t test on the means",
    check: is.oneOf(...ALTERNATIVES),
  },
  riskAlternative: {
    default: 'greater',
    doc: 'alternative of the z test on risk(vanilla) - risk(VA)',
    check: is.oneOf(...ALTERNATIVES),
  },
  resamples: { default: 2000, doc: 'bootstrap resamples', check: is.positiveInteger },
  level: { default: 0.95, doc: 'coverage of the risk intervals', check: is.openUnit },
  seed: { default: 0, doc: 'seed of the bootstrap', check: is.nonNegativeInteger },
});

/** The rows of the paper's Tables 1-3 (A = vanilla, B = variance-aware in every test). */
export interface ProtocolTables {
  /** Table 1: sample variances and the F test. */
  table1: { varianceVanilla: number; varianceVarianceAware: number; test: VarianceRatioTestResult };
  /** Table 2: means and Welch's t test. */
  table2: { meanVanilla: number; meanVarianceAware: number; test: WelchTTestResult };
  /** Table 3: both risk estimates of each method and the two-proportion z test. */
  table3: {
    vanilla: EmpiricalRisk;
    varianceAware: EmpiricalRisk;
    test: TwoProportionZTestResult;
    /** How the risks were estimated and which counts and n the z test used. */
    method: string;
  };
  n: { vanilla: number; varianceAware: number; reference: number };
  config: Readonly<ProtocolTablesConfig>;
}

/**
 * Tables 1-3 of the paper from the protocol's three samples. The z test of Table 3 compares the
 * below-reference-mean counts (successes = policies strictly below the mean of the reference runs,
 * n = the number of policies of each method): the N x M pairs of the pairwise estimate are not
 * independent, so they cannot serve as the test's n.
 */
export function protocolTables(
  samples: ProtocolSamples,
  config: Partial<ProtocolTablesConfig> = {},
): ProtocolTables {
  const where = 'protocolTables';
  const c = ProtocolTablesConfig.resolve(config);
  const s = (samples ?? {}) as Partial<ProtocolSamples>;
  const vanilla = checkSample(where, 'samples.vanilla', s.vanilla, 2);
  const varianceAware = checkSample(where, 'samples.varianceAware', s.varianceAware, 2);
  const reference = checkSample(where, 'samples.reference', s.reference, 1);

  const f = varianceRatioTest(vanilla, varianceAware, {
    alternative: c.varianceAlternative,
    alpha: c.alpha,
  });
  const t = welchTTest(vanilla, varianceAware, { alternative: c.meanAlternative, alpha: c.alpha });
  const bootstrap = { resamples: c.resamples, level: c.level };
  const riskVanilla = empiricalRisk(vanilla, reference, {
    ...bootstrap,
    seed: deriveSeed(c.seed, 'vanilla'),
  });
  const riskVa = empiricalRisk(varianceAware, reference, {
    ...bootstrap,
    seed: deriveSeed(c.seed, 'variance-aware'),
  });
  const z = twoProportionZTest(
    riskVanilla.belowMean.count,
    vanilla.length,
    riskVa.belowMean.count,
    varianceAware.length,
    { alternative: c.riskAlternative, alpha: c.alpha },
  );
  const pct = Math.round(c.level * 1000) / 10;
  const method =
    `Risk P(R(pi) < R(pi0)) estimated two ways against the ${reference.length} reference runs: ` +
    'pairwise, over all (policy, reference run) pairs with ties counting half; and below mean, ' +
    'as the share of policies strictly below the mean reference reward. Intervals: ' +
    `${pct}% percentile bootstrap over policies and reference runs, ${c.resamples} resamples, ` +
    `seeds derived from ${c.seed}. Two-proportion z test (pooled standard error) on the ` +
    `below-mean counts: successes = policies below the reference mean, vanilla ` +
    `${riskVanilla.belowMean.count} of n = ${vanilla.length}, variance-aware ` +
    `${riskVa.belowMean.count} of n = ${varianceAware.length}.`;
  return {
    table1: { varianceVanilla: f.varianceA, varianceVarianceAware: f.varianceB, test: f },
    table2: { meanVanilla: t.meanA, meanVarianceAware: t.meanB, test: t },
    table3: { vanilla: riskVanilla, varianceAware: riskVa, test: z, method },
    n: {
      vanilla: vanilla.length,
      varianceAware: varianceAware.length,
      reference: reference.length,
    },
    config: c,
  };
}

const HYPOTHESIS: Record<Alternative, string> = {
  'two-sided': 'differs from',
  greater: 'exceeds',
  less: 'is below',
};

function critical(value: number, lower: number | undefined, alternative: Alternative): string {
  if (alternative !== 'two-sided') return formatNumber(value);
  return lower === undefined
    ? `±${formatNumber(value)}`
    : `${formatNumber(lower)} / ${formatNumber(value)}`;
}

function interval(r: { estimate: number; lower: number; upper: number }): string {
  return `${formatNumber(r.estimate, 3)} [${formatNumber(r.lower, 3)}, ${formatNumber(r.upper, 3)}]`;
}

const yesNo = (reject: boolean) => (reject ? 'yes' : 'no');

/** Tables 1-3 as Markdown, each followed by a line on its hypothesis, and the risk method. */
export function protocolTablesMarkdown(tables: ProtocolTables): string {
  const { table1, table2, table3, config } = tables;
  const f = table1.test;
  const t = table2.test;
  const z = table3.test;
  const level = `${Math.round(config.level * 1000) / 10}%`;
  return [
    '**Table 1: variance of R(pi) across policies, F test**',
    '',
    markdownTable(
      ['Var vanilla', 'Var VA', 'F', 'df', 'critical F', 'p-value', 'reject H0'],
      [
        [
          formatNumber(table1.varianceVanilla),
          formatNumber(table1.varianceVarianceAware),
          formatNumber(f.statistic),
          `(${f.df1}, ${f.df2})`,
          critical(f.criticalValue, f.criticalValueLower, f.alternative),
          formatPValue(f.pValue),
          yesNo(f.reject),
        ],
      ],
    ),
    '',
    `F = Var(vanilla) / Var(VA); H1: the vanilla variance ${HYPOTHESIS[f.alternative]} the ` +
      `variance-aware one; alpha = ${f.alpha}.${f.note ? ` Note: ${f.note}.` : ''}`,
    '',
    "**Table 2: mean R(pi), Welch's t test**",
    '',
    markdownTable(
      ['mean vanilla', 'mean VA', 't', 'Welch df', 'critical t', 'p-value', 'reject H0'],
      [
        [
          formatNumber(table2.meanVanilla),
          formatNumber(table2.meanVarianceAware),
          formatNumber(t.statistic),
          formatNumber(t.df),
          critical(t.criticalValue, undefined, t.alternative),
          formatPValue(t.pValue),
          yesNo(t.reject),
        ],
      ],
    ),
    '',
    `H1: the vanilla mean ${HYPOTHESIS[t.alternative]} the variance-aware one; alpha = ` +
      `${t.alpha}.${t.note ? ` Note: ${t.note}.` : ''}`,
    '',
    `**Table 3: risk P(R(pi) < R(pi0)) with ${level} bootstrap intervals, two-proportion z test**`,
    '',
    markdownTable(
      [
        'risk vanilla (pairs)',
        'risk VA (pairs)',
        'below ref. mean vanilla',
        'below ref. mean VA',
        'z',
        'critical z',
        'p-value',
        'reject H0',
      ],
      [
        [
          interval(table3.vanilla.pairwise),
          interval(table3.varianceAware.pairwise),
          `${table3.vanilla.belowMean.count}/${table3.vanilla.belowMean.n} = ${interval(table3.vanilla.belowMean)}`,
          `${table3.varianceAware.belowMean.count}/${table3.varianceAware.belowMean.n} = ${interval(table3.varianceAware.belowMean)}`,
          formatNumber(z.statistic),
          critical(z.criticalValue, undefined, z.alternative),
          formatPValue(z.pValue),
          yesNo(z.reject),
        ],
      ],
    ),
    '',
    `H1: the vanilla risk ${HYPOTHESIS[z.alternative]} the variance-aware one; alpha = ` +
      `${z.alpha}.${z.note ? ` Note: ${z.note}.` : ''} ${table3.method}`,
    '',
  ].join('\n');
}
