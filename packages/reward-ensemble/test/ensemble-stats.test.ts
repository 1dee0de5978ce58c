import { describe, expect, it } from 'vitest';
import { initEnsembleHeads, scoreWithHeads, selectMembers } from '../src/ensemble-heads.js';
import { memberMeanVariance, summarizeMembers } from '../src/ensemble-stats.js';

describe('memberMeanVariance', () => {
  it('gives the mean and the ddof-1 sample variance', () => {
    expect(memberMeanVariance([1, 2, 3, 4])).toEqual({ mean: 2.5, variance: 5 / 3 });
    expect(memberMeanVariance([2, 2])).toEqual({ mean: 2, variance: 0 });
    expect(() => memberMeanVariance([1])).toThrow(/at least 2 member rewards/);
  });

  it('matches a plain two-pass loop row by row', () => {
    const k = 7;
    const scores = Float64Array.from({ length: 5 * k }, (_, i) => Math.sin(i * 1.3) * 3 + (i % 4));
    const { mean, variance } = summarizeMembers(scores, k);
    for (let r = 0; r < 5; r++) {
      const row = [...scores.subarray(r * k, (r + 1) * k)];
      const m = row.reduce((a, b) => a + b, 0) / k;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / (k - 1);
      expect(mean[r]).toBeCloseTo(m, 13);
      expect(variance[r]).toBeCloseTo(v, 13);
    }
  });
});

describe('ensemble heads', () => {
  it('score every member in one pass, each as it would alone', () => {
    const heads = initEnsembleHeads(6, [0, 1, 2, 3], 9);
    const features = {
      rows: 3,
      dim: 6,
      data: Float32Array.from({ length: 18 }, (_, i) => (i % 5) - 2),
    };
    const all = scoreWithHeads(heads, features);
    for (const m of [0, 2]) {
      const alone = scoreWithHeads(selectMembers(heads, [m]), features);
      for (let r = 0; r < 3; r++) expect(alone[r]).toBe(all[r * 4 + m]);
    }
    // A member's initialisation depends on its index, not on who else is in the ensemble.
    expect([...selectMembers(initEnsembleHeads(6, [2], 9), [0]).weight]).toEqual([
      ...selectMembers(heads, [2]).weight,
    ]);
    expect(() => scoreWithHeads(heads, { rows: 1, dim: 5, data: new Float32Array(5) })).toThrow(
      /features.dim/,
    );
  });
});
