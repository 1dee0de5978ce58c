import { describe, expect, it } from 'vitest';
import { AdaptiveKLController, FixedKLController } from '../src/kl-controller.js';
import {
  effectiveBeta,
  penaltyPerToken,
  penaltyWeights,
  tokenRewards,
  transformScore,
} from '../src/penalty.js';

const lp = [-1, -2, -0.5];
const ref = [-2, -1, -0.5];

describe('penaltyPerToken', () => {
  it('computes each estimator by hand', () => {
    expect(penaltyPerToken('kl', lp, ref)).toEqual([1, -1, 0]);
    expect(penaltyPerToken('abs', lp, ref)).toEqual([1, 1, 0]);
    expect(penaltyPerToken('mse', lp, ref)).toEqual([0.5, 0.5, 0]);
    // k3 = exp(ref - lp) - 1 - (ref - lp): e^-1 - 1 + 1 = e^-1; e - 1 - 1 = e - 2; 0.
    const k3 = penaltyPerToken('k3', lp, ref);
    expect(k3[0]).toBeCloseTo(Math.exp(-1), 15);
    expect(k3[1]).toBeCloseTo(Math.E - 2, 15);
    expect(k3[2]).toBe(0);
    expect(penaltyPerToken((a, b) => 3 * (a - b), lp, ref)).toEqual([3, -3, 0]);
  });

  it('rejects a bad kind, mismatched lengths and a non-finite custom penalty', () => {
    expect(() => penaltyPerToken('full' as never, lp, ref)).toThrow(
      "penaltyPerToken: argument 'kind' must be one of 'kl', 'abs', 'mse', 'k3'",
    );
    expect(() => penaltyPerToken('kl', lp, [1])).toThrow(/'refLogprobs' must be of length 3/);
    expect(() => penaltyPerToken(() => Number.NaN, lp, ref)).toThrow(/penalty of token 0/);
  });
});

