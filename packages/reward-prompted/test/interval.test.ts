import { readFileSync } from 'node:fs';
import { Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import { mixIntervals, rescaleBounds, sampleInterval, sampleMixture } from '../src/interval.js';

const reference = JSON.parse(
  readFileSync(new URL('./fixtures/mixture-reference.json', import.meta.url), 'utf8'),
) as { cases: { intervals: [number, number][]; mean: number; variance: number }[] };
const asBounds = (xs: [number, number][]) => xs.map(([low, high]) => ({ low, high }));

describe('mixIntervals', () => {
  it('matches scipy numerical integration of the mixture density', () => {
    for (const c of reference.cases) {
      const m = mixIntervals(asBounds(c.intervals));
      expect(m.mean).toBeCloseTo(c.mean, 10);
      expect(m.variance).toBeCloseTo(c.variance, 8);
    }
  });

  it('is mean of variances plus population variance of means (hand derivation)', () => {
    // [0,10] and [20,30]: within = 100/12 each; midpoints 5, 25 -> between = ((-10)^2 + 10^2)/2 = 100.
    const m = mixIntervals(
      asBounds([
        [0, 10],
        [20, 30],
      ]),
    );
    expect(m.mean).toBe(15);
    expect(m.withinVariance).toBeCloseTo(100 / 12, 12);
    expect(m.betweenVariance).toBe(100);
    expect(m.variance).toBeCloseTo(100 / 12 + 100, 12);
    expect([m.low, m.high]).toEqual([0, 30]);
  });

  it('of one interval is that interval', () => {
    const m = mixIntervals([{ low: 60, high: 75 }]);
    expect([m.mean, m.variance, m.betweenVariance]).toEqual([67.5, 18.75, 0]);
  });

  it('rejects empty and invalid input by name', () => {
    expect(() => mixIntervals([])).toThrow(
      /mixIntervals: argument 'intervals' must be a non-empty/,
    );
    expect(() => mixIntervals([{ low: 5, high: 1 }])).toThrow(/intervals\[0\].high/);
    expect(() => mixIntervals([{ low: Number.NaN, high: 1 }])).toThrow(/intervals\[0\].low/);
  });
});

describe('sampling rHat', () => {
  it('draws Uniform[a, b] with mean (a+b)/2 and variance (b-a)^2/12', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleInterval({ low: 60, high: 75 }, rng);
      if (!(x >= 60 && x <= 75)) outside++;
      s += x;
      s2 += x * x;
    }
    expect(outside).toBe(0);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // Standard errors: sd/sqrt(n) = 0.0097 for the mean; ~0.04 for the variance.
    expect(Math.abs(mean - 67.5)).toBeLessThan(0.04);
    expect(Math.abs(variance - 18.75)).toBeLessThan(0.2);
  });

  it('is reproducible for a seed and returns the point of a degenerate interval', () => {
    const a = Array.from({ length: 5 }, (_, i) => sampleInterval({ low: 0, high: 1 }, new Rng(i)));
    const b = Array.from({ length: 5 }, (_, i) => sampleInterval({ low: 0, high: 1 }, new Rng(i)));
    expect(a).toEqual(b);
    expect(sampleInterval({ low: 42, high: 42 }, new Rng(1))).toBe(42);
  });

  it('draws from the mixture with its mean and total variance', () => {
    const intervals = asBounds([
      [0, 10],
      [20, 30],
    ]);
    const rng = new Rng(11);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleMixture(intervals, rng);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    expect(Math.abs(mean - 15)).toBeLessThan(0.1); // sd 10.4 -> se 0.023
    expect(Math.abs(s2 / n - mean * mean - 108.333)).toBeLessThan(1.5);
  });

  it('rescales bounds linearly', () => {
    expect(rescaleBounds({ low: 25, high: 75 }, [0, 100], [-1, 1])).toEqual({
      low: -0.5,
      high: 0.5,
    });
  });
});
