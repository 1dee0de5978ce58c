// The per-token rewards of PPO for language models (SPEC 4, eq. 5 and 6): every generated token is
// penalised by beta_eff times an estimate of log(pi / pi0), and the last token also gets the score.
// Vanilla: beta_eff = beta. Variance-aware: beta_eff = beta * sigma2(x, y), so a response whose
// reward is uncertain stays closer to the reference.

import { checkNumber, checkOneOf, checkVector, type RewardScore, ValidationError } from '@va/core';
import { mean } from '@va/stats';

/** A user's penalty: one token's policy and reference log-probabilities to a penalty. */
export type PenaltyFunction = (logprob: number, refLogprob: number) => number;

/**
 * The penalty estimators with a closed form per token, by name (TRL's `kl_penalty` names, plus
 * `k3`), from `a = logp` (policy) and `b = logp_ref` (reference). A new estimator is one line here:
 * `PPOConfig.penalty`, `va ppo --penalty` and their help take it from this table.
 */
const TOKEN_PENALTY_FUNCTIONS = {
  /** `logp - logp_ref`: unbiased per-sample estimate of KL(pi || pi0), can be negative. */
  kl: (a, b) => a - b,
  /** `|logp - logp_ref|`. */
  abs: (a, b) => Math.abs(a - b),
  /** `0.5 * (logp - logp_ref)^2`. */
  mse: (a, b) => 0.5 * (a - b) ** 2,
  /** `exp(logp_ref - logp) - 1 - (logp_ref - logp)`: Schulman's low-variance, non-negative estimator. */
  k3: (a, b) => Math.expm1(b - a) - (b - a),
} as const satisfies Record<string, PenaltyFunction>;

export type TokenPenalty = keyof typeof TOKEN_PENALTY_FUNCTIONS;
/** Penalty estimators with a closed form per token (see {@link penaltyPerToken}). */
export const TOKEN_PENALTIES: readonly TokenPenalty[] = Object.freeze(
  Object.keys(TOKEN_PENALTY_FUNCTIONS) as TokenPenalty[],
);
export type PenaltyKind = TokenPenalty | 'full';
/** Every built-in penalty; `full` needs the whole next-token distributions (computed in the rollout). */
export const PENALTIES: readonly PenaltyKind[] = Object.freeze([...TOKEN_PENALTIES, 'full']);

/** How the penalty is weighted: by beta alone, or by beta times the reward's variance. */
export const METHODS = ['vanilla', 'variance-aware'] as const;
export type Method = (typeof METHODS)[number];

/**
 * The penalty of each token, from `logprobs` (policy) and `refLogprobs` (reference): one of
 * {@link TOKEN_PENALTIES} (`kl`, `abs`, `mse`, `k3`; defined in the table above), or a function
 * applied token by token.
 */
export function penaltyPerToken(
  kind: TokenPenalty | PenaltyFunction,
  logprobs: ArrayLike<number>,
  refLogprobs: ArrayLike<number>,
): number[] {
  const where = 'penaltyPerToken';
  const lp = checkVector(where, 'logprobs', logprobs, { minLength: 0 });
  const ref = checkVector(where, 'refLogprobs', refLogprobs, {
    length: lp.length,
    lengthOf: 'logprobs',
    minLength: 0,
  });
  const f: PenaltyFunction =
    typeof kind === 'function'
      ? kind
      : TOKEN_PENALTY_FUNCTIONS[checkOneOf(where, 'kind', kind, TOKEN_PENALTIES)];
  return Array.from(lp, (a, i) => {
    const p = f(a, ref[i]!);
    if (!Number.isFinite(p)) {
      throw new ValidationError(
        where,
        `penalty of token ${i}`,
        'a finite number',
        p,
        `logprob ${a}, refLogprob ${ref[i]}; check the custom penalty`,
      );
    }
    return p;
  });
}

