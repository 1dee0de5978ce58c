import { ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { fisherF } from '../src/distributions.js';
import { varianceRatioTest } from '../src/variance-ratio-test.js';
import { expectClose, reference } from './reference.js';

const samples = reference.samples;

describe('varianceRatioTest against scipy.stats.f', () => {
  it('matches F to 1e-9 and p-values to 1e-6 of scipy, for every alternative', () => {
    for (const r of reference.varianceRatio) {
      const { a, b } = samples[r.name];
      const res = varianceRatioTest(a, b, { alternative: r.alternative, alpha: r.alpha });
      const label = `${r.name} ${r.alternative}`;
      expectClose(res.statistic, r.statistic, 1e-9, `${label} statistic`);
      expect(res.df1).toBe(r.df1);
      expect(res.df2).toBe(r.df2);
      expectClose(res.varianceA, r.varianceA, 1e-9, `${label} varianceA`);
      expectClose(res.varianceB, r.varianceB, 1e-9, `${label} varianceB`, 0);
      expectClose(res.pValue, r.pValue, 1e-6, `${label} pValue`, 1e-300);
      expectClose(res.criticalValue, r.criticalValue, 1e-9, `${label} criticalValue`);
      if (r.criticalValueLower !== undefined) {
        expectClose(res.criticalValueLower!, r.criticalValueLower, 1e-9, `${label} lower`);
      } else {
        expect(res.criticalValueLower).toBeUndefined();
      }
    }
  });

  it('matches the 50-digit values to 1e-11, critical values to 1e-12', () => {
    for (const r of reference.varianceRatio) {
      const { a, b } = samples[r.name];
      const res = varianceRatioTest(a, b, { alternative: r.alternative, alpha: r.alpha });
      const label = `${r.name} ${r.alternative}`;
      expectClose(res.statistic, r.statisticExact, 1e-12, `${label} statistic`);
      expectClose(res.pValue, r.pValueExact, 1e-11, `${label} pValue`, 1e-300);
      expectClose(res.criticalValue, r.criticalValueExact, 1e-12, `${label} criticalValue`);
      if (r.criticalValueLowerExact !== undefined) {
        expectClose(res.criticalValueLower!, r.criticalValueLowerExact, 1e-12, `${label} lower`);
      }
    }
  });

  it('reaches extreme p-values (below 1e-10) in the tails', () => {
    const ps = reference.varianceRatio.map((r: { name: string; alternative: string }) => {
      const { a, b } = samples[r.name];
      return varianceRatioTest(a, b, { alternative: r.alternative as never }).pValue;
    });
    expect(Math.min(...ps.filter((p: number) => p > 0))).toBeLessThan(1e-10);
  });

  it("uses the paper's one-sided critical value F_0.95(79, 79) = 1.451 with n = 80 per side", () => {
    const { a, b } = samples['paper-like 80 vs 80'];
    const res = varianceRatioTest(a, b, { alternative: 'greater' });
    expect(res.df1).toBe(79);
    expect(res.df2).toBe(79);
    expect(res.criticalValue.toFixed(3)).toBe('1.451');
    expectClose(res.criticalValue, reference.paper.fCritical95.exact, 1e-12, 'F_0.95(79, 79)');
    expect(res.reject).toBe(res.statistic > res.criticalValue);
  });

  it('returns both critical values for two-sided, and a p-value twice the smaller tail', () => {
    const { a, b } = samples['tiny 2 vs 7'];
    const res = varianceRatioTest(a, b, { alpha: 0.1 });
    const dist = fisherF(1, 6);
    expect(res.criticalValue).toBe(dist.isf(0.05));
    expect(res.criticalValueLower).toBe(dist.ppf(0.05));
    const less = varianceRatioTest(a, b, { alternative: 'less' }).pValue;
    const greater = varianceRatioTest(a, b, { alternative: 'greater' }).pValue;
    expect(less + greater).toBeCloseTo(1, 14);
    expect(res.pValue).toBeCloseTo(Math.min(1, 2 * Math.min(less, greater)), 14);
    // swapping the samples inverts F
    const swapped = varianceRatioTest(b, a, { alternative: 'greater' });
    expect(swapped.statistic).toBeCloseTo(1 / res.statistic, 12);
    expect(swapped.pValue).toBeCloseTo(less, 12);
  });

  it('defines the zero-variance cases and never returns NaN', () => {
    const varying = [1, 2, 4, 7];
    const constant = [0.3, 0.3, 0.3];
    const bConst = {
      greater: varianceRatioTest(varying, constant, { alternative: 'greater' }),
      less: varianceRatioTest(varying, constant, { alternative: 'less' }),
      two: varianceRatioTest(varying, constant),
    };
    expect(bConst.greater.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(bConst.greater.pValue).toBe(0);
    expect(bConst.greater.reject).toBe(true);
    expect(bConst.less.pValue).toBe(1);
    expect(bConst.two.pValue).toBe(0);
    expect(bConst.two.note).toMatch(/sample b is constant/);
    const aConst = {
      greater: varianceRatioTest(constant, varying, { alternative: 'greater' }),
      less: varianceRatioTest(constant, varying, { alternative: 'less' }),
      two: varianceRatioTest(constant, varying),
    };
    expect(aConst.greater.statistic).toBe(0);
    expect(aConst.greater.pValue).toBe(1);
    expect(aConst.less.pValue).toBe(0);
    expect(aConst.two.pValue).toBe(0);
    expect(aConst.two.note).toMatch(/sample a is constant/);
    expect(() => varianceRatioTest(constant, [5, 5])).toThrow(
      /varianceRatioTest: argument 'a, b' must be samples that are not both constant/,
    );
  });

  it('rejects bad input naming the function and the argument', () => {
    const ok = [1, 2, 3];
    expect(() => varianceRatioTest([], ok)).toThrow(ValidationError);
    expect(() => varianceRatioTest(ok, [4])).toThrow(
      /varianceRatioTest: argument 'b' must be an array of at least 2 finite numbers/,
    );
    expect(() => varianceRatioTest([1, 2, Number.NEGATIVE_INFINITY], ok)).toThrow(/'a\[2\]'/);
    expect(() => varianceRatioTest(ok, ok, { alpha: 1.2 })).toThrow(/options.alpha/);
    expect(() => varianceRatioTest(ok, ok, { alternative: 'both' as never })).toThrow(
      /options.alternative/,
    );
    expect(() => varianceRatioTest(null as never, ok)).toThrow(/varianceRatioTest: argument 'a'/);
    expect(() => varianceRatioTest(ok, [1e308, -1e308])).toThrow(
      /argument 'b' must be values whose mean and variance are finite/,
    );
  });
});
