import { describe, expect, it } from 'vitest';
import { bradleyTerryLoss, pairAccuracy, sigmoid, softplus } from '../src/bradley-terry.js';

describe('bradleyTerryLoss', () => {
  // Hand values: -log sigmoid(m) = log(1 + e^-m); d/dm = -sigmoid(-m) = -1 / (1 + e^m).
  const margins = [0, 1, -2, 40, -40];
  const perPair = [
    Math.LN2,
    Math.log(1 + Math.exp(-1)),
    Math.log(1 + Math.exp(2)),
    Math.exp(-40),
    40,
  ];
  const dPerPair = [
    -0.5,
    -1 / (1 + Math.E),
    -1 / (1 + Math.exp(-2)),
    -1 / (1 + Math.exp(40)),
    -1 / (1 + Math.exp(-40)),
  ];

  it('matches -log sigmoid(margin), averaged over the batch', () => {
    const { loss } = bradleyTerryLoss(margins);
    expect(loss).toBeCloseTo(perPair.reduce((a, b) => a + b, 0) / 5, 14);
  });

  it('has gradient -sigmoid(-margin) / n', () => {
    const { gradient } = bradleyTerryLoss(margins);
    dPerPair.forEach((g, i) => {
      expect(gradient[i]).toBeCloseTo(g / 5, 15);
    });
  });

  it('agrees with central finite differences', () => {
    const m = [0.3, -1.7, 2.2];
    const { gradient } = bradleyTerryLoss(m);
    const h = 1e-6;
    m.forEach((_, i) => {
      const up = m.slice();
      const down = m.slice();
      up[i]! += h;
      down[i]! -= h;
      const fd = (bradleyTerryLoss(up).loss - bradleyTerryLoss(down).loss) / (2 * h);
      expect(gradient[i]).toBeCloseTo(fd, 8);
    });
  });

  it('stays finite for huge margins', () => {
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    const { loss, gradient } = bradleyTerryLoss([-1e6, 1e6]);
    expect(loss).toBe(5e5);
    expect([...gradient]).toEqual([-0.5, -0]);
  });

  it('counts ties as wrong, as RewardBench does', () => {
    expect(pairAccuracy([1, 0, -1, 2])).toBe(0.5);
  });
});
