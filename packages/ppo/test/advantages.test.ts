import { Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import { gae, RunningMoments, whiten } from '../src/advantages.js';

/** GAE as the sum it abbreviates: A_t = sum_l (gamma lambda)^l delta_{t+l}, V after the end 0. */
function gaeBySum(r: number[], v: number[], gamma: number, lambda: number): number[] {
  const delta = r.map((x, t) => x + gamma * (t + 1 < v.length ? v[t + 1]! : 0) - v[t]!);
  return delta.map((_, t) => {
    let a = 0;
    for (let l = 0; t + l < delta.length; l++) a += (gamma * lambda) ** l * delta[t + l]!;
    return a;
  });
}

describe('gae', () => {
  it('matches a hand derivation', () => {
    // t=2: delta = 2 - 0.1 = 1.9; t=1: delta = 0.9*0.1 - 0.2 = -0.11, A = -0.11 + 0.72*1.9 = 1.258;
    // t=0: delta = 1 + 0.9*0.2 - 0.5 = 0.68, A = 0.68 + 0.72*1.258 = 1.58576.
    const { advantages, returns } = gae([1, 0, 2], [0.5, 0.2, 0.1], { gamma: 0.9, lambda: 0.8 });
    expect(advantages[0]).toBeCloseTo(1.58576, 12);
    expect(advantages[1]).toBeCloseTo(1.258, 12);
    expect(advantages[2]).toBeCloseTo(1.9, 12);
    expect(returns[0]).toBeCloseTo(2.08576, 12);
    expect(returns[1]).toBeCloseTo(1.458, 12);
    expect(returns[2]).toBeCloseTo(2, 12);
  });

  it('matches the plain sum on random sequences, for TRL settings and others', () => {
    const rng = new Rng(7);
    const rand = () => rng.uniform(-2, 2);
    for (const [gamma, lambda] of [
      [1, 0.95],
      [0.99, 1],
      [0.9, 0],
      [1, 1],
    ] as const) {
      for (const n of [1, 2, 17]) {
        const r = Array.from({ length: n }, rand);
        const v = Array.from({ length: n }, rand);
        const { advantages, returns } = gae(r, v, { gamma, lambda });
        const expected = gaeBySum(r, v, gamma, lambda);
        for (let t = 0; t < n; t++) {
          expect(advantages[t]).toBeCloseTo(expected[t]!, 12);
          expect(returns[t]).toBeCloseTo(advantages[t]! + v[t]!, 12);
        }
      }
    }
    // lambda = 1, gamma = 1: returns are the reward-to-go (Monte Carlo), whatever the values.
    expect(gae([1, 2, 3], [9, -4, 0.5], { gamma: 1, lambda: 1 }).returns).toEqual([6, 5, 3]);
  });

  it('rejects bad input by argument name', () => {
    expect(() => gae([1, Number.NaN], [0, 0], { gamma: 1, lambda: 0.95 })).toThrow(
      "gae: argument 'rewards[1]' must be a finite number, got NaN",
    );
    expect(() => gae([1, 2], [0], { gamma: 1, lambda: 0.95 })).toThrow(
      /'values' must be of length 2/,
    );
    expect(() => gae([1], [0], { gamma: 1.5, lambda: 0.95 })).toThrow(/options.gamma/);
  });
});

describe('whiten', () => {
  it("is TRL's masked_whiten: unbiased variance, eps 1e-8", () => {
    // mean 2.5, unbiased variance 5/3.
    const w = whiten([1, 2, 3, 4]);
    const sd = Math.sqrt(5 / 3 + 1e-8);
    expect(w).toEqual([-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd]);
    const kept = whiten([1, 2, 3, 4], { shiftMean: false });
    for (let i = 0; i < 4; i++) expect(kept[i]).toBeCloseTo(w[i]! + 2.5, 14);
    expect(() => whiten([1])).toThrow(/at least 2 numbers/);
  });
});

describe('RunningMoments', () => {
  it('merges batches into the moments of everything seen (TRL: std with divisor n - 1)', () => {
    const m = new RunningMoments();
    const a = [1, 2, 3, 4];
    const b = [10, 20];
    expect(m.update(a)).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    m.update(b);
    const all = [...a, ...b];
    const mean = all.reduce((x, y) => x + y) / all.length;
    const unbiased = all.reduce((x, y) => x + (y - mean) ** 2, 0) / (all.length - 1);
    expect(m.mean).toBeCloseTo(mean, 10);
    expect(m.std).toBeCloseTo(Math.sqrt(unbiased), 10);
    const copy = new RunningMoments();
    copy.loadState(m.state());
    expect(copy.std).toBeCloseTo(m.std, 12);
    expect(copy.update([5, 6])).toEqual(m.update([5, 6]));
    expect(copy.mean).toBe(m.mean);
  });
});
