import { describe, expect, it } from 'vitest';
import { chiSquareQuantile } from '../src/index.js';
import { reference } from './helpers.js';

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
