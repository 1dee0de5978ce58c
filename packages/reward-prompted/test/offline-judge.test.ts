import { Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import { OFFLINE_JUDGE_NAME, OfflineJudge } from '../src/offline-judge.js';
import { offlineRewardModel } from '../src/offline-reward-model.js';
import { PromptedRewardModel } from '../src/prompted-reward-model.js';
import { scoreSentiment } from '../src/sentiment.js';

const r = (response: string) => ({ prompt: 'Write a movie review:', response });

describe('scoreSentiment', () => {
  it('weighs words, negation, intensifiers and "but" as documented (hand derivations)', () => {
    // great (1) + excellent (2): pos 3, polarity 3 / (3 + 1).
    expect(scoreSentiment('This movie was great and the acting was excellent.')).toMatchObject({
      positive: 3,
      negative: 0,
      polarity: 0.75,
      words: 2,
    });
    // "not good": good (1) negated -> -0.75.
    const neg = scoreSentiment("It wasn't good.");
    expect(neg.negative).toBeCloseTo(0.75, 12);
    expect(neg.polarity).toBeCloseTo(-0.75 / 1.75, 12);
    // "very good": 1.5.
    expect(scoreSentiment('A very good film.').positive).toBeCloseTo(1.5, 12);
    // "fine but awful": fine 1 x 0.5 before "but", awful 2 x 1.5 after.
    const mixed = scoreSentiment('The plot was fine but the ending was awful.');
    expect(mixed.positive).toBeCloseTo(0.5, 12);
    expect(mixed.negative).toBeCloseTo(3, 12);
    // mixed = 2 * 0.5 / 3.5; weak = 1 / 4.5; ambiguity = 1 - (1 - mixed)(1 - weak).
    expect(mixed.ambiguity).toBeCloseTo(1 - (1 - 1 / 3.5) * (1 - 1 / 4.5), 12);
  });

  it('stops negation at a clause break', () => {
    expect(scoreSentiment('Not what I expected. Good film.').positive).toBe(1);
  });

  it('gives no evidence full ambiguity and zero polarity', () => {
    expect(scoreSentiment('It is a film about a man.')).toMatchObject({
      polarity: 0,
      ambiguity: 1,
      words: 0,
    });
  });
});

describe('OfflineJudge', () => {
  const judge = new OfflineJudge();

  it('is documented as simulated in every judgment', async () => {
    const j = await judge.judge(r('Great film.'));
    expect(j.judge).toBe(OFFLINE_JUDGE_NAME);
    expect(j.judge).toContain('simulated');
    expect(j.promptVersion).toBe('offline-sentiment-v1');
    expect(j.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
  });

  it('answers the intervals of the documented formula (hand derivations)', () => {
    const cases: [string, number, number][] = [
      // centre 50(1 + 0.75) = 87.5; width 100(0.05 + 0.55 * 0.25) = 18.75.
      ['This movie was great and the acting was excellent.', 78.1, 96.9],
      // centre 50(1 - 0.75/1.75) = 28.57; width 5 + 55(1/1.75) = 36.43.
      ['It was not good.', 10.4, 46.8],
      // centre 50(1 + 0.6) = 80; width 5 + 55 * 0.4 = 27.
      ['A very good film.', 66.5, 93.5],
      // centre 50(1 - 2.5/4.5) = 22.22; ambiguity 4/9, width 5 + 55 * 4/9 = 29.44.
      ['The plot was fine but the ending was awful.', 7.5, 36.9],
      // no evidence: centre 50, width 60.
      ['It was a film.', 20, 80],
      // pos 10, centre 95.45, width 10 -> shifted inside the scale.
      ['Masterpiece! Brilliant, superb, outstanding, perfect.', 90, 100],
    ];
    for (const [text, low, high] of cases) {
      expect(judge.judgeSync(r(text)).interval, text).toMatchObject({ low, high });
    }
  });

  it('is narrow for clear text and wide for mixed or weak evidence', () => {
    const width = (t: string) => {
      const i = judge.judgeSync(r(t)).interval;
      return i.high - i.low;
    };
    const clear = width('A brilliant, moving, beautiful film with superb acting. Loved it.');
    const clearNeg = width('Awful, boring, stupid and painful. The worst film of the year.');
    const mixed = width(
      'Beautiful photography, but a boring and stupid script; great music though.',
    );
    const weak = width('The film runs two hours.');
    expect(clear).toBeLessThan(12);
    expect(clearNeg).toBeLessThan(12);
    expect(mixed).toBeGreaterThan(2 * clear);
    expect(weak).toBe(60);
  });

  it('orders by sentiment', () => {
    const mean = (t: string) => judge.judgeSync(r(t)).interval.mean;
    expect(mean('Terrible.')).toBeLessThan(mean('Bad.'));
    expect(mean('Bad.')).toBeLessThan(mean('It exists.'));
    expect(mean('It exists.')).toBeLessThan(mean('Good.'));
    expect(mean('Good.')).toBeLessThan(mean('Very good.'));
    expect(mean('Very good.')).toBeLessThan(mean('Excellent and wonderful.'));
    // "not bad": bad (1) negated gives positive 0.75, polarity 0.75 / 1.75 = 3/7, centre
    // 50 (1 + 3/7) = 71.43; ambiguity = weak = 1 / 1.75, width 5 + 55 * 4/7 = 36.43.
    expect(judge.judgeSync(r('Not bad.')).interval).toMatchObject({ low: 53.2, high: 89.6 });
    // "not good" mirrors it around 50.
    expect(judge.judgeSync(r('Not good.')).interval).toMatchObject({ low: 10.4, high: 46.8 });
  });

  it('is deterministic and uses only the response', () => {
    const a = judge.judgeSync({ prompt: 'Awful prompt, terrible.', response: 'Great.' });
    const b = judge.judgeSync({ prompt: 'Lovely prompt.', response: 'Great.' });
    expect(a.interval).toEqual(b.interval);
  });

  it('works on another scale and with a custom scorer', () => {
    const unit = new OfflineJudge({ scaleLow: -1, scaleHigh: 1, decimals: 3 });
    const i = unit.judgeSync(r('It was a film.')).interval;
    expect([i.low, i.high]).toEqual([-0.6, 0.6]);
    const custom = new OfflineJudge({}, { scorer: () => ({ polarity: 1, ambiguity: 0 }) });
    expect(custom.judgeSync(r('x')).interval).toMatchObject({ low: 95, high: 100 });
    expect(custom.promptVersion).toBe('offline-custom-v1');
  });

  it('rejects inconsistent widths and unknown keys', () => {
    expect(() => new OfflineJudge({ minWidth: 0.5, maxWidth: 0.2 })).toThrow(
      /OfflineJudgeConfig.minWidth: must be at most maxWidth \(got minWidth = 0.5, maxWidth = 0.2\)/,
    );
    expect(() => new OfflineJudge({ scaleLow: 1, scaleHigh: 0 })).toThrow(
      /OfflineJudgeConfig.scaleLow: must be below scaleHigh/,
    );
    expect(() =>
      new OfflineJudge({}, { scorer: () => ({ polarity: Number.NaN, ambiguity: 0 }) }).answer(
        r('x'),
      ),
    ).toThrow(/OfflineJudge.answer: argument 'scorer' must be a scorer returning a finite/);
    expect(() => new OfflineJudge({ width: 1 } as never)).toThrow(/unknown key/);
  });

  it('drives a PromptedRewardModel like any judge', async () => {
    const model = new PromptedRewardModel(new OfflineJudge(), { rewardRange: [0, 1] });
    const scores = await model.score([r('Great film.'), r('Awful film.')], { rng: new Rng(4) });
    // "great" (1): polarity 1/2, ambiguity = weak = 1/2: centre 75, width 5 + 55/2 = 32.5, so
    // [58.75, 91.25] answered to one decimal as [58.8, 91.3], then mapped onto [0, 1].
    // "awful" (2): polarity -2/3, ambiguity 1/3: centre 16.67, width 23.33: [5, 28.3].
    const expected = [
      [0.588, 0.913],
      [0.05, 0.283],
    ];
    const rng = new Rng(4); // draws in query order, one uniform per pair
    scores.forEach((s, i) => {
      const [a, b] = expected[i]!;
      expect(s.interval![0]).toBeCloseTo(a!, 14);
      expect(s.interval![1]).toBeCloseTo(b!, 14);
      expect(s.mean).toBeCloseTo((a! + b!) / 2, 14);
      expect(s.variance).toBeCloseTo((b! - a!) ** 2 / 12, 14);
      expect(s.sample).toBeCloseTo(rng.uniform(a!, b!), 12);
    });
  });
});

describe('offlineRewardModel', () => {
  it('is the offline judge with the options as its config, seeded by the context', async () => {
    const model = await offlineRewardModel('', {
      seed: 9,
      options: { minWidth: 0.1, maxWidth: 0.1 },
    });
    expect(model.name).toBe(`prompted(${OFFLINE_JUDGE_NAME})`);
    // No evidence: centre 50; width 100 * 0.1 whatever the ambiguity: [45, 55].
    const [s] = await model.score([r('It was a film.')]);
    expect(s!.interval).toEqual([45, 55]);
    expect(s!.variance).toBeCloseTo(100 / 12, 12);
    // No rng given: the draws come from the seed.
    expect(s!.sample).toBeCloseTo(new Rng(9).uniform(45, 55), 12);
    await expect(
      Promise.resolve().then(() => offlineRewardModel('', { seed: 0, options: { width: 1 } })),
    ).rejects.toThrow(/OfflineJudgeConfig.width: unknown key/);
  });
});
