// AdamW (Loshchilov & Hutter 2019, decoupled weight decay) over plain Float64Arrays, with the
// learning-rate schedules of Hugging Face `transformers` (the paper's Table 8: cosine).

/** Hyper-parameters of {@link AdamW}. */
export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

/**
 * AdamW state for one parameter vector, with PyTorch's update rule: `p -= lr * wd * p`, then the
 * bias-corrected Adam step `p -= lr * mHat / (sqrt(vHat) + eps)`. State is per parameter, so
 * several vectors stepped by separate instances never influence each other.
 */
export class AdamW {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    readonly size: number,
    private readonly options: AdamWOptions,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** Number of steps taken. */
  get steps(): number {
    return this.t;
  }

  /**
   * One update of `params[offset + i * stride]` for `i < size` from `grad[i]`, in place. The
   * stride lets one head be a column of the `d x K` weight matrix.
   */
  step(params: Float64Array, grad: ArrayLike<number>, lr: number, offset = 0, stride = 1): void {
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    this.t += 1;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const decay = 1 - lr * weightDecay;
    for (let i = 0; i < this.size; i++) {
      const g = grad[i]!;
      const j = offset + i * stride;
      const m = beta1 * this.m[i]! + (1 - beta1) * g;
      const v = beta2 * this.v[i]! + (1 - beta2) * g * g;
      this.m[i] = m;
      this.v[i] = v;
      params[j] = params[j]! * decay - (lr * (m / c1)) / (Math.sqrt(v / c2) + epsilon);
    }
  }
}

/** Learning-rate schedules, named as in Hugging Face `transformers` (`lr_scheduler_type`). */
export type LearningRateSchedule = 'cosine' | 'linear' | 'constant';

/**
 * The learning rate at 0-based `step` of `totalSteps`: linear warmup over `warmupSteps`, then
 * `schedule`. Same factors as `get_cosine_schedule_with_warmup` / `get_linear_schedule_with_warmup`.
 */
export function scheduledLearningRate(
  schedule: LearningRateSchedule,
  baseLr: number,
  step: number,
  totalSteps: number,
  warmupSteps = 0,
): number {
  if (step < warmupSteps) return (baseLr * step) / Math.max(1, warmupSteps);
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  switch (schedule) {
    case 'cosine':
      return baseLr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
    case 'linear':
      return baseLr * Math.max(0, 1 - progress);
    case 'constant':
      return baseLr;
  }
}
