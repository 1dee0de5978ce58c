import { describe, expect, it } from 'vitest';
import { analyzeDisagreement } from '../src/disagreement.js';
import { rewardBenchSection, rewardBenchSectionScores } from '../src/rewardbench.js';

describe('RewardBench sections', () => {
  it('maps subsets to sections and weighs them by EXAMPLE_COUNTS', () => {
    expect(rewardBenchSection('alpacaeval-easy')).toBe('Chat');
    expect(rewardBenchSection('llmbar-adver-manual')).toBe('Chat Hard');
    expect(rewardBenchSection('donotanswer')).toBe('Safety');
    expect(rewardBenchSection('hep-rust')).toBe('Reasoning');
    expect(rewardBenchSection('shp')).toBeUndefined();
    // Hand computation: Chat = (1.0*100 + 0.5*28) / 128; Reasoning = (0.25*984 + 1*164) / 1148.
    const s = rewardBenchSectionScores({
      'alpacaeval-easy': 1,
      'mt-bench-easy': 0.5,
      'math-prm': 0.25,
      'hep-go': 1,
    });
    expect(s.Chat).toBeCloseTo(114 / 128, 15);
    expect(s.Reasoning).toBeCloseTo((246 + 164) / 1148, 15);
    expect(s.Safety).toBeUndefined();
  });
});

describe('analyzeDisagreement', () => {
  // 3 pairs, k = 3. Rows: member rewards of chosen / rejected.
  const chosen = Float64Array.from([1, 2, 3, /**/ 0, 0, 0, /**/ 5, 5, 5]);
  const rejected = Float64Array.from([0, 3, 1, /**/ 1, -1, 0, /**/ 4, 4, 4]);

  it('gives per-member and mean accuracy and the two variance distributions', () => {
    const r = analyzeDisagreement({ chosen, rejected, k: 3 });
    expect(r.groupBy).toBe('none');
    // differences: [1,-1,2], [-1,1,0], [1,1,1]
    expect(r.overall.memberAccuracy).toEqual([2 / 3, 2 / 3, 2 / 3]); // member 2 ties on pair 1
    expect(r.overall.ensembleAccuracy).toBeCloseTo(2 / 3, 15); // means 2/3, 0, 1 (a tie is wrong)
    expect([...r.overall.chosenVariance]).toEqual([1, 0, 0]);
    [7 / 3, 1, 0].forEach((v, i) => {
      expect(r.overall.differenceVariance[i]).toBeCloseTo(v, 14);
    });
    expect(r.overall.differenceVarianceSummary).toMatchObject({ min: 0, median: 1, count: 3 });
  });

  it('groups by RewardBench section with RewardBench weighting', () => {
    const subsets = ['alpacaeval-easy', 'mt-bench-easy', 'hep-go'];
    const r = analyzeDisagreement({ chosen, rejected, k: 3 }, { subsets });
    expect(r.groupBy).toBe('rewardbench');
    expect(r.groups.map((g) => g.name)).toEqual(['Chat', 'Reasoning']);
    const chat = r.groups[0]!;
    expect(chat.weighting).toBe('rewardbench');
    // Member 0: alpacaeval-easy correct (weight 100), mt-bench-easy wrong (28).
    expect(chat.memberAccuracy[0]).toBeCloseTo(100 / 128, 15);
    expect(chat.memberAccuracy[1]).toBeCloseTo(28 / 128, 15);
    expect(chat.differenceVariance[0]).toBeCloseTo(7 / 3, 14);
  });

  it('groups by any other subset column plainly', () => {
    const r = analyzeDisagreement({ chosen, rejected, k: 3 }, { subsets: ['x', 'y', 'x'] });
    expect(r.groups.map((g) => [g.name, g.pairs, g.weighting])).toEqual([
      ['x', 2, 'pairs'],
      ['y', 1, 'pairs'],
    ]);
  });

  it('summarises each variance distribution with @va/stats (numpy linear quantiles, ddof 1)', () => {
    // Difference variances [7/3, 1, 0]: sorted [0, 1, 7/3], mean 10/9; the 25% quantile sits at
    // position 0.5 (0.5), the 75% at 1.5 (1 + 0.5 * 4/3 = 5/3); variance (100 + 1 + 121) / 81 / 2.
    const s = analyzeDisagreement({ chosen, rejected, k: 3 }).overall.differenceVarianceSummary;
    expect(s.q25).toBe(0.5);
    expect(s.q75).toBeCloseTo(5 / 3, 15);
    expect(s.mean).toBeCloseTo(10 / 9, 15);
    expect(s.variance).toBeCloseTo(37 / 27, 15);
    expect(s.max).toBeCloseTo(7 / 3, 15);
  });

  it('rejects shapes that do not fit', () => {
    expect(() => analyzeDisagreement({ chosen, rejected: rejected.slice(1), k: 3 })).toThrow(
      /scores.rejected/,
    );
    expect(() => analyzeDisagreement({ chosen, rejected, k: 1 })).toThrow(/scores.k/);
    expect(() => analyzeDisagreement({ chosen, rejected, k: 3 }, { subsets: ['a'] })).toThrow(
      /options.subsets/,
    );
  });
});
