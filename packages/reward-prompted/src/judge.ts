// The judge interface every interval judge implements (LLM over HTTP, offline, your own), so that
// the reward model, the CLI and the experiments do not care which judge they hold (SPEC 3).

import type { ConfigField, ConfigRule, RewardQuery } from '@va/core';
import type { TokenUsage } from './chat-client.js';
import type { Interval } from './interval.js';
import { parseInterval } from './parse-interval.js';

/** One judge's verdict on one (prompt, response) pair. */
export interface Judgment {
  /** The interval on the judge's scale, with midpoint and uniform variance. */
  readonly interval: Interval;
  /** The judge's name, e.g. `gemini-2.0-flash@generativelanguage.googleapis.com`. */
  readonly judge: string;
  readonly promptVersion: string;
  /** Answers read: 1, plus one per re-ask after an answer that did not parse. */
  readonly attempts: number;
  /** Tokens billed by this call (zero when every answer came from the cache). */
  readonly usage: TokenUsage;
  /** USD billed by this call; `null` when the judge's prices are unknown. */
  readonly costUsd: number | null;
  /** Every answer came from the cache (or from an identical request in flight). */
  readonly cached: boolean;
}

/** Anything that answers a (prompt, response) pair with an interval. */
export interface Judge {
  /** A stable name for reports and output files. */
  readonly name: string;
  /** The prompt (or scorer) version; part of every cache key and output row. */
  readonly promptVersion: string;
  /** The scale `[low, high]` its intervals lie on. */
  readonly scale: readonly [number, number];
  /**
   * Everything besides the query that changes a judgment (model and sampling, prompt version,
   * scale, rubric, re-asks), as plain JSON without secrets. `judgeFile` keeps its hash in every
   * row and refuses to resume an output written with other settings. Without it, the name, the
   * prompt version and the scale stand for it.
   */
  readonly settings?: Readonly<Record<string, unknown>>;
  judge(query: RewardQuery, options?: { signal?: AbortSignal }): Promise<Judgment>;
}

/** Zero tokens. */
export const NO_USAGE: TokenUsage = Object.freeze({ promptTokens: 0, completionTokens: 0 });

/** The scale keys every judge config has. */
export interface JudgeScale {
  /** Lowest score of the scale. */
  scaleLow: number;
  /** Highest score of the scale. */
  scaleHigh: number;
}

/** Schema fields of {@link JudgeScale} (0 to 100). */
export const scaleFields: { readonly [K in keyof JudgeScale]: ConfigField<number> } = Object.freeze(
  {
    scaleLow: { default: 0, doc: 'lowest score of the scale' },
    scaleHigh: { default: 100, doc: 'highest score of the scale (> scaleLow)' },
  },
);

/** The rule of {@link JudgeScale}: `scaleLow < scaleHigh`. */
export const orderedScale: ConfigRule<JudgeScale> = Object.freeze({
  keys: ['scaleLow', 'scaleHigh'] as const,
  check: (c: Readonly<JudgeScale>) =>
    c.scaleLow < c.scaleHigh ? undefined : 'must be below scaleHigh',
});

/**
 * The {@link Judgment} of `judge` whose answer is `text`: the interval read on the judge's scale
 * (throws `IntervalParseError` when there is none), with the bookkeeping of the calls behind it.
 */
export function readJudgment(
  judge: Pick<Judge, 'name' | 'promptVersion' | 'scale'>,
  text: string,
  calls: Pick<Judgment, 'attempts' | 'usage' | 'costUsd' | 'cached'>,
): Judgment {
  const interval = parseInterval(text, { low: judge.scale[0], high: judge.scale[1] });
  return { interval, judge: judge.name, promptVersion: judge.promptVersion, ...calls };
}