/** Arguments of {@link tokenRewards}. */
export interface TokenRewardsInput {
  /** The score the last token gets (the noisy reward rHat, after any transform). */
  readonly score: number;
  /** Policy log-probabilities of the generated tokens. */
  readonly logprobs: ArrayLike<number>;
  /** Reference log-probabilities of the same tokens. */
  readonly refLogprobs: ArrayLike<number>;
  /** The KL coefficient beta (the controller's value). */
  readonly beta: number;
  /** The reward's variance sigma2(x, y); required by `variance-aware`. */
  readonly variance?: number;
  readonly method: Method;
  /**
   * A per-token estimator, a function, or the per-token penalties already computed (how the
   * rollout passes `full`, the KL over the vocabulary). Default `kl`.
   */
  readonly penalty?: TokenPenalty | PenaltyFunction | ArrayLike<number>;
  /**
   * `variance-aware` uses `max(variance, varianceFloor)`: a point interval `[a, a]` (variance 0)
   * keeps a penalty instead of none. Default 0 (no floor; the trainer floors a batch with
   * {@link penaltyWeights} and passes the weighted variance).
   */
  readonly varianceFloor?: number;
}

/** Arguments of {@link penaltyWeights}. */
export interface PenaltyWeightsInput {
  readonly method: Method;
  /** The KL coefficient beta (the controller's value). */
  readonly beta: number;
  /** The batch's reward variances sigma2(x, y), one per response (read by `variance-aware` only). */
  readonly variances: ArrayLike<number>;
  /** `variance-aware` weights by `max(sigma2, varianceFloor)` (default 0). */
  readonly varianceFloor?: number;
  /** `variance-aware` divides the floored variances by their batch mean (default false). */
  readonly normalizeVariance?: boolean;
}

/** What {@link penaltyWeights} returns, one entry per response. */
export interface PenaltyWeights {
  /** `beta_eff` of each response. */
  readonly betas: number[];
  /**
   * The variance each `beta_eff` is `beta` times: `max(sigma2, floor) / scale` (variance-aware),
   * or sigma2 as given (vanilla, where it weights nothing).
   */
  readonly variances: number[];
  /** What the floored variances were divided by: their mean under `normalizeVariance`, else 1. */
  readonly scale: number;
  /** The share of responses whose sigma2 is below the floor (0 for vanilla). */
  readonly flooredShare: number;
}

/**
 * The paper's weighting of one batch (SPEC 4): vanilla `beta_eff = beta`; variance-aware
 * `beta_eff = beta * max(sigma2, varianceFloor) / scale`, with `scale` the batch mean of the floored
 * variances when `normalizeVariance` is on (so both methods have the same mean penalty at one beta),
 * else 1. The only place the floor, the normalisation and `beta_eff` are applied.
 */
export function penaltyWeights(input: PenaltyWeightsInput): PenaltyWeights {
  const where = 'penaltyWeights';
  const method = checkOneOf(where, 'method', input.method, METHODS);
  const beta = checkNumber(where, 'beta', input.beta, { min: 0 });
  const raw = Array.from(checkVector(where, 'variances', input.variances, { minLength: 0 }));
  if (method === 'vanilla') {
    return { betas: raw.map(() => beta), variances: raw, scale: 1, flooredShare: 0 };
  }
  const floor = checkNumber(where, 'varianceFloor', input.varianceFloor ?? 0, { min: 0 });
  raw.forEach((v, i) => {
    checkNumber(where, `variances[${i}]`, v, { min: 0 });
  });
  const floored = raw.map((v) => Math.max(v, floor));
  const scale =
    input.normalizeVariance === true && floored.length > 0
      ? Math.max(mean(floored), Number.MIN_VALUE)
      : 1;
  const variances = floored.map((v) => v / scale);
  return {
    betas: variances.map((v) => beta * v),
    variances,
    scale,
    flooredShare: raw.length ? raw.filter((v) => v < floor).length / raw.length : 0,
  };
}

