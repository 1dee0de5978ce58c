// The report's reading in words: it follows the tests' decisions and directions, says when N is
// small, and never turns a non-significant test into a finding.

import { protocolTables, varianceRatioSweep } from '@va/stats';
import { describe, expect, it } from 'vitest';
import { klSentence, settingReading, table4Reading } from '../src/report-text.js';
import type { KlComparison } from '../src/results.js';

const kl = (vanilla: number, varianceAware: number): KlComparison => {
  const ratio =
    Math.max(vanilla, varianceAware, 0.01) / Math.max(Math.min(vanilla, varianceAware), 0.01);
  return {
    vanilla,
    varianceAware,
    vanillaTrain: vanilla,
    varianceAwareTrain: varianceAware,
    ratio,
    similar: ratio <= 1.5,
  };
};

const tables = (vanilla: number[], varianceAware: number[], reference: number[]) =>
  protocolTables({ vanilla, varianceAware, reference }, { resamples: 100 });

describe('settingReading', () => {
  it('reports a significant reduction of the spread only when the F test rejects', () => {
    const spread = Array.from({ length: 12 }, (_, i) => (i % 2 ? 1 : -1) * (1 + i / 4));
    const tight = spread.map((x) => x / 10);
    const t = tables(spread, tight, [0, 0.5, -0.5]);
    expect(t.table1.test.reject).toBe(true);
    const text = settingReading(t, kl(1, 1.2));
    expect(text).toContain('the vanilla returns spread more than the variance-aware ones');
    expect(text).toContain(
      'a significant reduction of the spread by the variance-aware method at alpha = 0.05',
    );
    expect(text).toContain('no significant difference between the means');
    expect(text).toContain('similar (ratio at most 1.5)');
    expect(text).not.toContain('can only detect large differences'); // N = 12
  });

  it('says "no significant" and warns about small N when the test does not reject', () => {
    const t = tables([1, 1.4, 0.9, 1.2], [1.1, 1.3, 0.8, 1.25], [1, 1.1]);
    expect(t.table1.test.reject).toBe(false);
    const text = settingReading(t, kl(0.3, 0.9));
    expect(text).toContain('no significant reduction of the spread at N = 4 and 4');
    expect(text).not.toContain('a significant reduction');
    expect(text).toContain(
      'With N = 4 policies per method the tests can only detect large differences',
    );
    expect(text).toContain(
      `fell below the reference mean in ${t.table3.varianceAware.belowMean.count} of 4 cases, against ${t.table3.vanilla.belowMean.count} of 4 for vanilla`,
    );
    expect(text).toContain('**not similar**');
  });

  it('names the opposite direction when the variance-aware returns spread more', () => {
    const text = settingReading(tables([1, 1.1, 1.05], [0, 2, 4], [1]), kl(1, 1));
    expect(text).toContain(
      'the variance-aware returns spread more than the vanilla ones, the opposite of the paper',
    );
  });

  it('reads a constant variance-aware sample as an infinite ratio, significant by the test', () => {
    const t = tables([1, 2, 3], [2, 2, 2], [1, 2]);
    const text = settingReading(t, kl(1, 1));
    expect(text).toContain('Var vanilla / Var VA = Infinity');
    expect(text).toContain('a significant reduction of the spread by the variance-aware method');
  });
});

describe('klSentence', () => {
  it('says whether both methods ended at a similar KL, and what is missing', () => {
    expect(klSentence(kl(0.5, 0.6))).toContain(
      'vanilla 0.5, variance-aware 0.6 nats (ratio 1.2): similar',
    );
    expect(klSentence(kl(0.1, 0.5))).toContain('ratio 5): **not similar** (ratio above 1.5)');
    expect(klSentence(kl(-0.02, 0.005))).toContain(
      'a negative value is the sampling noise of an estimate near zero',
    );
    expect(klSentence(kl(Number.NaN, 0.5))).toContain('not measured yet');
  });
});

describe('table4Reading', () => {
  const level = (label: string, scale: number) => ({
    label,
    vanilla: [-scale, scale, -2 * scale, 2 * scale],
    varianceAware: [-1, 1, -2, 2],
  });
  it('says whether the ratio falls as the spread shrinks, as observed, not tested', () => {
    const falling = varianceRatioSweep([level('a', 4), level('b', 2), level('c', 1.2)]);
    const text = table4Reading(falling, [kl(1, 1), kl(1, 3), kl(1, 1)]);
    expect(text).toContain('The vanilla returns spread more (F > 1) at 3 of 3 levels');
    expect(text).toContain(
      'The ratio falls as the spread shrinks, as in the paper; this ordering is observed, not tested.',
    );
    expect(text).toContain('similar KL at 2 of 3 levels');
    const mixed = varianceRatioSweep([level('a', 1.2), level('b', 3)]);
    expect(table4Reading(mixed, [kl(1, 1), kl(1, 1)])).toContain('does not fall steadily');
  });
});
