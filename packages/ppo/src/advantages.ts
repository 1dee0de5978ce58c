// Advantages and returns (Schulman et al. 2016, "High-Dimensional Continuous Control Using
// Generalized Advantage Estimation"), whitening, and running moments of the scores, with TRL's
// conventions (`compute_advantages`, `masked_whiten`, `RunningMoments`) so that the arithmetic can
// be checked against it.

import { checkNumber, checkVector, ValidationError } from '@va/core';
import { mean, variance } from '@va/stats';

/** Options of {@link gae}. */
export interface GaeOptions {
  /** Discount per token (TRL's `gamma`, 1 for language). */
  readonly gamma: number;
  /** GAE's bias-variance trade-off (TRL's `lam`). */
  readonly lambda: number;
}

/**
 * GAE for one sequence of per-token `rewards` and `values` (the value head's V(s_t) before each
 * token): `delta_t = r_t + gamma V_{t+1} - V_t` with the value after the last token taken as 0,
 * `A_t = delta_t + gamma lambda A_{t+1}`, and `returns = advantages + values`. The advantages come
 * back raw, as TRL's `compute_advantages` before it whitens.
 */
export function gae(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  options: GaeOptions,
): { advantages: number[]; returns: number[] } {
  const where = 'gae';
  const r = checkVector(where, 'rewards', rewards);
  const v = checkVector(where, 'values', values, { length: r.length, lengthOf: 'rewards' });
  const gamma = checkNumber(where, 'options.gamma', options.gamma, { min: 0, max: 1 });
  const lambda = checkNumber(where, 'options.lambda', options.lambda, { min: 0, max: 1 });
  const n = r.length;
  const advantages = new Array<number>(n);
  let last = 0;
  for (let t = n - 1; t >= 0; t--) {
    const next = t < n - 1 ? v[t + 1]! : 0;
    const delta = r[t]! + gamma * next - v[t]!;
    last = delta + gamma * lambda * last;
    advantages[t] = last;
  }
  return { advantages, returns: advantages.map((a, t) => a + v[t]!) };
}

/**
 * TRL's `masked_whiten` over every value given: `(x - mean) / sqrt(var + 1e-8)` with the unbiased
 * variance, the mean added back when `shiftMean` is false (reward whitening keeps the level).
 */
export function whiten(values: ArrayLike<number>, options: { shiftMean?: boolean } = {}): number[] {
  const x = checkVector('whiten', 'values', values, { minLength: 2 });
  // TRL's masked_mean and masked_var: the mean, and the unbiased variance (divisor n - 1).
  const m = mean(x);
  const scale = 1 / Math.sqrt(variance(x) + 1e-8);
  const shift = options.shiftMean ?? true;
  return Array.from(x, (v) => (v - m) * scale + (shift ? 0 : m));
}

/** What {@link RunningMoments.state} returns (checkpoints). */
export interface RunningMomentsState {
  readonly mean: number;
  readonly variance: number;
  readonly count: number;
}

/**
 * Running mean and standard deviation of the scores across steps (TRL's `RunningMoments`, for
 * score scaling and normalisation): a batch's population moments merged into the running ones.
 */
export class RunningMoments {
  mean = 0;
  std = 1;
  private variance = 1;
  private count = 1e-24;

  /** Adds a batch; returns its own mean and unbiased standard deviation. */
  update(xs: ArrayLike<number>): { mean: number; std: number } {
    const x = checkVector('RunningMoments.update', 'xs', xs, { minLength: 2 });
    const n = x.length;
    const m = mean(x);
    const unbiased = variance(x);
    const population = (unbiased * (n - 1)) / n;
    const delta = m - this.mean;
    const total = this.count + n;
    const oldSum = this.variance * this.count + (delta * delta * this.count * n) / total;
    this.mean += (delta * n) / total;
    this.variance = (oldSum + population * n) / total;
    this.std = Math.sqrt((this.variance * total) / (total - 1));
    this.count = total;
    return { mean: m, std: Math.sqrt(unbiased) };
  }

  state(): RunningMomentsState {
    return { mean: this.mean, variance: this.variance, count: this.count };
  }

  loadState(state: RunningMomentsState): void {
    for (const key of ['mean', 'variance', 'count'] as const) {
      if (!Number.isFinite(state[key])) {
        throw new ValidationError(
          'RunningMoments.loadState',
          `state.${key}`,
          'a finite number',
          state[key],
        );
      }
    }
    this.mean = state.mean;
    this.variance = state.variance;
    this.count = state.count;
    this.std = this.count > 1 ? Math.sqrt((this.variance * this.count) / (this.count - 1)) : 1;
  }
}
