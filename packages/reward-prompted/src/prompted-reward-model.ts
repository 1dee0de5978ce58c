// The prompted reward model (SPEC 3, paper Section 3.1): one or several interval judges as a
// `RewardModel`: mean = midpoint, variance = (b - a)^2 / 12, sample = fresh draw of rHat ~ U[a, b].

import {
  defineConfig,
  is,
  type Logger,
  type ProgressCallback,
  type RewardModel,
  type RewardQuery,
  type RewardScore,
  Rng,
  type ScoreOptions,
  silentLogger,
  ValidationError,
} from '@va/core';
import { type Bounds, mixIntervals, rescaleBounds, sampleMixture } from './interval.js';
import type { Judge, Judgment } from './judge.js';

/** Settings of a {@link PromptedRewardModel}. */
export interface PromptedRewardConfig {
  /**
   * Range the rewards are reported on, `[low, high]`; intervals are mapped onto it linearly from
   * their judge's scale. `null`: the first judge's scale (0 to 100 by default).
   */
  rewardRange: readonly [number, number] | null;
  /**
   * What a pair whose judge fails (no parsable answer, endpoint down) gets: `'throw'` stops the
   * batch with the error; `'full-scale'` reports the whole scale, the widest honest uncertainty.
   */
  onFailure: 'throw' | 'full-scale';
  /** Seed of the rHat draws when `score` gets no `rng`. */
  seed: number;
}

export const PromptedRewardConfig = defineConfig<PromptedRewardConfig>('PromptedRewardConfig', {
  rewardRange: {
    default: null,
    doc: 'reported reward range, null for the judge scale',
    check: (v) =>
      v === null || (Array.isArray(v) && v.length === 2 && v.every(Number.isFinite) && v[0] < v[1])
        ? undefined
        : 'must be null or [low, high] with low < high',
  },
  onFailure: {
    default: 'throw',
    doc: 'on a failed judgment',
    check: is.oneOf('throw', 'full-scale'),
  },
  seed: { default: 0, doc: 'seed when score() gets no rng', check: is.nonNegativeInteger },
});

/** A reward model made of interval judges; several judges make a mixture of their uniforms. */
export class PromptedRewardModel implements RewardModel {
  readonly config: Readonly<PromptedRewardConfig>;
  readonly name: string;
  readonly judges: readonly Judge[];
  /** The range of the reported rewards. */
  readonly range: readonly [number, number];
  private readonly rng: Rng;
  private readonly logger: Logger;
  private readonly onProgress: ProgressCallback | undefined;

  constructor(
    judges: Judge | readonly Judge[],
    config: Partial<PromptedRewardConfig> = {},
    options: { logger?: Logger; onProgress?: ProgressCallback } = {},
  ) {
    this.config = PromptedRewardConfig.resolve(config);
    this.judges = Array.isArray(judges) ? [...judges] : [judges as Judge];
    if (this.judges.length === 0) {
      throw new ValidationError('PromptedRewardModel', 'judges', 'at least one judge', judges);
    }
    this.range = this.config.rewardRange ?? this.judges[0]!.scale;
    this.name = `prompted(${this.judges.map((j) => j.name).join(' + ')})`;
    this.rng = new Rng(this.config.seed);
    this.logger = options.logger ?? silentLogger;
    this.onProgress = options.onProgress;
  }

  /**
   * Scores every pair with every judge (requests run concurrently, bounded by each judge's client).
   * Per pair: `mean` = mean of the midpoints, `variance` = mean of the uniform variances plus the
   * population variance of the midpoints (law of total variance; one judge: `(b - a)^2 / 12`),
   * `sample` = a fresh draw from the mixture (one judge: `Uniform[a, b]`), drawn in query order
   * from `options.rng` so a seeded run is reproducible, `interval` = `[min a, max b]`.
   */
  async score(queries: readonly RewardQuery[], options: ScoreOptions = {}): Promise<RewardScore[]> {
    return (await this.scoreWithJudgments(queries, options)).scores;
  }

  /**
   * {@link score}, and every judgment behind it, `judgments[query][judge]` (tokens, cost, cache
   * hits, the answer; `undefined` where a judge failed under `onFailure: 'full-scale'`).
   */
  async scoreWithJudgments(
    queries: readonly RewardQuery[],
    options: ScoreOptions = {},
  ): Promise<{ scores: RewardScore[]; judgments: (Judgment | undefined)[][] }> {
    const rng = options.rng ?? this.rng;
    const total = queries.length * this.judges.length;
    let done = 0;
    const tick = () => {
      done++;
      this.onProgress?.({ task: this.name, done, total, unit: 'judgments' });
    };
    const judgments = await Promise.all(
      queries.map((q) =>
        Promise.all(
          this.judges.map(async (judge) => {
            try {
              return await judge.judge(q, { signal: options.signal });
            } catch (e) {
              if (this.config.onFailure === 'throw' || options.signal?.aborted) throw e;
              this.logger.warn(`${judge.name}: ${(e as Error).message}; using the full scale`);
              return undefined;
            } finally {
              tick();
            }
          }),
        ),
      ),
    );
    const scores = judgments.map((row) => {
      const bounds: Bounds[] = row.map((j, k) => {
        const scale = this.judges[k]!.scale;
        const b = j ? j.interval : { low: scale[0], high: scale[1] };
        return rescaleBounds(b, scale, this.range);
      });
      const m = mixIntervals(bounds);
      return {
        mean: m.mean,
        variance: m.variance,
        sample: sampleMixture(bounds, rng),
        interval: [m.low, m.high] as const,
      };
    });
    return { scores, judgments };
  }
}
