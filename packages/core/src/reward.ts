// The reward-model interface shared by producers (`@va/reward-ensemble`, `@va/reward-prompted`) and
// consumers (`@va/ppo`, `@va/experiment`): a reward estimate together with its variance (SPEC 1, 3).

import type { Rng } from './rng.js';

/**
 * One turn of a dialogue, as Hugging Face chat templates and OpenAI-compatible chat endpoints take
 * it (`role` is usually `system`, `user` or `assistant`).
 */
export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

/** One (prompt, response) pair to score. */
export interface RewardQuery {
  readonly prompt: string;
  readonly response: string;
}

/** A reward model's answer for one pair. */
export interface RewardScore {
  /**
   * The point estimate: the ensemble mean over members, or the midpoint of a judge's interval.
   * Evaluation uses this value.
   */
  readonly mean: number;
  /** The variance `sigma2` of the estimate (ensemble: sample variance, ddof 1; interval: (b-a)^2/12). */
  readonly variance: number;
  /**
   * The reward PPO trains on, `rHat`: equal to `mean` for an ensemble, a fresh draw from
   * Uniform[a, b] for an interval judge.
   */
  readonly sample: number;
  /** Per-member rewards, when the model is an ensemble. */
  readonly members?: readonly number[];
  /** The judge's interval `[low, high]`, when the model is prompted. */
  readonly interval?: readonly [number, number];
}

/** Options of {@link RewardModel.score}. */
export interface ScoreOptions {
  /** Random source for sampled rewards; models that need one and get none use a fixed seed. */
  readonly rng?: Rng;
  readonly signal?: AbortSignal;
}

/** Anything that scores (prompt, response) pairs with a mean and a variance. */
export interface RewardModel {
  /** A stable name for reports and caches, e.g. `ensemble(k=10, backbone=tiny-gpt2)`. */
  readonly name: string;
  score(queries: readonly RewardQuery[], options?: ScoreOptions): Promise<RewardScore[]>;
  /** Releases what the model holds (tensors, sockets). */
  dispose?(): void | Promise<void>;
}
