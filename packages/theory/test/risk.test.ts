import { Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import { underperformanceRisk } from '../src/index.js';
import { reference } from './helpers.js';

describe('underperformanceRisk (Theorem 2.4)', () => {
  it('matches scipy on SPEC example and random instances', () => {
    for (const c of reference.risk as {
      rStar: number[];
      sigma2: number[];
      vanilla: number;
      varianceAware: number;
    }[]) {
      const risk = underperformanceRisk(c.rStar, c.sigma2);
      expect(risk.vanilla).toBeCloseTo(c.vanilla, 14);
      expect(risk.varianceAware).toBeCloseTo(c.varianceAware, 14);
    }
  });

  it('is Phi(-||r|| / sqrt(s)) for both when every variance is s (hand-derived)', () => {
    // r = (3, 4), s = 4: ||r|| = 5, both risks are Phi(-2.5).
    const risk = underperformanceRisk([3, 4], [4, 4]);
    expect(risk.vanilla).toBeCloseTo(0.0062096653257761, 15);
    expect(risk.varianceAware).toBeCloseTo(0.0062096653257761, 15);
  });

  it('never has P_va > P_vanilla (Cauchy-Schwarz) on random instances', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 2000; trial++) {
      const n = 1 + rng.int(12);
      const r = Array.from({ length: n }, () => rng.normal(0, 1));
      const s = Array.from({ length: n }, () => 10 ** rng.uniform(-3, 2));
      const { vanilla, varianceAware } = underperformanceRisk(r, s);
      expect(varianceAware).toBeLessThanOrEqual(vanilla * (1 + 1e-12));
      expect(vanilla).toBeLessThanOrEqual(1);
      expect(varianceAware).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps relative accuracy when the risk is tiny, and is 1 for rStar = 0', () => {
    // ||r||_{S^-1} = 20: P_va = Phi(-20) = 2.7536241186062337e-89 (mpmath).
    const { varianceAware } = underperformanceRisk([2, 0], [0.01, 1]);
    expect(varianceAware / 2.7536241186062337e-89).toBeCloseTo(1, 12);
    expect(underperformanceRisk([0, 0], [1, 2])).toEqual({ vanilla: 1, varianceAware: 1 });
  });

  it('rejects mismatched lengths and non-positive variances', () => {
    expect(() => underperformanceRisk([1, 2], [1])).toThrow(/'sigma2' must be of length 2/);
    expect(() => underperformanceRisk([1, 2], [1, 0])).toThrow(/sigma2\[1\]/);
  });
});
