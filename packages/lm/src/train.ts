// Next-token training (nanoGPT's train.py loop): random windows of a token stream, mean cross-entropy,
// AdamW with decoupled weight decay, warmup + cosine schedule (Hugging Face's), global gradient
// clipping.

import * as tf from '@tensorflow/tfjs';
import {
  type ConfigSpec,
  defineConfig,
  deriveSeed,
  formatNumber,
  is,
  type Logger,
  type ProgressCallback,
  Rng,
  silentLogger,
  ValidationError,
} from '@va/core';
import { AdamW, clipFactor, globalNorm } from './adamw.js';
import type { CausalLM } from './causal-lm.js';
import { learningRateAt } from './learning-rate.js';
import { type OptimizerSettings, optimizerFields } from './optimizer-config.js';

/** Settings of {@link trainCausalLM}: the shared optimizer keys and these. */
export interface TrainConfig extends OptimizerSettings {
  /** Optimizer steps. */
  steps: number;
  /** Windows per step. */
  batchSize: number;
  /** Tokens per window (each window predicts this many next tokens). */
  contextLength: number;
  /** Steps of linear warmup from 0 (Hugging Face's convention: step 0 runs at rate 0). */
  warmupSteps: number;
  /** Evaluate on the validation stream every this many steps (0: only at the end). */
  evalEvery: number;
  /** Windows per evaluation. */
  evalBatches: number;
}

/** Training settings with nanoGPT's small-model defaults. */
export const TrainConfig: ConfigSpec<TrainConfig> = defineConfig<TrainConfig>('TrainConfig', {
  steps: { default: 1000, doc: 'optimizer steps', check: is.positiveInteger },
  batchSize: { default: 16, doc: 'windows per step', check: is.positiveInteger },
  contextLength: { default: 64, doc: 'tokens per window', check: is.positiveInteger },
  ...optimizerFields,
  minLearningRate: { ...optimizerFields.minLearningRate, default: 1e-4 },
  warmupSteps: { default: 100, doc: 'steps of linear warmup', check: is.nonNegativeInteger },
  weightDecay: {
    ...optimizerFields.weightDecay,
    default: 0.1,
    doc: 'AdamW decoupled weight decay (matrices and embeddings only)',
  },
  beta2: { ...optimizerFields.beta2, default: 0.95 },
  seed: { ...optimizerFields.seed, doc: 'seeds the window sampling' },
  evalEvery: {
    default: 0,
    doc: 'evaluate every this many steps (0: at the end)',
    check: is.nonNegativeInteger,
  },
  evalBatches: { default: 8, doc: 'windows per evaluation', check: is.positiveInteger },
});

// ---------------------------------------------------------------------------------------------
// Loss and one step
// ---------------------------------------------------------------------------------------------

/**
 * Mean next-token cross-entropy of `inputIds` [batch, time] (targets are ids[:, 1:]; with a mask,
 * padded targets do not count).
 */
export function languageModelLoss(
  model: CausalLM,
  inputIds: number[][],
  options: { attentionMask?: number[][]; training?: boolean } = {},
): tf.Scalar {
  return tf.tidy(() => {
    const lp = model.tokenLogProbs(inputIds, options);
    const count = options.attentionMask
      ? options.attentionMask.reduce((a, r) => a + r.slice(1).reduce((x, y) => x + y, 0), 0)
      : lp.size;
    return tf.div(tf.neg(tf.sum(lp)), Math.max(1, count)) as tf.Scalar;
  });
}

/**
 * One optimizer step on a batch: loss, gradients of the optimizer's variables, clipping, AdamW.
 * Leaves no tensors behind. Returns the loss and the gradient norm before clipping.
 */
export function trainStep(
  model: CausalLM,
  optimizer: AdamW,
  batch: { inputIds: number[][]; attentionMask?: number[][] },
  options: { learningRate?: number; maxGradNorm?: number } = {},
): { loss: number; gradNorm: number } {
  const vars = optimizer.variables as tf.Variable[];
  const { value, grads } = tf.variableGrads(
    () =>
      languageModelLoss(model, batch.inputIds, {
        attentionMask: batch.attentionMask,
        training: true,
      }),
    vars,
  );
  const list = vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
  const maxNorm = options.maxGradNorm ?? 0;
  const norm = globalNorm(list);
  // Clipping scales inside the optimizer's update: no second copy of the gradients.
  optimizer.step(list, options.learningRate, maxNorm > 0 ? clipFactor(norm, maxNorm) : 1);
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ...list, ...Object.values(grads)]);
  return { loss, gradNorm: norm };
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/** `count` random windows of `length` tokens from `stream`. */
export function sampleWindows(
  stream: ArrayLike<number>,
  count: number,
  length: number,
  rng: Rng,
): number[][] {
  if (stream.length < length + 1) {
    throw new ValidationError(
      'sampleWindows',
      'stream',
      `at least ${length + 1} tokens`,
      `${stream.length} tokens`,
    );
  }
  return Array.from({ length: count }, () => {
    const start = rng.int(stream.length - length);
    return Array.from({ length }, (_, j) => stream[start + j]!);
  });
}

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

