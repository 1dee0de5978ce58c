import { describe, expect, it } from 'vitest';
import { heterogeneitySweep, underperformanceRisk } from '../src/index.js';

describe('heterogeneitySweep (Figure 4)', () => {
  const sweep = heterogeneitySweep({ samples: 20_000, seed: 3 });

  it('draws the variances from each interval with common random numbers', () => {
    const [narrow, wide] = sweep.results;
    expect(narrow!.interval.low).toBe(0.5);
    expect(wide!.interval.high).toBe(4);
    expect(sweep.rStar).toHaveLength(10);
    for (let i = 0; i < 10; i++) {
      expect(narrow!.sigma2[i]).toBeGreaterThanOrEqual(0.5);
      expect(narrow!.sigma2[i]).toBeLessThanOrEqual(1.5);
      // Same u_i: (sigma2 - low) / (high - low) agrees across intervals.
      expect((narrow!.sigma2[i]! - 0.5) / 1).toBeCloseTo((wide!.sigma2[i]! - 0.01) / 3.99, 12);
    }
    expect(narrow!.closedForm).toEqual(underperformanceRisk(sweep.rStar, narrow!.sigma2));
  });

  it('gives a sharper variance-aware distribution in the wide setting', () => {
    const [narrow, wide] = sweep.results;
    const ratio = (r: typeof narrow) => r!.spread.varianceAware.std / r!.spread.vanilla.std;
    expect(wide!.spread.varianceAware.std).toBeLessThan(narrow!.spread.varianceAware.std);
    expect(ratio(wide)).toBeLessThan(ratio(narrow));
    expect(wide!.spread.vanilla.count).toBe(20_000);
  });

  it('accepts its own intervals and rStar, and rejects bad ones', () => {
    const custom = heterogeneitySweep({
      rStar: [0.1, 0.2, 0.3],
      intervals: [{ label: 'tight', low: 1, high: 1 }],
      samples: 100,
    });
    expect(Array.from(custom.results[0]!.sigma2)).toEqual([1, 1, 1]);
    expect(() => heterogeneitySweep({ intervals: [{ label: 'x', low: 0, high: 1 }] })).toThrow(
      /HeterogeneityConfig.intervals/,
    );
  });
});
