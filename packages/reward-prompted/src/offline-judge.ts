// A simulated, deterministic judge for offline runs and tests: no model, no network. It answers the
// same JSON an LLM judge would, an interval centred on a programmatic score, wider when ambiguous.

import { defineConfig, is, type RewardQuery, ValidationError } from '@va/core';
import {
  type Judge,
  type JudgeScale,
  type Judgment,
  NO_USAGE,
  orderedScale,
  readJudgment,
  scaleFields,
} from './judge.js';
import { scoreSentiment } from './sentiment.js';

/** A programmatic score: polarity in [-1, 1] (low to high end of the scale), ambiguity in [0, 1]. */
export type OfflineScorer = (query: RewardQuery) => { polarity: number; ambiguity: number };

/** Settings of the {@link OfflineJudge}. */
export interface OfflineJudgeConfig extends JudgeScale {
  /** Interval width, as a fraction of the scale, for perfectly clear text (ambiguity 0). */
  minWidth: number;
  /** Interval width, as a fraction of the scale, for fully ambiguous text (ambiguity 1). */
  maxWidth: number;
  /** Pseudo-evidence of the sentiment scorer: larger pulls scarce evidence to neutral, wide. */
  smoothing: number;
  /** Decimals of the bounds it answers. */
  decimals: number;
}

export const OfflineJudgeConfig = defineConfig<OfflineJudgeConfig>(
  'OfflineJudgeConfig',
  {
    ...scaleFields,
    minWidth: { default: 0.05, doc: 'width fraction at ambiguity 0', check: is.probability },
    maxWidth: { default: 0.6, doc: 'width fraction at ambiguity 1', check: is.probability },
    smoothing: { default: 1, doc: 'pseudo-evidence of the scorer', check: is.positive },
    decimals: { default: 1, doc: 'decimals of the bounds', check: is.nonNegativeInteger },
  },
  {
    rules: [
      orderedScale,
      {
        keys: ['minWidth', 'maxWidth'],
        check: (c) => (c.minWidth <= c.maxWidth ? undefined : 'must be at most maxWidth'),
      },
    ],
  },
);

/** The name every offline judgment carries, so no report mistakes it for a real model. */
export const OFFLINE_JUDGE_NAME = 'offline-sentiment (simulated)';

/**
 * A simulated judge. By default it scores the sentiment of the response (not the prompt) with the
 * built-in lexicon (`scoreSentiment`): centre `lo + (hi - lo)(1 + polarity) / 2`, width
 * `(hi - lo)(minWidth + (maxWidth - minWidth) ambiguity)`, shifted inside the scale. Pass a
 * `scorer` to simulate another task. Deterministic: the same text always gets the same interval.
 */
export class OfflineJudge implements Judge {
  readonly config: Readonly<OfflineJudgeConfig>;
  readonly name: string;
  readonly promptVersion: string;
  readonly scale: readonly [number, number];
  /** Its name, scorer version and config: everything that changes its intervals. */
  readonly settings: Readonly<Record<string, unknown>>;
  private readonly scorer: OfflineScorer;

  constructor(
    config: Partial<OfflineJudgeConfig> = {},
    options: { scorer?: OfflineScorer; name?: string } = {},
  ) {
    this.config = OfflineJudgeConfig.resolve(config);
    const c = this.config;
    this.scale = [c.scaleLow, c.scaleHigh];
    this.scorer = options.scorer ?? ((q) => scoreSentiment(q.response, c.smoothing));
    this.name = options.name ?? OFFLINE_JUDGE_NAME;
    this.promptVersion = options.scorer ? 'offline-custom-v1' : 'offline-sentiment-v1';
    this.settings = Object.freeze({ judge: this.name, promptVersion: this.promptVersion, ...c });
  }

  /** The answer text it would give, `{"low": a, "high": b}`. */
  answer(query: RewardQuery): string {
    const c = this.config;
    const { polarity, ambiguity } = this.scorer(query);
    if (!Number.isFinite(polarity) || !Number.isFinite(ambiguity)) {
      throw new ValidationError(
        'OfflineJudge.answer',
        'scorer',
        'a scorer returning a finite polarity and ambiguity',
        [polarity, ambiguity],
      );
    }
    const p = Math.max(-1, Math.min(1, polarity));
    const amb = Math.max(0, Math.min(1, ambiguity));
    const range = c.scaleHigh - c.scaleLow;
    const centre = c.scaleLow + (range * (1 + p)) / 2;
    const width = range * (c.minWidth + (c.maxWidth - c.minWidth) * amb);
    let low = centre - width / 2;
    let high = centre + width / 2;
    if (low < c.scaleLow) [low, high] = [c.scaleLow, c.scaleLow + width];
    if (high > c.scaleHigh) [low, high] = [c.scaleHigh - width, c.scaleHigh];
    const f = 10 ** c.decimals;
    const round = (x: number) => Math.min(c.scaleHigh, Math.max(c.scaleLow, Math.round(x * f) / f));
    return JSON.stringify({ low: round(low), high: round(high) });
  }

  async judge(query: RewardQuery): Promise<Judgment> {
    return this.judgeSync(query);
  }

  /** {@link judge} without the promise, for tight loops. */
  judgeSync(query: RewardQuery): Judgment {
    return readJudgment(this, this.answer(query), {
      attempts: 1,
      usage: NO_USAGE,
      costUsd: 0,
      cached: false,
    });
  }
}