/** The effective coefficient of one response: `beta`, or `beta * max(variance, varianceFloor)`. */
export function effectiveBeta(
  method: Method,
  beta: number,
  variance: number | undefined,
  varianceFloor = 0,
): number {
  const where = 'effectiveBeta';
  checkOneOf(where, 'method', method, METHODS);
  checkNumber(where, 'beta', beta, { min: 0 });
  if (method === 'vanilla') return beta;
  if (variance === undefined) {
    throw new ValidationError(
      where,
      'variance',
      "a finite number >= 0 (method 'variance-aware' weights the penalty by it)",
      variance,
    );
  }
  checkNumber(where, 'variance', variance, { min: 0 });
  checkNumber(where, 'varianceFloor', varianceFloor, { min: 0 });
  return penaltyWeights({ method, beta, variances: [variance], varianceFloor }).betas[0]!;
}

/**
 * Per-token rewards of one response (SPEC 4): `reward_t = -beta_eff * penalty_t`, and the last token
 * also gets `score`. `beta_eff` is `beta` (vanilla) or `beta * max(variance, varianceFloor)`
 * (variance-aware).
 */
export function tokenRewards(input: TokenRewardsInput): number[] {
  const where = 'tokenRewards';
  const score = checkNumber(where, 'score', input.score);
  const beta = effectiveBeta(input.method, input.beta, input.variance, input.varianceFloor);
  const penalty = input.penalty ?? 'kl';
  const penalties =
    typeof penalty === 'string' || typeof penalty === 'function'
      ? penaltyPerToken(penalty, input.logprobs, input.refLogprobs)
      : Array.from(
          checkVector(where, 'penalty', penalty, {
            length: input.logprobs.length,
            lengthOf: 'logprobs',
          }),
        );
  if (penalties.length === 0) {
    throw new ValidationError(where, 'logprobs', 'at least one generated token', input.logprobs);
  }
  const rewards = penalties.map((p) => -beta * p);
  rewards[rewards.length - 1]! += score;
  return rewards;
}

/** How a reward model's answer becomes the score PPO trains on. */
export const SCORE_TRANSFORMS = [
  'sample',
  'mean',
  'uncertainty-weighted',
  'worst-case',
  'lcb',
] as const;
export type ScoreTransformKind = (typeof SCORE_TRANSFORMS)[number];
/** A user's transform of a reward model's answer into a training score. */
export type ScoreTransformFunction = (score: RewardScore) => number;

/**
 * The training score of one answer:
 * - `sample`: the noisy reward rHat (the ensemble mean, or a fresh draw from a judge's interval);
 * - `mean`: the point estimate;
 * - `uncertainty-weighted`: `mean - lambda * variance`;
 * - `worst-case`: the lowest ensemble member (needs `members`);
 * - `lcb`: the lower confidence bound `mean - k * sqrt(variance)`.
 */
export function transformScore(
  score: RewardScore,
  kind: ScoreTransformKind | ScoreTransformFunction,
  options: { lambda?: number; k?: number } = {},
): number {
  const where = 'transformScore';
  if (typeof kind === 'function') return checkNumber(where, 'transform(score)', kind(score));
  switch (checkOneOf(where, 'kind', kind, SCORE_TRANSFORMS)) {
    case 'sample':
      return score.sample;
    case 'mean':
      return score.mean;
    case 'uncertainty-weighted':
      return score.mean - (options.lambda ?? 1) * score.variance;
    case 'lcb':
      return score.mean - (options.k ?? 1) * Math.sqrt(score.variance);
    case 'worst-case': {
      if (!score.members || score.members.length === 0) {
        throw new ValidationError(
          where,
          'score.members',
          "the ensemble members' rewards (transform 'worst-case' takes the lowest)",
          score.members,
          "Use an ensemble reward model, or another transform such as 'lcb'",
        );
      }
      return Math.min(...score.members);
    }
  }
}