describe('tokenRewards', () => {
  it('vanilla: -beta * penalty per token, plus the score on the last token', () => {
    const r = tokenRewards({
      score: 2,
      logprobs: lp,
      refLogprobs: ref,
      beta: 0.2,
      method: 'vanilla',
    });
    expect(r).toEqual([-0.2, 0.2, 2]);
  });

  it('variance-aware: beta * sigma2 per token, the variance floored', () => {
    const r = tokenRewards({
      score: 2,
      logprobs: lp,
      refLogprobs: ref,
      beta: 0.2,
      variance: 4,
      method: 'variance-aware',
      penalty: 'mse',
    });
    expect(r).toEqual([-0.4, -0.4, 2]);
    // A point interval [a, a]: variance 0 keeps a penalty of beta * floor.
    const floored = tokenRewards({
      score: 0,
      logprobs: lp,
      refLogprobs: ref,
      beta: 0.5,
      variance: 0,
      method: 'variance-aware',
      varianceFloor: 0.01,
    });
    expect(floored[0]).toBeCloseTo(-0.005, 15);
    expect(effectiveBeta('variance-aware', 0.5, 0, 0.01)).toBe(0.005);
    expect(effectiveBeta('vanilla', 0.5, 100)).toBe(0.5);
    // Precomputed penalties (how `full` arrives).
    expect(
      tokenRewards({
        score: 1,
        logprobs: lp,
        refLogprobs: ref,
        beta: 1,
        method: 'vanilla',
        penalty: [0.5, 0.25, 0],
      }),
    ).toEqual([-0.5, -0.25, 1]);
  });

  it('names the field of bad input', () => {
    const base = { logprobs: lp, refLogprobs: ref, beta: 0.2 } as const;
    expect(() => tokenRewards({ ...base, score: Number.NaN, method: 'vanilla' })).toThrow(
      "tokenRewards: argument 'score' must be a finite number, got NaN",
    );
    expect(() => tokenRewards({ ...base, score: 1, method: 'variance-aware' })).toThrow(
      /argument 'variance' must be a finite number >= 0 \(method 'variance-aware'/,
    );
    expect(() =>
      tokenRewards({ ...base, score: 1, method: 'variance-aware', variance: -1 }),
    ).toThrow("effectiveBeta: argument 'variance' must be a finite number >= 0, got -1");
    expect(() => tokenRewards({ ...base, score: 1, method: 'greedy' as never })).toThrow(
      /'method' must be one of/,
    );
    expect(() =>
      tokenRewards({ score: 1, logprobs: [], refLogprobs: [], beta: 1, method: 'vanilla' }),
    ).toThrow(/at least one generated token/);
  });
});

describe('penaltyWeights', () => {
  const variances = [0, 0.5, 2, 1.5];
  const batch = { method: 'variance-aware', beta: 0.2, variances, varianceFloor: 0.25 } as const;

  it('variance-aware: beta * max(sigma2, floor), and the share below the floor (hand values)', () => {
    const w = penaltyWeights(batch);
    // Floored: [0.25, 0.5, 2, 1.5]; one of four below the floor.
    expect(w.variances).toEqual([0.25, 0.5, 2, 1.5]);
    for (const [i, b] of [0.05, 0.1, 0.4, 0.3].entries()) expect(w.betas[i]).toBeCloseTo(b, 15);
    expect(w.scale).toBe(1);
    expect(w.flooredShare).toBe(0.25);
  });

  it('normalizeVariance: divides by the mean floored variance, so beta_eff averages beta', () => {
    const w = penaltyWeights({ ...batch, normalizeVariance: true });
    // Mean floored variance (0.25 + 0.5 + 2 + 1.5) / 4 = 1.0625 = 17/16.
    expect(w.scale).toBe(1.0625);
    const expected = [0.25, 0.5, 2, 1.5].map((v) => (v * 16) / 17);
    for (const [i, v] of expected.entries()) expect(w.variances[i]).toBeCloseTo(v, 15);
    // 0.2 * 4/17, 0.2 * 8/17, 0.2 * 32/17, 0.2 * 24/17.
    for (const [i, b] of [0.8 / 17, 1.6 / 17, 6.4 / 17, 4.8 / 17].entries()) {
      expect(w.betas[i]).toBeCloseTo(b, 15);
    }
    expect(w.betas.reduce((a, b) => a + b, 0) / 4).toBeCloseTo(0.2, 15);
    expect(w.flooredShare).toBe(0.25);
  });

  it('vanilla: beta for every response, the variances untouched, nothing floored', () => {
    const w = penaltyWeights({ ...batch, method: 'vanilla', normalizeVariance: true });
    expect(w).toEqual({ betas: [0.2, 0.2, 0.2, 0.2], variances, scale: 1, flooredShare: 0 });
  });

  it('is what effectiveBeta and tokenRewards use, and names bad input', () => {
    expect(effectiveBeta('variance-aware', 0.2, 0, 0.25)).toBe(
      penaltyWeights({ method: 'variance-aware', beta: 0.2, variances: [0], varianceFloor: 0.25 })
        .betas[0],
    );
    expect(() =>
      penaltyWeights({ method: 'variance-aware', beta: 0.2, variances: [1, -1] }),
    ).toThrow("penaltyWeights: argument 'variances[1]' must be a finite number >= 0, got -1");
    expect(() => penaltyWeights({ method: 'variance-aware', beta: -1, variances: [1] })).toThrow(
      "penaltyWeights: argument 'beta' must be a finite number >= 0, got -1",
    );
  });
});

describe('transformScore', () => {
  const s = { mean: 1, variance: 4, sample: 1.7, members: [0, 1, 2, 1] };
  it('computes each transform', () => {
    expect(transformScore(s, 'sample')).toBe(1.7);
    expect(transformScore(s, 'mean')).toBe(1);
    expect(transformScore(s, 'uncertainty-weighted', { lambda: 0.5 })).toBe(-1);
    expect(transformScore(s, 'lcb', { k: 2 })).toBe(-3);
    expect(transformScore(s, 'worst-case')).toBe(0);
    expect(transformScore(s, (x) => x.mean * 10)).toBe(10);
    expect(() => transformScore({ ...s, members: undefined }, 'worst-case')).toThrow(
      /score.members/,
    );
  });
});

describe('KL controllers', () => {
  it('adapts as Ziegler et al.: err clipped to +-0.2, scaled by n / horizon', () => {
    const c = new AdaptiveKLController({ init: 0.2, target: 6, horizon: 10000 });
    c.update(9, 128); // err = clip(0.5) = 0.2: beta *= 1 + 0.2 * 128 / 10000
    expect(c.value).toBeCloseTo(0.2 * 1.00256, 15);
    c.update(6, 128); // err 0
    expect(c.value).toBeCloseTo(0.2 * 1.00256, 15);
    c.update(5.4, 1000); // err = -0.1: beta *= 0.99
    expect(c.value).toBeCloseTo(0.2 * 1.00256 * 0.99, 15);
    c.update(0, 10000); // err = -0.2 (clipped): beta *= 0.8
    expect(c.value).toBeCloseTo(0.2 * 1.00256 * 0.99 * 0.8, 15);
    const f = new FixedKLController({ init: 0.05 });
    f.update(100, 128);
    expect(f.value).toBe(0.05);
    expect(() => new AdaptiveKLController({ init: 0.2, target: 0, horizon: 1 })).toThrow(
      /'target'/,
    );
    expect(() => c.update(Number.NaN, 1)).toThrow(/currentKl/);
  });
});
