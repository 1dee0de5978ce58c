import { ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { chiSquareQuantile } from '../src/index.js';
import { sampleReference } from './reference.js';

describe('chiSquareQuantile', () => {
  it('matches scipy.stats.chi2.isf to 1e-9 relative', () => {
    for (const [delta, n, q] of sampleReference.chiSquare as [number, number, number][]) {
      expect(
        Math.abs(chiSquareQuantile(1 - delta, n) - q) / q,
        `delta ${delta}, n ${n}`,
      ).toBeLessThan(1e-9);
    }
  });

  it('rejects a probability outside [0, 1] and a non-positive dof', () => {
    expect(() => chiSquareQuantile(1.5, 3)).toThrow(ValidationError);
    expect(() => chiSquareQuantile(0.5, 0)).toThrow(/chiSquareQuantile: argument 'dof'/);
  });
});
