import { ConfigError, ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import {
  ProtocolTablesConfig,
  protocolTables,
  protocolTablesMarkdown,
} from '../src/protocol-tables.js';
import { varianceRatioSweep, varianceRatioSweepMarkdown } from '../src/variance-ratio-sweep.js';
import { varianceRatioTest } from '../src/variance-ratio-test.js';
import { expectClose, reference } from './reference.js';

const p = reference.protocol;
const samples = { vanilla: p.vanilla, varianceAware: p.varianceAware, reference: p.reference };

describe('protocolTables', () => {
  const tables = protocolTables(samples, { resamples: 300 });

  it('fills Table 1 (variances, one-sided F test) as scipy does', () => {
    const { table1 } = tables;
    expectClose(table1.varianceVanilla, p.varianceVanilla, 1e-12, 'Var vanilla');
    expectClose(table1.varianceVarianceAware, p.varianceVarianceAware, 1e-12, 'Var VA');
    expectClose(table1.test.statistic, p.f, 1e-12, 'F');
    expectClose(table1.test.pValue, p.fPValue, 1e-6, 'F p-value');
    expect(table1.test.alternative).toBe('greater');
    expect(table1.test.criticalValue.toFixed(3)).toBe('1.451');
    expect(table1.test.reject).toBe(true);
  });

  it("fills Table 2 (means, two-sided Welch's t test) as scipy does", () => {
    const { table2 } = tables;
    expectClose(table2.meanVanilla, p.meanVanilla, 1e-14, 'mean vanilla');
    expectClose(table2.meanVarianceAware, p.meanVarianceAware, 1e-14, 'mean VA');
    expectClose(table2.test.statistic, p.t, 1e-9, 't');
    expectClose(table2.test.pValue, p.tPValue, 1e-6, 't p-value');
    expect(table2.test.alternative).toBe('two-sided');
    expect(table2.test.reject).toBe(false);
  });

  it('fills Table 3 (risks, z test on the below-mean counts) as statsmodels does', () => {
    const { table3 } = tables;
    expect(table3.vanilla.pairwise.estimate).toBeCloseTo(p.pairwiseRiskVanilla, 14);
    expect(table3.varianceAware.pairwise.estimate).toBeCloseTo(p.pairwiseRiskVarianceAware, 14);
    expect(table3.test.successesA).toBe(p.belowMeanVanilla);
    expect(table3.test.successesB).toBe(p.belowMeanVarianceAware);
    expect(table3.test.nA).toBe(80);
    expect(table3.test.nB).toBe(80);
    expectClose(table3.test.statistic, p.z, 1e-12, 'z');
    expectClose(table3.test.pValue, p.zPValue, 1e-6, 'z p-value');
    expect(table3.method).toMatch(/successes = policies below the reference mean/);
    expect(table3.method).toMatch(
      new RegExp(
        `vanilla ${p.belowMeanVanilla} of n = 80, variance-aware ${p.belowMeanVarianceAware} of n = 80`,
      ),
    );
    expect(table3.method).toMatch(/ties counting half/);
  });

  it('is reproducible under its seed', () => {
    expect(protocolTables(samples, { resamples: 300 })).toEqual(tables);
    const other = protocolTables(samples, { resamples: 300, seed: 9 });
    expect(other.table3.vanilla.pairwise.lower).not.toBe(tables.table3.vanilla.pairwise.lower);
    expect(other.table1).toEqual(tables.table1);
  });

  it('renders the three tables as Markdown with the method and the test n', () => {
    const md = protocolTablesMarkdown(tables);
    expect(md).toMatch(/\*\*Table 1: variance of R\(pi\) across policies, F test\*\*/);
    expect(md).toContain('| Var vanilla | Var VA | F | df | critical F | p-value | reject H0 |');
    expect(md).toContain(`| 0.08587 | 0.01001 | 8.581 | (79, 79) | 1.451 | 7.47e-19 | yes |`);
    expect(md).toContain('| 0.2929 | 0.3404 | -1.372 |');
    expect(md).toContain(`${p.belowMeanVanilla}/80 = `);
    expect(md).toMatch(/H1: the vanilla variance exceeds the variance-aware one; alpha = 0.05/);
    expect(md).toMatch(/n = 80/);
    expect(md.match(/^\| --- /gm)).toHaveLength(3);
  });

  it('takes the alternatives from its config', () => {
    const t = protocolTables(samples, {
      resamples: 50,
      varianceAlternative: 'two-sided',
      meanAlternative: 'less',
      riskAlternative: 'two-sided',
      alpha: 0.01,
    });
    expect(t.table1.test.criticalValueLower).toBeDefined();
    expect(t.table2.test.alternative).toBe('less');
    expect(t.table3.test.alpha).toBe(0.01);
    expect(protocolTablesMarkdown(t)).toMatch(/\d \/ \d/); // lower / upper critical F
  });

  it('rejects bad samples and configs, naming them', () => {
    expect(() => protocolTables({ ...samples, vanilla: [1] })).toThrow(
      /protocolTables: argument 'samples.vanilla' must be an array of at least 2/,
    );
    expect(() => protocolTables({ ...samples, reference: [] })).toThrow(/'samples.reference'/);
    expect(() => protocolTables({ vanilla: p.vanilla } as never)).toThrow(ValidationError);
    expect(() => protocolTables(samples, { alpha: 2 })).toThrow(ConfigError);
    expect(() => protocolTables(samples, { riskAlternative: 'larger' as never })).toThrow(
      /ProtocolTablesConfig.riskAlternative/,
    );
    expect(Object.isFrozen(ProtocolTablesConfig.defaults)).toBe(true);
  });
});

describe('varianceRatioSweep (Table 4)', () => {
  const settings = [
    { label: 'spread 17', vanilla: p.vanilla, varianceAware: p.varianceAware },
    { label: 'spread 0.11', vanilla: [1, 2, 3, 4, 5], varianceAware: [1, 2.5, 3, 3.5, 5] },
  ];

  it('runs the one-sided F test per setting', () => {
    const rows = varianceRatioSweep(settings);
    expect(rows).toHaveLength(2);
    const f = varianceRatioTest(p.vanilla, p.varianceAware, { alternative: 'greater' });
    expect(rows[0]).toEqual({
      label: 'spread 17',
      varianceVanilla: f.varianceA,
      varianceVarianceAware: f.varianceB,
      ratio: f.statistic,
      df1: 79,
      df2: 79,
      pValue: f.pValue,
      criticalValue: f.criticalValue,
      reject: true,
    });
    expect(rows[1]!.ratio).toBeCloseTo(2.5 / 2.125, 12);
    expect(rows[1]!.reject).toBe(false);
    const md = varianceRatioSweepMarkdown(rows);
    expect(md.split('\n')).toHaveLength(4);
    expect(md).toContain('| spread 0.11 | 2.5 | 2.125 | 1.176 | (4, 4) |');
  });

  it("prints numbers as every report does (@va/core's formatNumber: Infinity, 1.5e-5)", () => {
    const [row] = varianceRatioSweep([
      { label: 'constant VA', vanilla: [1e-5, 2e-5, 3e-5], varianceAware: [2, 2, 2] },
    ]);
    expect(row!.ratio).toBe(Number.POSITIVE_INFINITY);
    expect(varianceRatioSweepMarkdown([row!])).toContain('| constant VA | 1e-10 | 0 | Infinity |');
  });

  it('rejects bad settings', () => {
    expect(() => varianceRatioSweep([])).toThrow(/varianceRatioSweep: argument 'settings'/);
    expect(() => varianceRatioSweep([{ label: 'x', vanilla: [1], varianceAware: [1, 2] }])).toThrow(
      /argument 'settings\[0\].vanilla'/,
    );
    expect(() => varianceRatioSweep([{ vanilla: [1, 2] } as never])).toThrow(/'settings\[0\]'/);
    expect(() => varianceRatioSweep(settings, { alpha: 0 })).toThrow(/options.alpha/);
  });
});
