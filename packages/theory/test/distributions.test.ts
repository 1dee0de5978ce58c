import { describe, expect, it } from 'vitest';
import { chiSquareQuantile, normalCdf } from '../src/index.js';
import { reference } from './helpers.js';

describe('normalCdf', () => {
  it('matches mpmath to 1e-13 relative, deep into the lower tail', () => {
    for (const [x, p] of reference.normalCdf as [number, number][]) {
      expect(Math.abs(normalCdf(x) - p) / p, `x = ${x}`).toBeLessThan(1e-13);
    }
  });

  it('is continuous and increasing across the switch at x = -2', () => {
    const below = normalCdf(-2 - 1e-12);
    const at = normalCdf(-2);
    expect(below).toBeLessThan(at);
    expect(at - below).toBeLessThan(1e-13);
    let previous = 0;
    for (let x = -38; x <= 3; x += 0.01) {
      const p = normalCdf(x);
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
  });
});

describe('chiSquareQuantile', () => {
  it('matches scipy.stats.chi2.isf to 1e-9 relative', () => {
    for (const [delta, n, q] of reference.chiSquare as [number, number, number][]) {
      expect(
        Math.abs(chiSquareQuantile(1 - delta, n) - q) / q,
        `delta ${delta}, n ${n}`,
      ).toBeLessThan(1e-9);
    }
  });
});
