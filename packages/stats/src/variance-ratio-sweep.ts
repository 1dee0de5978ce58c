// The paper's Table 4 shape: the variance-ratio F test repeated across settings (there, a shrinking
// spread of the reward variances), one row per setting (SPEC 5.6).

import { formatNumber, ValidationError } from '@va/core';
import { formatPValue, markdownTable } from './markdown.js';
import { checkSample, resolveTestOptions, type TestOptions } from './options.js';
import { varianceRatioTest } from './variance-ratio-test.js';

/** One setting: its label (e.g. the spread of sigma^2) and the rewards of both methods' policies. */
export interface VarianceRatioSetting {
  label: string;
  vanilla: ArrayLike<number>;
  varianceAware: ArrayLike<number>;
}

/** One row of Table 4. */
export interface VarianceRatioSweepRow {
  label: string;
  varianceVanilla: number;
  varianceVarianceAware: number;
  /** F = varianceVanilla / varianceVarianceAware. */
  ratio: number;
  df1: number;
  df2: number;
  pValue: number;
  /** As {@link varianceRatioTest}'s (the upper one for `'two-sided'`). */
  criticalValue: number;
  reject: boolean;
}

/**
 * The F test of each setting, vanilla against variance-aware. Unlike {@link varianceRatioTest},
 * the alternative defaults to the paper's `'greater'` (vanilla varies more); alpha to 0.05.
 */
export function varianceRatioSweep(
  settings: readonly VarianceRatioSetting[],
  options: TestOptions = {},
): VarianceRatioSweepRow[] {
  const where = 'varianceRatioSweep';
  if (!Array.isArray(settings) || settings.length === 0) {
    throw new ValidationError(where, 'settings', 'a non-empty array of settings', settings);
  }
  const { alternative, alpha } = resolveTestOptions(where, {
    alternative: 'greater',
    ...options,
  });
  return settings.map((setting, i) => {
    if (setting === null || typeof setting !== 'object' || typeof setting.label !== 'string') {
      throw new ValidationError(
        where,
        `settings[${i}]`,
        'an object { label: string, vanilla, varianceAware }',
        setting,
      );
    }
    const vanilla = checkSample(where, `settings[${i}].vanilla`, setting.vanilla, 2);
    const varianceAware = checkSample(
      where,
      `settings[${i}].varianceAware`,
      setting.varianceAware,
      2,
    );
    const f = varianceRatioTest(vanilla, varianceAware, { alternative, alpha });
    return {
      label: setting.label,
      varianceVanilla: f.varianceA,
      varianceVarianceAware: f.varianceB,
      ratio: f.statistic,
      df1: f.df1,
      df2: f.df2,
      pValue: f.pValue,
      criticalValue: f.criticalValue,
      reject: f.reject,
    };
  });
}

/** The rows of {@link varianceRatioSweep} as a Markdown table. */
export function varianceRatioSweepMarkdown(rows: readonly VarianceRatioSweepRow[]): string {
  return markdownTable(
    ['setting', 'Var vanilla', 'Var VA', 'ratio F', 'df', 'critical F', 'p-value', 'reject H0'],
    rows.map((r) => [
      r.label,
      formatNumber(r.varianceVanilla),
      formatNumber(r.varianceVarianceAware),
      formatNumber(r.ratio),
      `(${r.df1}, ${r.df2})`,
      formatNumber(r.criticalValue),
      formatPValue(r.pValue),
      r.reject ? 'yes' : 'no',
    ]),
  );
}
