import { ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { mean, quantile, summarize, variance } from '../src/index.js';
import { expectClose, sampleReference } from './reference.js';

const probabilities: number[] = sampleReference.probabilities;

describe('mean, variance and quantile', () => {
  it("match numpy (mean, var ddof=1, quantile's default linear method) to 1e-14", () => {
    for (const s of sampleReference.samples) {
      expectClose(mean(s.values), s.mean, 1e-14, `mean ${s.name}`);
      expectClose(variance(s.values), s.variance, 1e-12, `variance ${s.name}`);
      probabilities.forEach((p, i) => {
        expectClose(quantile(s.values, p), s.quantiles[i], 1e-14, `quantile ${s.name} ${p}`);
      });
    }
  });

  it('interpolate at (n - 1) p, the type-7 definition (not type 6, not nearest rank)', () => {
    // [1, 2, 3, 4] at p = 0.25: h = 0.75, so 1 + 0.75 (2 - 1) = 1.75 (type 6 gives 1.25,
    // nearest rank 1 or 2, the midpoint rule 1.5).
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([7], 0.3)).toBe(7);
    // Unbiased variance: sum of squares 5 over n - 1 = 3 (the population variance would be 1.25).
    expect(variance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 15);
  });

  it('are exact on constant samples and keep values near 1e12 accurate', () => {
    expect(variance([0.1, 0.1, 0.1])).toBe(0);
    expect(mean([0.1, 0.1, 0.1])).toBe(0.1);
    expect(variance([1e12 + 1, 1e12 + 2, 1e12 + 3])).toBe(1);
  });

  it('reject bad input with the function and argument named', () => {
    expect(() => mean([])).toThrow(ValidationError);
    expect(() => variance([1])).toThrow(/variance: argument 'values'.*at least two values/);
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow(/quantile: argument 'values\[1\]'/);
    expect(() => quantile([1, 2], 1.5)).toThrow(/quantile: argument 'p'/);
    expect(() => mean([1.5e308, 1.5e308, 1e308])).toThrow(/mean: argument 'values'/);
  });
});

describe('summarize', () => {
  it("gives numpy's count, mean, variance, std, extremes and quantiles", () => {
    for (const s of sampleReference.samples) {
      const r = summarize(s.values);
      expect(r.count).toBe(s.values.length);
      expectClose(r.mean, s.mean, 1e-14, `mean ${s.name}`);
      expectClose(r.variance, s.variance, 1e-12, `variance ${s.name}`);
      expectClose(r.std, s.std, 1e-12, `std ${s.name}`);
      expect(r.min).toBe(s.quantiles[0]);
      expect(r.max).toBe(s.quantiles.at(-1));
      for (const [key, p] of [
        ['q05', 0.05],
        ['q25', 0.25],
        ['median', 0.5],
        ['q75', 0.75],
        ['q95', 0.95],
      ] as const) {
        expectClose(r[key], s.quantiles[probabilities.indexOf(p)], 1e-14, `${key} ${s.name}`);
      }
    }
  });

  it('gives a single value variance 0 and does not sort its input in place', () => {
    expect(summarize([3])).toMatchObject({ count: 1, mean: 3, variance: 0, std: 0, median: 3 });
    const values = [3, 1, 2];
    summarize(values);
    expect(values).toEqual([3, 1, 2]);
  });
});
