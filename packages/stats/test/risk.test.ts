import { ConfigError, ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { empiricalRisk, pairwiseRisk, RiskConfig, shareBelowMean } from '../src/risk.js';
import { reference } from './reference.js';

const protocol = reference.protocol;

describe('pairwiseRisk', () => {
  it('counts pairs with ties as one half (hand-worked)', () => {
    // policy 1: below 2, 2, 4 -> 3; policy 2: tie, tie, below 4 -> 2; policy 3: below 4 -> 1
    expect(pairwiseRisk([1, 2, 3], [2, 2, 4])).toBeCloseTo(6 / 9, 15);
    expect(pairwiseRisk([1, 1], [1, 1, 1])).toBe(0.5);
    expect(pairwiseRisk([5], [1, 2])).toBe(0);
    expect(pairwiseRisk([0], [1, 2])).toBe(1);
    expect(pairwiseRisk([2, 0], [2])).toBe(0.75);
  });

  it('matches the numpy brute force on rounded rewards with many ties', () => {
    expect(protocol.ties).toBeGreaterThan(100);
    expect(pairwiseRisk(protocol.vanilla, protocol.reference)).toBeCloseTo(
      protocol.pairwiseRiskVanilla,
      14,
    );
    expect(pairwiseRisk(protocol.varianceAware, protocol.reference)).toBeCloseTo(
      protocol.pairwiseRiskVarianceAware,
      14,
    );
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => pairwiseRisk([], [1])).toThrow(/pairwiseRisk: argument 'policy'/);
    expect(() => pairwiseRisk([1], [1, Number.NaN])).toThrow(
      /pairwiseRisk: argument 'reference\[1\]'/,
    );
  });
});

describe('shareBelowMean', () => {
  it('counts policies strictly below the reference mean (hand-worked)', () => {
    // reference mean 8/3: policies 1 and 2 are below, 3 is not
    expect(shareBelowMean([1, 2, 3], [2, 2, 4])).toEqual({
      share: 2 / 3,
      count: 2,
      n: 3,
      referenceMean: 8 / 3,
    });
    // a policy exactly at the mean does not count
    expect(shareBelowMean([1, 2, 3], [1, 3]).count).toBe(1);
  });

  it('matches numpy on the protocol samples', () => {
    const v = shareBelowMean(protocol.vanilla, protocol.reference);
    expect(v.count).toBe(protocol.belowMeanVanilla);
    expect(v.referenceMean).toBeCloseTo(protocol.referenceMean, 15);
    expect(shareBelowMean(protocol.varianceAware, protocol.reference).count).toBe(
      protocol.belowMeanVarianceAware,
    );
  });
});

describe('empiricalRisk', () => {
  const fast = { resamples: 400 };

  it('reproduces its intervals under a seed and changes them with the seed', () => {
    const a = empiricalRisk(protocol.vanilla, protocol.reference, { ...fast, seed: 11 });
    const b = empiricalRisk(protocol.vanilla, protocol.reference, { ...fast, seed: 11 });
    const c = empiricalRisk(protocol.vanilla, protocol.reference, { ...fast, seed: 12 });
    expect(b).toEqual(a);
    expect(c.pairwise.estimate).toBe(a.pairwise.estimate);
    expect([c.pairwise.lower, c.pairwise.upper]).not.toEqual([a.pairwise.lower, a.pairwise.upper]);
  });

  it('brackets both estimates with intervals inside [0, 1]', () => {
    const r = empiricalRisk(protocol.vanilla, protocol.reference, fast);
    expect(r.pairwise.estimate).toBeCloseTo(protocol.pairwiseRiskVanilla, 14);
    expect(r.pairwise.pairs).toBe(80 * 80);
    expect(r.belowMean.count).toBe(protocol.belowMeanVanilla);
    expect(r.belowMean.n).toBe(80);
    for (const e of [r.pairwise, r.belowMean]) {
      expect(e.lower).toBeGreaterThanOrEqual(0);
      expect(e.lower).toBeLessThan(e.estimate);
      expect(e.upper).toBeGreaterThan(e.estimate);
      expect(e.upper).toBeLessThanOrEqual(1);
    }
    expect(r.method).toMatch(/ties counting half/);
    expect(r.method).toMatch(/80 x 80 = 6400/);
    expect(r.config).toEqual({ resamples: 400, level: 0.95, seed: 0 });
  });

  it('gives the binomial spread when only the policies vary', () => {
    // A constant reference leaves only the policies to resample: the share below mean is then a
    // binomial proportion, whose 95% interval is about p +/- 1.96 sqrt(p (1 - p) / n).
    const n = 400;
    const policy = Array.from({ length: n }, (_, i) => (i < 100 ? -1 : 1)); // p = 0.25
    const r = empiricalRisk(policy, [0, 0, 0], { resamples: 2000, seed: 3 });
    const half = 1.96 * Math.sqrt((0.25 * 0.75) / n);
    expect(r.belowMean.estimate).toBe(0.25);
    expect(r.belowMean.lower).toBeCloseTo(0.25 - half, 2);
    expect(r.belowMean.upper).toBeCloseTo(0.25 + half, 2);
    expect(r.pairwise.lower).toBeCloseTo(r.belowMean.lower, 12);
  });

  it('collapses to a point when every policy is below every reference run', () => {
    const r = empiricalRisk([0, 0.1, 0.2], [1, 2], { resamples: 50 });
    expect([r.pairwise.estimate, r.pairwise.lower, r.pairwise.upper]).toEqual([1, 1, 1]);
    expect([r.belowMean.estimate, r.belowMean.lower, r.belowMean.upper]).toEqual([1, 1, 1]);
  });

  it('rejects bad samples and bad configs', () => {
    expect(() => empiricalRisk([], [1])).toThrow(ValidationError);
    expect(() => empiricalRisk([1], [Number.POSITIVE_INFINITY])).toThrow(
      /empiricalRisk: argument 'reference\[0\]'/,
    );
    expect(() => empiricalRisk([1], [1.5e308, 1.6e308])).toThrow(
      /empiricalRisk: argument 'reference' must be values whose mean is finite/,
    );
    expect(() => empiricalRisk([1], [2], { resamples: 0 })).toThrow(ConfigError);
    expect(() => empiricalRisk([1], [2], { level: 1 })).toThrow(/RiskConfig.level/);
    expect(() => empiricalRisk([1], [2], { seed: -1 })).toThrow(/RiskConfig.seed/);
    expect(() => empiricalRisk([1], [2], { resample: 10 } as never)).toThrow(
      /RiskConfig.resample: unknown key. Did you mean 'resamples'/,
    );
    expect(RiskConfig.defaults).toEqual({ resamples: 2000, level: 0.95, seed: 0 });
  });
});
