// The checks every reward model's answers pass (what RewardModelRegistry makes; PPOTrainer's for a
// model made elsewhere): a time limit on each call, one answer per query, finite means and samples,
// variances >= 0. Each failure is one error naming the model, the field and the first bad value.

import { ConfigError, describeValue, ResourceError, VaError } from './errors.js';
import type { RewardModel, RewardQuery, RewardScore, ScoreOptions } from './reward.js';

/** The time limit of one `score()` call when `VA_REWARD_TIME_LIMIT` does not set one: 10 minutes. */
export const DEFAULT_REWARD_TIME_LIMIT_S = 600;

/** The time limit of one `score()` call, in seconds: `VA_REWARD_TIME_LIMIT`, else the default. */
export function rewardTimeLimitSeconds(
  env: Readonly<Record<string, string | undefined>> = globalThis.process?.env ?? {},
): number {
  const text = env.VA_REWARD_TIME_LIMIT;
  if (text === undefined || text === '') return DEFAULT_REWARD_TIME_LIMIT_S;
  const seconds = Number(text);
  if (!(Number.isFinite(seconds) && seconds > 0)) {
    throw new ConfigError(
      'environment',
      'VA_REWARD_TIME_LIMIT',
      `must be a number of seconds > 0 (got ${JSON.stringify(text)})`,
    );
  }
  return seconds;
}

/**
 * `scores` checked as the answer of reward model `label` to `count` queries: an array of `count`
 * `{ mean, variance, sample }` with finite numbers and `variance >= 0`; returned as is.
 */
export function checkRewardScores(label: string, scores: unknown, count: number): RewardScore[] {
  const fail = (answered: string, expected: string): never => {
    throw new ResourceError(
      `reward model '${label}': score() answered ${answered}; expected ${expected}. Fix the reward model`,
    );
  };
  if (!Array.isArray(scores)) fail(describeValue(scores), `an array of ${count} scores`);
  const list = scores as unknown[];
  if (list.length !== count) {
    fail(`${list.length} scores for ${count} queries`, 'one score per query');
  }
  const bad = (field: string, expected: string, value: unknown) =>
    fail(`${describeValue(value)} for ${field}`, expected);
  list.forEach((s, i) => {
    if (typeof s !== 'object' || s === null) bad(`[${i}]`, '{ mean, variance, sample }', s);
    const score = s as Record<string, unknown>;
    for (const key of ['mean', 'variance', 'sample'] as const) {
      const v = score[key];
      const ok = typeof v === 'number' && Number.isFinite(v) && (key !== 'variance' || v >= 0);
      if (!ok)
        bad(`[${i}].${key}`, key === 'variance' ? 'a finite number >= 0' : 'a finite number', v);
    }
  });
  return list as RewardScore[];
}

/**
 * `promise`, or a {@link ResourceError} once `seconds` have passed without it settling (`signal`
 * is aborted then, for whoever can stop the work).
 */
export async function withTimeLimit<T>(
  promise: Promise<T>,
  seconds: number,
  what: string,
  abort?: AbortController,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ResourceError(
        `${what}: no answer within ${seconds} s (the time limit of one call; VA_REWARD_TIME_LIMIT=<seconds> sets it)`,
      );
      abort?.abort(error);
      reject(error);
    }, seconds * 1000);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `model` behind the checks (the same object otherwise): each `score()` call has `timeLimitSeconds` to answer (its signal is
 * aborted then), its answer is checked ({@link checkRewardScores}), and what it throws is re-thrown
 * naming `label` (the spec that made it, e.g. `module:judge.js`).
 */
export function checkedRewardModel(
  model: RewardModel,
  label: string,
  timeLimitSeconds: number = rewardTimeLimitSeconds(),
): RewardModel {
  const what = `reward model '${label}'`;
  const score = async (
    queries: readonly RewardQuery[],
    options: ScoreOptions = {},
  ): Promise<RewardScore[]> => {
    const abort = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
    let answer: unknown;
    try {
      answer = await withTimeLimit(
        Promise.resolve().then(() => model.score(queries, { ...options, signal })),
        timeLimitSeconds,
        `${what}: score() of ${queries.length} queries`,
        abort,
      );
    } catch (error) {
      if (error instanceof VaError && error.message.startsWith(what)) throw error;
      throw new ResourceError(`${what}: score() failed: ${(error as Error)?.message ?? error}`, {
        cause: error,
      });
    }
    return checkRewardScores(label, answer, queries.length);
  };
  // Everything else of the model (its name, dispose, an ensemble's members) stays as it was.
  return new Proxy(model, {
    get(target, key) {
      if (key === 'score') return score;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The number a true reward's `score(prompt, response)` returns, checked: a finite number, answered
 * at once (a true reward is synchronous); what it throws is re-thrown naming `label`.
 */
export function checkTrueScore(label: string, score: () => unknown): number {
  let value: unknown;
  try {
    value = score();
  } catch (error) {
    throw new ResourceError(
      `trueReward '${label}': score() failed: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const promise = typeof (value as { then?: unknown })?.then === 'function';
    throw new ResourceError(
      `trueReward '${label}': score() answered ${promise ? 'a Promise' : describeValue(value)}; expected a finite number` +
        (promise ? ', returned at once (a true reward is synchronous)' : '') +
        '. Fix the module',
    );
  }
  return value;
}
