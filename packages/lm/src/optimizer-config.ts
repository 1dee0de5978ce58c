// The optimizer keys every AdamW-trained component shares (language-model training, reward heads,
// backbone fine-tuning): one schema fragment, spread into each `defineConfig` with its own defaults.

import { type ConfigSchema, is } from '@va/core';
import type { LearningRateSchedule } from './learning-rate.js';

/** AdamW, schedule, clipping, seed and logging settings (torch's and Hugging Face's meanings). */
export interface OptimizerSettings {
  /** Peak learning rate, reached at the end of warmup. */
  learningRate: number;
  /** Where `cosine` and `linear` decay to (0: Hugging Face's default). */
  minLearningRate: number;
  /** Decay after warmup, Hugging Face's `lr_scheduler_type` (see `learningRateAt`). */
  schedule: LearningRateSchedule;
  /** AdamW's decoupled weight decay: each step multiplies decayed weights by (1 - lr * weightDecay). */
  weightDecay: number;
  /** Decay of AdamW's first-moment average. */
  beta1: number;
  /** Decay of AdamW's second-moment average. */
  beta2: number;
  /** Added to AdamW's denominator. */
  epsilon: number;
  /**
   * Clip the global L2 norm of the gradients to this (torch's clip_grad_norm_, Hugging Face's
   * max_grad_norm); 0 turns clipping off.
   */
  maxGradNorm: number;
  /** Seed of the run: every random choice (initialisation, data order) derives from it. */
  seed: number;
  /** Log training metrics every this many steps. */
  logEvery: number;
}

const beta = (v: number) => (v >= 0 && v < 1 ? undefined : 'must be in [0, 1)');

/**
 * The schema of {@link OptimizerSettings}, with torch.optim.AdamW's and Hugging Face Trainer's
 * defaults (lr 1e-3, betas 0.9 / 0.999, eps 1e-8, weight decay 0.01, cosine, clip 1). Spread it into
 * a config and override what differs: `{ ...optimizerFields, weightDecay: { ...optimizerFields.weightDecay, default: 0.1 } }`.
 */
export const optimizerFields: ConfigSchema<OptimizerSettings> = Object.freeze({
  learningRate: { default: 1e-3, doc: 'peak learning rate (after warmup)', check: is.positive },
  minLearningRate: {
    default: 0,
    doc: 'learning rate at the end of the decay',
    check: is.nonNegative,
  },
  schedule: {
    default: 'cosine',
    doc: "decay after warmup: 'cosine', 'linear' or 'constant' (Hugging Face's)",
    check: is.oneOf('cosine', 'linear', 'constant'),
  },
  weightDecay: { default: 0.01, doc: 'AdamW decoupled weight decay', check: is.nonNegative },
  beta1: { default: 0.9, doc: 'AdamW beta1 (first-moment decay)', check: beta },
  beta2: { default: 0.999, doc: 'AdamW beta2 (second-moment decay)', check: beta },
  epsilon: { default: 1e-8, doc: 'AdamW epsilon', check: is.positive },
  maxGradNorm: {
    default: 1,
    doc: 'global gradient-norm clip; 0 turns it off',
    check: is.nonNegative,
  },
  seed: { default: 0, doc: 'seed of the run', check: is.nonNegativeInteger },
  logEvery: { default: 10, doc: 'log metrics every this many steps', check: is.positiveInteger },
});
