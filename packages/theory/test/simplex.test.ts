import { Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import { vanillaPolicy, varianceAwarePolicy } from '../src/index.js';
import { SimplexSolver } from '../src/simplex.js';
import { dot, kktViolation, randomDistribution, reference, sub, weightedSq } from './helpers.js';

interface Problem {
  pi0: number[];
  r: number[];
  w: number[];
  epsilon: number;
  pi: number[];
  value: number;
}

const solve = (p: { pi0: number[]; r: number[]; w: number[]; epsilon: number }) =>
  varianceAwarePolicy(p.pi0, p.r, p.w, p.epsilon, { constraint: 'simplex' });

describe("constraint: 'simplex'", () => {
  it('matches scipy SLSQP on the reference problems (value to 1e-9) and satisfies KKT', () => {
    for (const p of reference.simplex as Problem[]) {
      const pi = solve(p);
      expect(dot(pi, p.r)).toBeGreaterThanOrEqual(p.value - 1e-9);
      expect(dot(pi, p.r)).toBeCloseTo(p.value, 8);
      pi.forEach((v, i) => {
        expect(v).toBeCloseTo(p.pi[i]!, 5);
      });
      expect(kktViolation(pi, p.pi0, p.r, p.w, p.epsilon)).toBeLessThan(1e-10);
    }
  });

  it('sets probabilities to exactly zero where the sum-to-one step would go negative', () => {
    // The sum-to-one step from the uniform policy: d = t (r - mean r), t = sqrt(eps) / ||r - mean r||.
    const r = [3, 0.5, 0.4];
    const centred = r.map((v) => v - 1.3);
    const t = Math.sqrt(0.6) / Math.sqrt(dot(centred, centred));
    expect(1 / 3 + t * centred[2]!).toBeLessThan(0);
    const pi = vanillaPolicy([1 / 3, 1 / 3, 1 / 3], r, 0.6, { constraint: 'simplex' });
    expect(pi[2]).toBe(0);
    expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(weightedSq(sub(pi, [1 / 3, 1 / 3, 1 / 3]), [1, 1, 1])).toBeCloseTo(0.6, 13);
    expect(kktViolation(pi, [1 / 3, 1 / 3, 1 / 3], r, [1, 1, 1], 0.6)).toBeLessThan(1e-12);
  });

  it('uses d ∝ Sigma^-1 (rHat - mu 1) when nothing hits zero (hand-derived)', () => {
    // pi0 uniform, r = (1, 0, 0), w = (1, 1, 2): mu = (1/1) / (1 + 1 + 1/2) = 0.4,
    // d ∝ (0.6, -0.4, -0.2); ||.||_W^2 = 0.36 + 0.16 + 0.08 = 0.6; eps = 0.006: t = 0.1.
    const pi = varianceAwarePolicy([1 / 3, 1 / 3, 1 / 3], [1, 0, 0], [1, 1, 2], 0.006, {
      constraint: 'simplex',
    });
    [1 / 3 + 0.06, 1 / 3 - 0.04, 1 / 3 - 0.02].forEach((v, i) => {
      expect(pi[i]).toBeCloseTo(v, 14);
    });
  });

  it('goes to the best vertex when the ball contains it, to the nearest point of a tied face', () => {
    const vertex = vanillaPolicy([0.25, 0.25, 0.5], [0, 2, 1], 10, { constraint: 'simplex' });
    expect(Array.from(vertex)).toEqual([0, 1, 0]);
    const face = vanillaPolicy([0.1, 0.3, 0.6], [2, 2, 1], 10, { constraint: 'simplex' });
    [0.4, 0.6, 0].forEach((v, i) => {
      expect(face[i]).toBeCloseTo(v, 14);
    });
  });

  it('stays at pi0 when rHat is constant or epsilon = 0', () => {
    const pi0 = [0.2, 0.3, 0.5];
    expect(Array.from(vanillaPolicy(pi0, [1, 1, 1], 0.3, { constraint: 'simplex' }))).toEqual(pi0);
    expect(Array.from(vanillaPolicy(pi0, [1, 2, 3], 0, { constraint: 'simplex' }))).toEqual(pi0);
  });

  it('is a feasible KKT point that beats random feasible distributions on random instances', () => {
    const rng = new Rng(5);
    const uniform = () => rng.next();
    const solver = new SimplexSolver(1);
    let maxRounds = 0;
    for (let trial = 0; trial < 150; trial++) {
      const n = 2 + rng.int(9);
      const pi0 =
        trial % 3 === 0
          ? [...randomDistribution(n - 1, uniform), 0]
          : randomDistribution(n, uniform);
      const r = Array.from({ length: n }, () => rng.normal());
      const w =
        trial % 2 ? Array.from({ length: n }, () => rng.uniform(0.01, 4)) : new Array(n).fill(1);
      const eps = 10 ** rng.uniform(-3, 0.5);
      const pi = varianceAwarePolicy(pi0, r, w, eps, { constraint: 'simplex' });
      expect(Math.min(...pi)).toBeGreaterThanOrEqual(0);
      expect(Math.abs(pi.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-13);
      expect(weightedSq(sub(pi, pi0), w)).toBeLessThanOrEqual(eps * (1 + 1e-12));
      expect(kktViolation(pi, pi0, r, w, eps)).toBeLessThan(1e-9);
      const best = dot(pi, r);
      for (let k = 0; k < 100; k++) {
        // Random distributions pulled towards pi0 until feasible.
        const q = randomDistribution(n, uniform);
        let a = 1;
        while (
          weightedSq(
            sub(q, pi0).map((d) => a * d),
            w,
          ) > eps
        )
          a /= 2;
        const candidate = pi0.map((p, i) => p + a * (q[i]! - p));
        expect(dot(candidate, r)).toBeLessThanOrEqual(best + 1e-12);
      }
      const again = new SimplexSolver(n);
      again.solve(Float64Array.from(pi0), Float64Array.from(r), Float64Array.from(w), eps);
      maxRounds = Math.max(maxRounds, again.rounds);
    }
    expect(solver.size).toBe(1);
    expect(maxRounds).toBeLessThan(20);
  });

  it('matches brute force over a fine grid of the 3-simplex', () => {
    const rng = new Rng(8);
    for (let trial = 0; trial < 10; trial++) {
      const pi0 = randomDistribution(3, () => rng.next());
      const r = [rng.normal(), rng.normal(), rng.normal()];
      const w = [rng.uniform(0.1, 3), rng.uniform(0.1, 3), rng.uniform(0.1, 3)];
      const eps = rng.uniform(0.01, 0.5);
      const value = dot(varianceAwarePolicy(pi0, r, w, eps, { constraint: 'simplex' }), r);
      let brute = Number.NEGATIVE_INFINITY;
      const steps = 300;
      for (let a = 0; a <= steps; a++) {
        for (let b = 0; a + b <= steps; b++) {
          const q = [a / steps, b / steps, (steps - a - b) / steps];
          if (weightedSq(sub(q, pi0), w) <= eps) brute = Math.max(brute, dot(q, r));
        }
      }
      expect(value).toBeGreaterThanOrEqual(brute - 1e-12);
      expect(value - brute).toBeLessThan(0.03); // the grid resolution
    }
  });
});
