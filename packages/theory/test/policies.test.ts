import { Rng, ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { matchedEpsilon, vanillaPolicy, varianceAwarePolicy } from '../src/index.js';
import { dot, sub, weightedSq } from './helpers.js';

const close = (a: ArrayLike<number>, b: number[], digits = 14) =>
  b.forEach((v, i) => {
    expect(a[i]).toBeCloseTo(v, digits);
  });

describe('vanillaPolicy (free, problem 2)', () => {
  it('is pi0 + sqrt(eps) rHat / ||rHat|| (hand-derived)', () => {
    // ||(3, 4, 0)|| = 5, sqrt(0.25) = 0.5: d = 0.5 (0.6, 0.8, 0).
    const pi = vanillaPolicy([0.25, 0.25, 0.5], [3, 4, 0], 0.25);
    expect(pi).toBeInstanceOf(Float64Array);
    close(pi, [0.55, 0.65, 0.5]);
  });

  it('stays at pi0 when rHat = 0 or epsilon = 0', () => {
    close(vanillaPolicy([0.2, 0.8], [0, 0], 1), [0.2, 0.8]);
    close(vanillaPolicy([0.2, 0.8], [1, 2], 0), [0.2, 0.8]);
  });

  it('is on the ball and no random feasible point scores higher', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + rng.int(6);
      const pi0 = Array.from({ length: n }, () => rng.uniform());
      const r = Array.from({ length: n }, () => rng.normal());
      const eps = rng.uniform(0.01, 2);
      const pi = vanillaPolicy(pi0, r, eps);
      expect(weightedSq(sub(pi, pi0), new Array(n).fill(1))).toBeCloseTo(eps, 12);
      const best = dot(pi, r);
      for (let k = 0; k < 200; k++) {
        const d = Array.from({ length: n }, () => rng.normal());
        const len = Math.sqrt(dot(d, d));
        const rad = Math.sqrt(eps) * rng.next() ** (1 / n);
        const candidate = pi0.map((p, i) => p + (rad * d[i]!) / len);
        expect(dot(candidate, r)).toBeLessThanOrEqual(best + 1e-12);
      }
    }
  });
});

describe('varianceAwarePolicy (free, problem 3, eq. 4)', () => {
  it('is pi0 + sqrt(eps) S^-1 rHat / ||rHat||_{S^-1} (hand-derived)', () => {
    // S^-1 r = (3, 1, 0), ||r||_{S^-1} = sqrt(9 + 4) = sqrt(13); eps = 0.13: d = 0.1 (3, 1, 0).
    const pi = varianceAwarePolicy([0.25, 0.25, 0.5], [3, 4, 0], [1, 4, 1], 0.13);
    close(pi, [0.55, 0.35, 0.5]);
  });

  it('lies on the ellipsoid boundary and no feasible point scores higher', () => {
    const rng = new Rng(12);
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + rng.int(6);
      const pi0 = Array.from({ length: n }, () => rng.uniform());
      const r = Array.from({ length: n }, () => rng.normal());
      const s = Array.from({ length: n }, () => rng.uniform(0.01, 5));
      const eps = rng.uniform(0.01, 2);
      const pi = varianceAwarePolicy(pi0, r, s, eps);
      expect(weightedSq(sub(pi, pi0), s) / eps).toBeCloseTo(1, 12);
      const best = dot(pi, r);
      for (let k = 0; k < 200; k++) {
        // A random point of the ellipsoid: d_i = u_i / sqrt(s_i) with ||u|| <= sqrt(eps).
        const u = Array.from({ length: n }, () => rng.normal());
        const len = Math.sqrt(dot(u, u));
        const rad = Math.sqrt(eps) * rng.next() ** (1 / n);
        const candidate = pi0.map((p, i) => p + (rad * u[i]!) / len / Math.sqrt(s[i]!));
        expect(weightedSq(sub(candidate, pi0), s)).toBeLessThanOrEqual(eps * (1 + 1e-12));
        expect(dot(candidate, r)).toBeLessThanOrEqual(best + 1e-12);
      }
    }
  });

  it('equals the vanilla policy when every variance is 1', () => {
    const pi0 = [0.1, 0.6, 0.3];
    const r = [0.4, -0.2, 0.9];
    close(varianceAwarePolicy(pi0, r, [1, 1, 1], 0.2), Array.from(vanillaPolicy(pi0, r, 0.2)));
  });
});

describe('matchedEpsilon', () => {
  it('is min(sigma2) * epsilon, so the ellipsoid fits in the ball', () => {
    expect(matchedEpsilon(0.25, [1, 4, 1])).toBe(0.25);
    expect(matchedEpsilon(0.5, [4, 0.1, 0.12])).toBeCloseTo(0.05, 15);
    // The longest semi-axis sqrt(eps' / min sigma2) equals the ball radius sqrt(eps).
    const s = [2, 0.5, 3];
    expect(Math.sqrt(matchedEpsilon(0.3, s) / 0.5)).toBeCloseTo(Math.sqrt(0.3), 15);
  });
});

describe('bad input', () => {
  it('throws ValidationErrors that name the function and the argument', () => {
    expect(() => vanillaPolicy([0.5, 0.5], [1, 2, 3], 0.1)).toThrow(
      /vanillaPolicy: argument 'pi0' must be of length 3 \(the length of 'rHat'\)/,
    );
    expect(() => varianceAwarePolicy([0.5, 0.5], [1, 2], [1, 0], 0.1)).toThrow(
      /varianceAwarePolicy: argument 'sigma2\[1\]' must be a finite number > 0, got 0/,
    );
    expect(() => varianceAwarePolicy([0.5, 0.5], [1, 2], [1, -2], 0.1)).toThrow(ValidationError);
    expect(() => vanillaPolicy([0.5, 0.5], [1, 2], -0.1)).toThrow(
      /'epsilon' must be .*>= 0, got -0.1/,
    );
    expect(() => vanillaPolicy([0.5, 0.6], [1, 2], 0.1, { constraint: 'simplex' })).toThrow(
      /'pi0' must be a probability distribution/,
    );
    expect(() => vanillaPolicy([1.5, -0.5], [1, 2], 0.1, { constraint: 'simplex' })).toThrow(
      /pi0\[1\]/,
    );
    expect(() => vanillaPolicy([0.5, 0.5], [1, Number.NaN], 0.1)).toThrow(/rHat\[1\].*NaN/);
    expect(() => vanillaPolicy([0.5, 0.5], [1, 2], 0.1, { constraint: 'box' as never })).toThrow(
      /options.constraint' must be one of 'free', 'simplex'/,
    );
    expect(() => matchedEpsilon(0.1, [])).toThrow(/sigma2/);
  });

  it('accepts pi0 off the simplex for the free problem', () => {
    // ||(1, 2)|| = sqrt(5): d = sqrt(0.1 / 5) (1, 2) = sqrt(0.02) (1, 2).
    close(vanillaPolicy([2, -1], [1, 2], 0.1), [2 + Math.SQRT2 / 10, -1 + Math.SQRT2 / 5]);
  });
});
