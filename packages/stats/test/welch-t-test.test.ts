import { ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { studentT } from '../src/distributions.js';
import { welchTTest } from '../src/welch-t-test.js';
import { expectClose, reference } from './reference.js';

const samples = reference.samples;

describe('welchTTest against scipy.stats.ttest_ind(equal_var=False)', () => {
  it('matches statistic and df to 1e-9, p-value to 1e-6 of scipy, for every alternative', () => {
    for (const r of reference.welch) {
      const { a, b } = samples[r.name];
      const res = welchTTest(a, b, { alternative: r.alternative, alpha: r.alpha });
      const label = `${r.name} ${r.alternative} alpha=${r.alpha}`;
      expectClose(res.statistic, r.statistic, 1e-9, `${label} statistic`);
      expectClose(res.df, r.df, 1e-9, `${label} df`);
      expectClose(res.pValue, r.pValue, 1e-6, `${label} pValue`);
      expectClose(res.meanA, r.meanA, 1e-14, `${label} meanA`);
      expectClose(res.meanB, r.meanB, 1e-14, `${label} meanB`);
      expect(res.reject, label).toBe(r.reject);
      expect(res.alternative).toBe(r.alternative);
    }
  });

  // The statistic is held to 1e-9: with means near 1e6 (the 'large means' case) one ulp of each
  // mean is already 1e-10 of their difference of 1.5; everywhere else it agrees to ~1e-14.
  it('matches the 50-digit values (mpmath on the same data), p-values down to 1e-120', () => {
    let smallest = 1;
    for (const r of reference.welch) {
      const { a, b } = samples[r.name];
      const res = welchTTest(a, b, { alternative: r.alternative, alpha: r.alpha });
      const label = `${r.name} ${r.alternative}`;
      expectClose(res.statistic, r.statisticExact, 1e-9, `${label} statistic`);
      expectClose(res.df, r.dfExact, 1e-9, `${label} df`);
      expectClose(res.pValue, r.pValueExact, 1e-8, `${label} pValue`);
      if (r.name !== 'large means 12 vs 15') {
        expectClose(res.statistic, r.statisticExact, 1e-13, `${label} statistic`);
        expectClose(res.pValue, r.pValueExact, 1e-11, `${label} pValue`);
      }
      expectClose(res.criticalValue, r.criticalValueExact, 1e-12, `${label} criticalValue`);
      if (r.criticalValueScipyAgrees) {
        expectClose(res.criticalValue, r.criticalValue, 1e-9, `${label} scipy criticalValue`);
      }
      smallest = Math.min(smallest, res.pValue);
    }
    expect(smallest).toBeLessThan(1e-100);
  });

  it('compares t with the quantile the alternative calls for', () => {
    const { a, b } = samples['paper-like 80 vs 80'];
    const two = welchTTest(a, b);
    const dist = studentT(two.df);
    expect(two.alternative).toBe('two-sided');
    expect(two.alpha).toBe(0.05);
    expect(two.criticalValue).toBe(dist.isf(0.025));
    expect(two.reject).toBe(Math.abs(two.statistic) > two.criticalValue);
    const greater = welchTTest(a, b, { alternative: 'greater', alpha: 0.1 });
    expect(greater.criticalValue).toBe(dist.isf(0.1));
    const less = welchTTest(a, b, { alternative: 'less' });
    expect(less.criticalValue).toBe(dist.ppf(0.05));
    expect(less.criticalValue).toBeLessThan(0);
    // one-sided p-values add to 1 and the two-sided one is twice the smaller
    expect(greater.pValue + less.pValue).toBeCloseTo(1, 14);
    expect(two.pValue).toBeCloseTo(2 * Math.min(greater.pValue, less.pValue), 14);
  });

  it("gives the paper's t_0.975 at the Welch df (about 1.98)", () => {
    const { a, b } = samples['paper-like 80 vs 80'];
    const res = welchTTest(a, b);
    const { df, scipy, exact } = reference.paper.tCritical975;
    expectClose(res.df, df, 1e-12, 'Welch df');
    expectClose(res.criticalValue, exact, 1e-12, 't_0.975');
    expectClose(res.criticalValue, scipy, 1e-9, 't_0.975 (scipy)');
    expect(res.criticalValue.toFixed(2)).toBe('1.98');
  });

  it('treats zero variance explicitly', () => {
    // one constant sample: an ordinary test with df = n - 1 of the other
    const one = welchTTest([1, 2, 3, 4], [5, 5, 5]);
    expect(one.varianceB).toBe(0);
    expect(one.df).toBeCloseTo(3, 12);
    expect(Number.isFinite(one.statistic)).toBe(true);
    // both constant, different means: infinite t, p 0 (or 1 against the direction)
    const both = welchTTest([2, 2, 2], [1, 1, 1, 1], { alternative: 'greater' });
    expect(both.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(both.pValue).toBe(0);
    expect(both.df).toBe(5);
    expect(both.reject).toBe(true);
    expect(both.note).toMatch(/both samples are constant/);
    expect(welchTTest([2, 2], [1, 1], { alternative: 'less' }).pValue).toBe(1);
    expect(welchTTest([2, 2], [1, 1]).pValue).toBe(0);
    // both constant at the same value: 0/0
    expect(() => welchTTest([0.1, 0.1, 0.1], [0.1, 0.1])).toThrow(
      /welchTTest: argument 'a, b' must be samples that are not both constant/,
    );
  });

  it('rejects bad input naming the function and the argument', () => {
    const ok = [1, 2, 3];
    expect(() => welchTTest([], ok)).toThrow(ValidationError);
    expect(() => welchTTest([1], ok)).toThrow(
      /welchTTest: argument 'a' must be an array of at least 2 finite numbers.*variance needs at least two/,
    );
    expect(() => welchTTest(ok, [2])).toThrow(/argument 'b'/);
    expect(() => welchTTest([1, Number.NaN, 3], ok)).toThrow(/argument 'a\[1\]'.*got NaN/);
    expect(() => welchTTest(ok, [1, Number.POSITIVE_INFINITY])).toThrow(/argument 'b\[1\]'/);
    expect(() => welchTTest(ok, ok, { alpha: 0 })).toThrow(/welchTTest: argument 'options.alpha'/);
    expect(() => welchTTest(ok, ok, { alpha: 1 })).toThrow(/options.alpha/);
    expect(() => welchTTest(ok, ok, { alpha: Number.NaN })).toThrow(/options.alpha/);
    expect(() => welchTTest(ok, ok, { alternative: 'larger' as never })).toThrow(
      /welchTTest: argument 'options.alternative' must be one of 'two-sided', 'less', 'greater', got "larger"/,
    );
    expect(() => welchTTest(ok, ok, { tails: 1 } as never)).toThrow(/options.tails/);
    expect(() => welchTTest('123' as never, ok)).toThrow(ValidationError);
  });

  it('is invariant to the scale of the data, even at 1e-150 and 1e150', () => {
    const { a, b } = samples['tiny 2 vs 7'];
    const base = welchTTest(a, b);
    for (const scale of [1e-150, 1e150]) {
      const scaled = welchTTest(
        a.map((v: number) => v * scale),
        b.map((v: number) => v * scale),
      );
      expect(scaled.statistic).toBeCloseTo(base.statistic, 12);
      expect(scaled.df).toBeCloseTo(base.df, 12);
      expect(scaled.pValue).toBeCloseTo(base.pValue, 12);
    }
    expect(() => welchTTest([1e307, -1e307, 1e307], [1, 2])).toThrow(
      /welchTTest: argument 'a' must be values whose mean and variance are finite/,
    );
    expect(() => welchTTest([1, 2], [1e-170, 2e-170])).toThrow(
      /argument 'b' must be values whose variance is representable.*underflow/,
    );
  });

  it('accepts typed arrays', () => {
    const { a, b } = samples['small 3 vs 50'];
    const plain = welchTTest(a, b);
    const typed = welchTTest(Float64Array.from(a), Float32Array.from(b as number[]));
    expect(typed.meanA).toBe(plain.meanA);
    expect(typed.statistic).toBeCloseTo(plain.statistic, 5);
  });
});
