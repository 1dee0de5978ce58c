import { ConfigError, fillStandardNormal, Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import {
  BanditConfig,
  matchedEpsilon,
  simulateBandit,
  underperformanceRisk,
  vanillaPolicy,
  varianceAwarePolicy,
} from '../src/index.js';
import { dot, sub } from './helpers.js';

describe('simulateBandit', () => {
  it("estimates Theorem 2.4's risks within Monte Carlo error (SPEC example)", () => {
    const sim = simulateBandit({ samples: 200_000, seed: 1 });
    expect(sim.config.rStar).toEqual(Float64Array.from([0.2, 0.5, 0.45]));
    expect(sim.reference).toBeCloseTo((0.2 + 0.5 + 0.45) / 3, 15);
    const exact = underperformanceRisk([0.2, 0.5, 0.45], [4, 0.1, 0.12]);
    expect(sim.closedForm).toEqual(exact);
    for (const key of ['vanilla', 'varianceAware'] as const) {
      const se = Math.sqrt((exact[key] * (1 - exact[key])) / 200_000);
      expect(Math.abs(sim.risk[key] - exact[key])).toBeLessThan(4 * se);
      expect(sim.standardError[key]).toBeCloseTo(se, 4);
    }
    expect(sim.risk.varianceAware).toBeLessThan(sim.risk.vanilla);
  });

  it('matches the closed form on a 10-armed bandit with a custom pi0', () => {
    const rStar = Array.from({ length: 10 }, (_, i) => 0.05 * i - 0.1);
    const sigma2 = Array.from({ length: 10 }, (_, i) => 0.05 + 0.4 * i);
    const pi0 = Array.from({ length: 10 }, (_, i) => (i + 1) / 55);
    const sim = simulateBandit({ rStar, sigma2, pi0, samples: 200_000, seed: 2, epsilon: 0.3 });
    expect(sim.reference).toBeCloseTo(dot(pi0, rStar), 15);
    const exact = underperformanceRisk(rStar, sigma2);
    for (const key of ['vanilla', 'varianceAware'] as const) {
      const se = Math.sqrt((exact[key] * (1 - exact[key])) / 200_000);
      expect(Math.abs(sim.risk[key] - exact[key])).toBeLessThan(4 * se);
    }
  });

  it('equals a plain loop over the public policies on the same normal draws', () => {
    for (const constraint of ['free', 'simplex'] as const) {
      const rStar = [0.2, 0.5, 0.45, 0.1];
      const sigma2 = [4, 0.1, 0.12, 1];
      const epsilon = constraint === 'simplex' ? 0.4 : 0.01;
      const samples = 5000;
      const sim = simulateBandit({ rStar, sigma2, epsilon, samples, seed: 7, constraint });
      const z = fillStandardNormal(new Rng(7), new Float64Array(samples * 4));
      const pi0 = [0.25, 0.25, 0.25, 0.25];
      const epsVa = matchedEpsilon(epsilon, sigma2);
      let belowV = 0;
      let belowVa = 0;
      let hitZero = 0;
      for (let j = 0; j < samples; j++) {
        const rHat = rStar.map((r, i) => r + Math.sqrt(sigma2[i]!) * z[4 * j + i]!);
        const v = vanillaPolicy(pi0, rHat, epsilon, { constraint });
        const va = varianceAwarePolicy(pi0, rHat, sigma2, epsVa, { constraint });
        expect(sim.returns.vanilla[j]).toBeCloseTo(dot(v, rStar), 13);
        expect(sim.returns.varianceAware[j]).toBeCloseTo(dot(va, rStar), 13);
        // Risk counts draws with <pi - pi0, rStar> <= 0.
        if (dot(sub(v, pi0), rStar) <= 0) belowV++;
        if (dot(sub(va, pi0), rStar) <= 0) belowVa++;
        if (Math.min(...v) === 0) hitZero++;
      }
      // Each policy's count exactly, and the two differ (a swapped or shared count would not).
      expect(sim.risk.vanilla * samples).toBe(belowV);
      expect(sim.risk.varianceAware * samples).toBe(belowVa);
      expect(belowV).not.toBe(belowVa);
      expect(sim.standardError.varianceAware).toBe(
        Math.sqrt(((belowVa / samples) * (1 - belowVa / samples)) / samples),
      );
      if (constraint === 'simplex') {
        expect(hitZero).toBeGreaterThan(100); // the exact solver's active set was exercised
        expect(sim.closedForm).toBeUndefined();
      }
    }
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const a = simulateBandit({ samples: 1000, seed: 5 });
    const b = simulateBandit({ samples: 1000, seed: 5 });
    const c = simulateBandit({ samples: 1000, seed: 6 });
    expect(a.returns.vanilla).toEqual(b.returns.vanilla);
    expect(a.returns.varianceAware).toEqual(b.returns.varianceAware);
    expect(a.returns.vanilla).not.toEqual(c.returns.vanilla);
  });

  it('uses matchedEpsilon unless told otherwise, and reports progress', () => {
    const progress: number[] = [];
    const sim = simulateBandit({
      samples: 10_000,
      onProgress: (p) => {
        progress.push(p.done);
        expect(p).toMatchObject({ task: 'simulateBandit', total: 10_000, unit: 'draws' });
      },
    });
    expect(sim.config.epsilonVarianceAware).toBeCloseTo(0.001, 15);
    expect(progress.at(-1)).toBe(10_000);
    expect(progress.length).toBeGreaterThan(1);
    const custom = simulateBandit({ samples: 10, epsilonVarianceAware: 0.5 });
    expect(custom.config.epsilonVarianceAware).toBe(0.5);
    expect(BanditConfig.resolve({}).epsilonVarianceAware).toBeCloseTo(0.001, 15);
    expect(
      Array.from(BanditConfig.resolve({ rStar: [1, 2, 3, 4], sigma2: [1, 1, 1, 1] }).pi0),
    ).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('rejects bad settings with errors naming the key', () => {
    expect(() => simulateBandit({ samples: 0 })).toThrow(ConfigError);
    expect(() => simulateBandit({ sampels: 10 } as never)).toThrow(/Did you mean 'samples'/);
    expect(() => simulateBandit({ rStar: [1, 2], sigma2: [1, 1, 1] })).toThrow(
      /BanditConfig.sigma2: must have one entry per arm of rStar \(got sigma2 = Float64Array of length 3 .*rStar = Float64Array of length 2/,
    );
    expect(() => simulateBandit({ sigma2: [1, 0, 1] })).toThrow(
      /BanditConfig.sigma2: must hold finite numbers > 0: entry \[1\] is 0/,
    );
    expect(() => simulateBandit({ rStar: [] })).toThrow(/BanditConfig.rStar: must be a non-empty/);
    expect(() => simulateBandit({ epsilon: -1 })).toThrow(/BanditConfig.epsilon/);
    expect(() => simulateBandit({ pi0: [0.5, 0.5, 0.5], constraint: 'simplex' })).toThrow(
      /BanditConfig.pi0: must be a probability distribution .*sum to 1.5/,
    );
    expect(() => simulateBandit({ pi0: [0.5, 0.5] })).toThrow(/BanditConfig.pi0: must have one/);
    expect(BanditConfig.defaults.samples).toBe(100_000);
  });
});
