import { ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { standardNormal } from '../src/distributions.js';
import { twoProportionZTest } from '../src/two-proportion-z-test.js';
import { expectClose, reference } from './reference.js';

describe('twoProportionZTest against statsmodels proportions_ztest', () => {
  it('matches z to 1e-9 and p-values to 1e-6, for every alternative, down to 1e-300', () => {
    let smallest = 1;
    for (const r of reference.proportions) {
      const res = twoProportionZTest(r.successesA, r.nA, r.successesB, r.nB, {
        alternative: r.alternative,
        alpha: r.alpha,
      });
      const label = `${r.successesA}/${r.nA} vs ${r.successesB}/${r.nB} ${r.alternative}`;
      expectClose(res.statistic, r.statistic, 1e-9, `${label} statistic`);
      expectClose(res.pValue, r.pValue, 1e-6, `${label} pValue`);
      expectClose(res.pValue, r.pValueExact, 1e-11, `${label} pValue (mpmath)`);
      expectClose(res.criticalValue, r.criticalValue, 1e-12, `${label} criticalValue`);
      expectClose(res.criticalValue, r.criticalValueExact, 1e-13, `${label} criticalValue`);
      expect(res.proportionA).toBe(r.proportionA);
      expect(res.proportionB).toBe(r.proportionB);
      expect(res.reject, label).toBe(r.reject);
      smallest = Math.min(smallest, res.pValue);
    }
    expect(smallest).toBeLessThan(1e-200);
  });

  it('uses the pooled standard error', () => {
    const res = twoProportionZTest(23, 80, 4, 80, { alternative: 'greater' });
    const pooled = 27 / 160;
    expect(res.pooledProportion).toBe(pooled);
    expect(res.standardError).toBeCloseTo(Math.sqrt(pooled * (1 - pooled) * (2 / 80)), 15);
    expect(res.statistic).toBeCloseTo((23 / 80 - 4 / 80) / res.standardError, 14);
    expect(res.criticalValue).toBe(standardNormal.isf(0.05));
  });

  it('returns z = 0 and p-value 1 when the pooled variance is zero', () => {
    for (const [k, n] of [
      [0, 0],
      [7, 9],
    ]) {
      for (const alternative of ['two-sided', 'less', 'greater'] as const) {
        const res = twoProportionZTest(k, 7, n === 0 ? 0 : 9, n === 0 ? 12 : 9, { alternative });
        expect(res.statistic).toBe(0);
        expect(res.pValue).toBe(1);
        expect(res.reject).toBe(false);
        expect(res.note).toMatch(/no successes \(or no failures\)/);
      }
    }
  });

  it('rejects bad counts naming the function and the argument', () => {
    expect(() => twoProportionZTest(-1, 10, 2, 10)).toThrow(ValidationError);
    expect(() => twoProportionZTest(-1, 10, 2, 10)).toThrow(
      /twoProportionZTest: argument 'successesA'/,
    );
    expect(() => twoProportionZTest(1.5, 10, 2, 10)).toThrow(/'successesA' must be an integer/);
    expect(() => twoProportionZTest(3, 10, 11, 10)).toThrow(
      /argument 'successesB' must be an integer in \[0, nB = 10\], got 11. A count of successes cannot exceed/,
    );
    expect(() => twoProportionZTest(0, 0, 2, 10)).toThrow(
      /argument 'nA' must be an integer >= 1, got 0/,
    );
    expect(() => twoProportionZTest(1, 10, 2, 2.5)).toThrow(/argument 'nB'/);
    expect(() => twoProportionZTest(Number.NaN, 10, 2, 10)).toThrow(/'successesA'.*NaN/);
    expect(() => twoProportionZTest(1, Number.POSITIVE_INFINITY, 2, 10)).toThrow(/'nA'/);
    expect(() => twoProportionZTest(1, 10, 2, 10, { alpha: -0.05 })).toThrow(/options.alpha/);
    expect(() => twoProportionZTest(1, 10, 2, 10, { alternative: 'smaller' as never })).toThrow(
      /options.alternative/,
    );
  });
});
