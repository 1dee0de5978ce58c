import { Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import { confidenceRadius, lowerBound } from '../src/index.js';
import { reference } from './helpers.js';

describe('confidenceRadius', () => {
  it('is sqrt of the chi-square quantile, or the closed form', () => {
    expect(confidenceRadius(1, 0.05)).toBeCloseTo(1.959963984540054, 10); // the normal 97.5% point
    expect(confidenceRadius(4, 0.05, { radius: 'closed-form' })).toBeCloseTo(
      2 + Math.sqrt(2 * Math.log(20)),
      15,
    );
    // The closed form is the looser radius.
    for (const n of [1, 3, 10, 1000]) {
      for (const d of [0.5, 0.05, 1e-4]) {
        expect(confidenceRadius(n, d, { radius: 'closed-form' })).toBeGreaterThan(
          confidenceRadius(n, d),
        );
      }
    }
  });

  it('rejects delta outside (0, 1) and bad n', () => {
    expect(() => confidenceRadius(3, 0)).toThrow(
      /'delta' must be a finite number in \(0, 1\), got 0/,
    );
    expect(() => confidenceRadius(3, 1)).toThrow(/delta/);
    expect(() => confidenceRadius(0, 0.1)).toThrow(/'n'/);
    expect(() => confidenceRadius(3, 0.1, { radius: 'exact' as never })).toThrow(/options.radius/);
  });
});

describe('lowerBound (Theorem 2.2)', () => {
  it('matches the scipy-computed bound for both radii', () => {
    const c = reference.lowerBound;
    expect(lowerBound(c.pi, c.pi0, c.rHat, c.sigma2, c.delta)).toBeCloseTo(c.chiSquare, 12);
    expect(
      lowerBound(c.pi, c.pi0, c.rHat, c.sigma2, c.delta, { radius: 'closed-form' }),
    ).toBeCloseTo(c.closedForm, 12);
  });

  it('is <d, rHat> when pi = pi0 + 0 and holds simultaneously with probability 1 - delta', () => {
    expect(lowerBound([0.5, 0.5], [0.5, 0.5], [1, 2], [1, 1], 0.1)).toBe(0);
    // The bound is tight for d = Sigma^-1 (rHat - rStar): it holds for every pi exactly when
    // ||Sigma^{-1/2} (rHat - rStar)|| <= beta_delta, which has probability 1 - delta.
    const rng = new Rng(21);
    const rStar = [0.2, 0.5, 0.45, -0.1];
    const sigma2 = [4, 0.1, 0.12, 1];
    const pi0 = [0.25, 0.25, 0.25, 0.25];
    const delta = 0.1;
    const draws = 20_000;
    let held = 0;
    let heldRandom = 0;
    for (let k = 0; k < draws; k++) {
      const rHat = rStar.map((r, i) => r + Math.sqrt(sigma2[i]!) * rng.normal());
      const worst = pi0.map((p, i) => p + (rHat[i]! - rStar[i]!) / sigma2[i]!);
      const truth = (pi: number[]) => pi.reduce((s, v, i) => s + (v - pi0[i]!) * rStar[i]!, 0);
      if (truth(worst) >= lowerBound(worst, pi0, rHat, sigma2, delta)) held++;
      const other = pi0.map((p) => p + rng.normal(0, 0.1));
      if (truth(other) >= lowerBound(other, pi0, rHat, sigma2, delta)) heldRandom++;
    }
    const se = Math.sqrt((delta * (1 - delta)) / draws);
    expect(Math.abs(held / draws - (1 - delta))).toBeLessThan(4 * se);
    expect(heldRandom / draws).toBeGreaterThan(1 - delta);
  });

  it('rejects bad input', () => {
    expect(() => lowerBound([1, 0], [0.5, 0.5], [1, 2], [1, 1], 1.5)).toThrow(/lowerBound.*delta/);
    expect(() => lowerBound([1, 0], [0.5, 0.5, 0], [1, 2], [1, 1], 0.1)).toThrow(/'pi0'/);
    expect(() => lowerBound([1, 0], [0.5, 0.5], [1, 2], [1, -1], 0.1)).toThrow(/sigma2\[1\]/);
  });
});
