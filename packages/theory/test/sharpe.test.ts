import { Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import { sharpePolicy, solveSharpe } from '../src/index.js';
import { randomDistribution, reference } from './helpers.js';

/** max |r_y - beta s_y (log(pi_y / pi0_y) + 1) - mu| over the support, relative to |r| + |mu|. */
function stationarity(
  pi: ArrayLike<number>,
  pi0: number[],
  r: number[],
  s: number[],
  beta: number,
  mu: number,
) {
  let worst = 0;
  for (let i = 0; i < pi0.length; i++) {
    // Underflowed probabilities (exp of less than -745) carry no log to check.
    if (pi0[i] === 0 || pi[i]! < 1e-300) continue;
    const g = r[i]! - beta * s[i]! * (Math.log(pi[i]! / pi0[i]!) + 1) - mu;
    worst = Math.max(worst, Math.abs(g) / (Math.abs(r[i]!) + Math.abs(mu) + beta * s[i]!));
  }
  return worst;
}

describe('sharpePolicy (Theorem 2.7, reconstructed)', () => {
  it('matches the 50-digit mpmath solution', () => {
    for (const c of reference.sharpe as {
      pi0: number[];
      rHat: number[];
      sigma2: number[];
      beta: number;
      mu: number;
      pi: number[];
    }[]) {
      const { policy, mu } = solveSharpe(c.pi0, c.rHat, c.sigma2, c.beta);
      expect(mu).toBeCloseTo(c.mu, 12);
      policy.forEach((p, i) => {
        if (c.pi[i] === 0) expect(p).toBe(0);
        else expect(Math.abs(p - c.pi[i]!) / c.pi[i]!).toBeLessThan(1e-10);
      });
    }
  });

  it('sums to one and is stationary on random instances', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + rng.int(20);
      const pi0 = randomDistribution(n, () => rng.next());
      const r = Array.from({ length: n }, () => rng.normal(0, 3));
      const s = Array.from({ length: n }, () => 10 ** rng.uniform(-2, 1));
      const beta = 10 ** rng.uniform(-2, 1);
      const { policy, mu } = solveSharpe(pi0, r, s, beta);
      expect(Math.abs(policy.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-14);
      expect(stationarity(policy, pi0, r, s, beta, mu)).toBeLessThan(1e-12);
    }
  });

  it('reduces to pi0 exp(rHat / beta), normalised, when every variance is 1', () => {
    const pi0 = [0.1, 0.2, 0.3, 0.4];
    const r = [1.5, -0.5, 0.25, 0.75];
    const beta = 0.7;
    const w = pi0.map((p, i) => p * Math.exp(r[i]! / beta));
    const z = w.reduce((a, b) => a + b, 0);
    sharpePolicy(pi0, r, [1, 1, 1, 1], beta).forEach((p, i) => {
      expect(p).toBeCloseTo(w[i]! / z, 15);
    });
    // Equal variances s: pi ∝ pi0 exp(rHat / (beta s)).
    const w2 = pi0.map((p, i) => p * Math.exp(r[i]! / (beta * 2.5)));
    const z2 = w2.reduce((a, b) => a + b, 0);
    sharpePolicy(pi0, r, [2.5, 2.5, 2.5, 2.5], beta).forEach((p, i) => {
      expect(p).toBeCloseTo(w2[i]! / z2, 15);
    });
  });

  it('neither overflows nor loses the sum for huge rHat / (beta sigma2)', () => {
    const { policy } = solveSharpe([0.5, 0.5], [1000, 0], [1e-3, 1], 1e-3);
    expect(Array.from(policy)).toEqual([1, 0]);
    const p = sharpePolicy([0.3, 0.3, 0.4], [800, 799.99, -800], [1e-4, 1e-4, 1e-4], 1e-3);
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    // pi1 / pi2 = exp(0.01 / 1e-7) underflows pi2 to 0 against pi1 = 1.
    expect(p[0]).toBe(1);
  });

  it('prefers a high reward-to-variance ratio', () => {
    // Same reward, smaller variance: more probability.
    const p = sharpePolicy([0.5, 0.5], [1, 1], [0.5, 2], 1);
    expect(p[0]).toBeGreaterThan(p[1]!);
  });

  it('gives zero probability where pi0 is zero and rejects bad input', () => {
    expect(sharpePolicy([0, 1], [100, 0], [1, 1], 1)[0]).toBe(0);
    expect(() => sharpePolicy([0.5, 0.5], [1, 2], [1, 1], 0)).toThrow(
      /sharpePolicy: argument 'beta'/,
    );
    expect(() => sharpePolicy([0.5, 0.5], [1, 2], [1, 1], -1)).toThrow(/beta/);
    expect(() => sharpePolicy([0.6, 0.5], [1, 2], [1, 1], 1)).toThrow(/probability distribution/);
    expect(() => sharpePolicy([0.5, 0.5], [1, 2], [1, 0], 1)).toThrow(/sigma2\[1\]/);
    expect(() => sharpePolicy([0.5, 0.5], [1, 2, 3], [1, 1], 1)).toThrow(/length/);
  });
});
