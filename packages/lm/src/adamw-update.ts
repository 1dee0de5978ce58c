// One AdamW step on plain arrays (Loshchilov & Hutter 2019), in torch.optim.AdamW's order of
// operations: the host-side update of `AdamW` and the update of reward-ensemble's linear heads.

import { ValidationError } from '@va/core';
import type { OptimizerSettings } from './optimizer-config.js';

/** A parameter or moment vector: float32 (model weights) or float64 (exact small heads). */
export type FloatArray = Float32Array | Float64Array;

/** The hyper-parameters one AdamW step reads. */
export type AdamWHyperparameters = Readonly<
  Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon' | 'weightDecay'>
>;

/** Options of {@link adamwUpdate}. */
export interface AdamWUpdateOptions {
  /** Index in `params` of the first entry updated (default 0). */
  readonly offset?: number;
  /**
   * Distance in `params` between updated entries (default 1): with `stride` k and `offset` j, the
   * update touches column j of a row-major matrix k wide.
   */
  readonly stride?: number;
  /** Whether weight decay applies to this vector (default true; biases and gains often opt out). */
  readonly decay?: boolean;
  /** Multiplies every gradient entry first (gradient clipping without a second copy). Default 1. */
  readonly gradScale?: number;
}

/**
 * One AdamW step, in place: for `i < m.length`, updates the moments `m[i]`, `v[i]` from `grad[i]`
 * and the parameter `params[offset + i * stride]`, as torch.optim.AdamW does:
 * `p = p * (1 - lr * wd) - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)`.
 * `step` is t, the 1-based count of steps this state has taken (bias correction). Moments and
 * parameters keep their array's precision (float32 rounds each stored value; float64 is exact).
 */
export function adamwUpdate(
  params: FloatArray,
  grad: ArrayLike<number>,
  m: FloatArray,
  v: FloatArray,
  step: number,
  learningRate: number,
  settings: AdamWHyperparameters,
  options: AdamWUpdateOptions = {},
): void {
  const { offset = 0, stride = 1, decay = true, gradScale = 1 } = options;
  const size = m.length;
  const where = 'adamwUpdate';
  if (v.length !== size) {
    throw new ValidationError(
      where,
      'v',
      `an array of ${size} entries (as long as m)`,
      `${v.length} entries`,
    );
  }
  if (grad.length < size) {
    throw new ValidationError(
      where,
      'grad',
      `an array of at least ${size} entries (one per entry of m)`,
      `${grad.length} entries`,
    );
  }
  if (!(Number.isInteger(step) && step >= 1)) {
    throw new ValidationError(where, 'step', 'a positive integer (1 at the first step)', step);
  }
  if (!(Number.isInteger(offset) && offset >= 0 && Number.isInteger(stride) && stride >= 1)) {
    throw new ValidationError(
      where,
      'options',
      'a non-negative integer offset and a positive integer stride',
      `offset ${offset}, stride ${stride}`,
    );
  }
  if (size > 0 && offset + (size - 1) * stride >= params.length) {
    throw new ValidationError(
      where,
      'params',
      `an array of at least ${offset + (size - 1) * stride + 1} entries (offset ${offset}, stride ${stride}, ${size} updated)`,
      `${params.length} entries`,
    );
  }
  const { beta1, beta2, epsilon, weightDecay } = settings;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = learningRate / (1 - beta1 ** step);
  const keep = decay && weightDecay > 0 ? 1 - learningRate * weightDecay : 1;
  for (let i = 0; i < size; i++) {
    const g = grad[i]! * gradScale;
    m[i] = beta1 * m[i]! + (1 - beta1) * g;
    v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
    const j = offset + i * stride;
    params[j] = params[j]! * keep - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + epsilon);
  }
}
