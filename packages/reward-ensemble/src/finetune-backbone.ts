// The paper's first stage (Appendix B): one reward head trained together with the unfrozen
// backbone (all weights, or its LoRA adapter when one is attached), stopped early; its head then
// becomes member 0 of the ensemble whose other heads train on the frozen result.

import type * as TF from '@tensorflow/tfjs';
import {
  DivergenceError,
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
import { learningRateAt, type OptimizerSettings, optimizerFields } from '@va/lm/optim';
import { type EnsembleHeads, initEnsembleHeads } from './ensemble-heads.js';
import { paperOptimizerFields } from './head-trainer.js';
import type { LmBackbone } from './lm-backbone.js';
import type { PreferencePair } from './preference-record.js';
import { pairTexts } from './reward-ensemble.js';

/**
 * Hyper-parameters of {@link finetuneLmBackbone}, defaults from the paper's Table 6: `@va/lm`'s
 * optimizer keys (learningRate, minLearningRate, schedule, weightDecay, beta1, beta2, epsilon,
 * maxGradNorm, seed, logEvery) and these.
 */
export interface BackboneFinetuneConfig extends Readonly<OptimizerSettings> {
  /** Pairs per step. The paper: 32 (effective). */
  readonly batchSize: number;
  /** Share of the steps spent warming up linearly from 0. */
  readonly warmupRatio: number;
  /** Passes over the pairs. The paper: 1 (then stopped early). */
  readonly epochs: number;
  /**
   * Stop once the moving average of the training loss reaches this value (0: off). The paper stops
   * early "once the loss reaches" a threshold whose value was lost from the text.
   */
  readonly stopAtLoss: number;
  /** Steps in the moving average that `stopAtLoss` watches. */
  readonly lossWindow: number;
  /** Standard deviation of the head's initial weights, times 1/sqrt(dim). */
  readonly initScale: number;
}

export const BackboneFinetuneConfig = defineConfig<BackboneFinetuneConfig>(
  'BackboneFinetuneConfig',
  {
    ...paperOptimizerFields,
    seed: { ...optimizerFields.seed, doc: 'seed of the head and the data order' },
    batchSize: { default: 32, doc: 'pairs per step (the paper: 32)', check: is.positiveInteger },
    learningRate: {
      ...optimizerFields.learningRate,
      default: 1e-5,
      doc: 'peak learning rate (the paper: 1e-5, for Gemma-2b-it)',
    },
    epochs: { default: 1, doc: 'passes over the pairs (the paper: 1)', check: is.positive },
    stopAtLoss: {
      default: 0,
      doc: 'stop when the moving-average loss reaches this (0: off)',
      check: is.nonNegative,
    },
    lossWindow: { default: 20, doc: 'steps in the loss moving average', check: is.positiveInteger },
    // maxGradNorm keeps the shared default 1, Hugging Face Trainer's, over backbone and head.
    initScale: { default: 1, doc: 'initial head sd times 1/sqrt(dim)', check: is.nonNegative },
  },
);

/** Options of {@link finetuneLmBackbone}. */
export interface FinetuneOptions {
  readonly logger?: Logger;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

/** What {@link finetuneLmBackbone} returns. */
export interface FinetuneResult {
  /** The trained head, `dim` weights (member 0 of the ensemble). */
  readonly head: Float64Array;
  readonly losses: readonly number[];
  readonly steps: number;
  readonly totalSteps: number;
  readonly stoppedEarly: boolean;
  readonly config: Readonly<BackboneFinetuneConfig>;
}

/** -log sigmoid(m) = relu(-m) + log(1 + exp(-|m|)), from ops with gradients on every backend. */
function negLogSigmoid(tf: typeof TF, m: TF.Tensor): TF.Tensor {
  return tf.add(tf.relu(tf.neg(m)), tf.log(tf.add(1, tf.exp(tf.neg(tf.abs(m))))));
}

/**
 * Stage one: trains one head together with the backbone's trainable variables (every weight, or
 * the LoRA matrices if an adapter is attached) on the Bradley-Terry loss. The backbone's weights
 * change in place and its identity is renewed, so cached features of the old weights are not reused.
 */
export async function finetuneLmBackbone(
  backbone: LmBackbone,
  pairs: readonly PreferencePair[],
  config: Partial<BackboneFinetuneConfig> = {},
  options: FinetuneOptions = {},
): Promise<FinetuneResult> {
  const cfg = BackboneFinetuneConfig.resolve(config);
  const logger = options.logger ?? silentLogger;
  logger.info(`finetuneLmBackbone: ${JSON.stringify(cfg)}`);
  if (pairs.length === 0) {
    throw new ValidationError('finetuneLmBackbone', 'pairs', 'at least one preference pair', pairs);
  }
  const tf = await import('@tensorflow/tfjs');
  const { AdamW, clipGradNorm } = await import('@va/lm');
  const dim = backbone.dim;
  const init = initEnsembleHeads(dim, [0], cfg.seed, cfg.initScale).weight;
  const initial = tf.tensor2d(Float32Array.from(init), [dim, 1]);
  const head = tf.variable(initial, true);
  initial.dispose(); // the variable keeps the data
  const variables = [...backbone.model.trainableVariables(), head];
  const optimizer = new AdamW(variables, {
    learningRate: cfg.learningRate,
    weightDecay: cfg.weightDecay,
    beta1: cfg.beta1,
    beta2: cfg.beta2,
    epsilon: cfg.epsilon,
  });
  const { chosen, rejected } = pairTexts(backbone, pairs);
  const stepsPerEpoch = Math.ceil(pairs.length / cfg.batchSize);
  const totalSteps = Math.max(1, Math.ceil(cfg.epochs * stepsPerEpoch));
  const warmupSteps = Math.round(cfg.warmupRatio * totalSteps);
  const order = new Rng(deriveSeed(cfg.seed, 'stage1-order'));
  let perm: number[] = [];
  let pos = 0;
  const losses: number[] = [];
  let stoppedEarly = false;
  try {
    for (let step = 0; step < totalSteps; step++) {
      options.signal?.throwIfAborted();
      if (pos === 0) perm = order.shuffle(pairs.map((_, i) => i));
      const idx = perm.slice(pos, pos + cfg.batchSize);
      pos = pos + cfg.batchSize >= pairs.length ? 0 : pos + cfg.batchSize;
      const c = await backbone.encode(idx.map((i) => chosen[i]!));
      const r = await backbone.encode(idx.map((i) => rejected[i]!));
      const lr = learningRateAt(step, { ...cfg, warmupSteps, totalSteps });
      const { value, grads } = tf.variableGrads(() => {
        const margin = tf.sub(
          tf.matMul(backbone.pooledFeatures(c, true), head),
          tf.matMul(backbone.pooledFeatures(r, true), head),
        );
        return tf.mean(negLogSigmoid(tf, margin)) as TF.Scalar;
      }, variables);
      const list = variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
      const clipped = clipGradNorm(
        list,
        cfg.maxGradNorm > 0 ? cfg.maxGradNorm : Number.POSITIVE_INFINITY,
      );
      const loss = value.dataSync()[0]!;
      // Stop before a non-finite update reaches the weights: the backbone would be ruined for good.
      if (!Number.isFinite(loss) || !Number.isFinite(clipped.norm)) {
        tf.dispose([value, ...list, ...Object.values(grads), ...clipped.grads]);
        throw new DivergenceError(
          `finetuneLmBackbone: diverged at step ${step + 1} of ${totalSteps}: the loss is ${loss}, the gradient norm ${clipped.norm}. ` +
            `Likely cause: learningRate ${cfg.learningRate} is too high (the default is ${BackboneFinetuneConfig.defaults.learningRate}); lower it, or set maxGradNorm.`,
        );
      }
      optimizer.step(clipped.grads, lr);
      losses.push(loss);
      tf.dispose([value, ...list, ...Object.values(grads), ...clipped.grads]);
      const window = losses.slice(-cfg.lossWindow);
      const avg = window.reduce((a, b) => a + b, 0) / window.length;
      if ((step + 1) % cfg.logEvery === 0 || step + 1 === totalSteps) {
        logger.metrics(step + 1, { 'ensemble/stage1/loss': avg, 'ensemble/stage1/lr': lr });
      }
      options.onProgress?.({
        task: 'stage 1: backbone + head',
        done: step + 1,
        total: totalSteps,
        unit: 'steps',
        detail: `loss ${formatNumber(avg)}`,
      });
      if (cfg.stopAtLoss > 0 && window.length === cfg.lossWindow && avg <= cfg.stopAtLoss) {
        stoppedEarly = true;
        logger.info(
          `finetuneLmBackbone: loss ${avg.toFixed(4)} <= ${cfg.stopAtLoss} at step ${step + 1}: stopping`,
        );
        break;
      }
    }
    const headValues = Float64Array.from(head.dataSync() as Float32Array);
    backbone.weightsChanged();
    return {
      head: headValues,
      losses,
      steps: losses.length,
      totalSteps,
      stoppedEarly,
      config: cfg,
    };
  } finally {
    optimizer.dispose();
    head.dispose();
  }
}

/**
 * The heads the second stage starts from: the first stage's head as member 0 (the paper attaches
 * the other heads "in parallel to the original"), fresh seeded heads for members 1..k-1.
 */
export function twoStageInitialHeads(
  stage1Head: Float64Array,
  k: number,
  seed: number,
  initScale = 1,
): EnsembleHeads {
  const dim = stage1Head.length;
  const heads = initEnsembleHeads(
    dim,
    Array.from({ length: k }, (_, i) => i),
    seed,
    initScale,
  );
  for (let i = 0; i < dim; i++) heads.weight[i * k] = stage1Head[i]!;
  return heads;
}