/** What {@link trainCausalLM} returns. */
export interface TrainResult {
  /** Loss of every step. */
  losses: number[];
  /** Validation losses, when a validation stream was given. */
  evalLosses: { step: number; loss: number }[];
  /** Tokens predicted during training. */
  tokens: number;
  seconds: number;
  settings: Readonly<TrainConfig>;
}

/** Mean loss over fixed windows of `stream` (the same windows at every evaluation). */
export function evaluateLoss(
  model: CausalLM,
  stream: ArrayLike<number>,
  options: { batches: number; contextLength: number; seed: number; batchSize?: number },
): number {
  const rng = new Rng(deriveSeed(options.seed, 'eval'));
  const windows = sampleWindows(stream, options.batches, options.contextLength + 1, rng);
  const size = options.batchSize ?? 8;
  let total = 0;
  for (let i = 0; i < windows.length; i += size) {
    const part = windows.slice(i, i + size);
    const loss = languageModelLoss(model, part);
    total += loss.dataSync()[0]! * part.length;
    loss.dispose();
  }
  return total / windows.length;
}

/**
 * Trains `model` (all weights, or only its LoRA adapter when one is attached) on next-token
 * prediction over random windows of `data.train`. Logs the resolved settings first, then
 * `train/loss`, `train/lr`, `train/grad_norm`, `train/tokens_per_second` and `eval/loss`.
 */
export function trainCausalLM(
  model: CausalLM,
  data: { train: ArrayLike<number>; validation?: ArrayLike<number> },
  options: Partial<TrainConfig> & { logger?: Logger; onProgress?: ProgressCallback } = {},
): TrainResult {
  const { logger = silentLogger, onProgress, ...rest } = options;
  const s = TrainConfig.resolve(rest);
  logger.info(`trainCausalLM: ${JSON.stringify(s)}`);
  const rng = new Rng(deriveSeed(s.seed, 'train'));
  const optimizer = new AdamW(model.trainableVariables(), {
    learningRate: s.learningRate,
    beta1: s.beta1,
    beta2: s.beta2,
    epsilon: s.epsilon,
    weightDecay: s.weightDecay,
  });
  const losses: number[] = [];
  const evalLosses: { step: number; loss: number }[] = [];
  const evaluate = (step: number) => {
    if (!data.validation) return;
    const loss = evaluateLoss(model, data.validation, {
      batches: s.evalBatches,
      contextLength: s.contextLength,
      seed: s.seed,
      batchSize: s.batchSize,
    });
    evalLosses.push({ step, loss });
    logger.metrics(step, { 'eval/loss': loss });
  };
  const start = performance.now();
  let windowStart = start;
  let windowLoss = 0;
  let windowSteps = 0;
  try {
    for (let step = 0; step < s.steps; step++) {
      const lr = learningRateAt(step, { ...s, totalSteps: s.steps });
      const inputIds = sampleWindows(data.train, s.batchSize, s.contextLength + 1, rng);
      const { loss, gradNorm } = trainStep(
        model,
        optimizer,
        { inputIds },
        { learningRate: lr, maxGradNorm: s.maxGradNorm },
      );
      if (!Number.isFinite(loss)) {
        throw new ValidationError(
          'trainCausalLM',
          'learningRate',
          'a rate at which the loss stays finite',
          s.learningRate,
          `The loss became ${loss} at step ${step}; lower the learning rate.`,
        );
      }
      losses.push(loss);
      windowLoss += loss;
      windowSteps += 1;
      if ((step + 1) % s.logEvery === 0 || step === s.steps - 1) {
        const now = performance.now();
        logger.metrics(step + 1, {
          'train/loss': windowLoss / windowSteps,
          'train/lr': lr,
          'train/grad_norm': gradNorm,
          'train/tokens_per_second':
            (windowSteps * s.batchSize * s.contextLength) / ((now - windowStart) / 1000),
        });
        windowStart = now;
        windowLoss = 0;
        windowSteps = 0;
      }
      if (s.evalEvery > 0 && (step + 1) % s.evalEvery === 0 && step !== s.steps - 1)
        evaluate(step + 1);
      onProgress?.({
        task: 'train',
        done: step + 1,
        total: s.steps,
        unit: 'steps',
        detail: `loss ${formatNumber(loss)}`,
      });
    }
    evaluate(s.steps);
  } finally {
    optimizer.dispose();
  }
  return {
    losses,
    evalLosses,
    tokens: s.steps * s.batchSize * s.contextLength,
    seconds: (performance.now() - start) / 1000,
    settings: s,
  };
}
