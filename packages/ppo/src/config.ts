// PPOConfig: every setting of variance-aware PPO in one documented schema, with TRL's defaults
// (PPOConfig of trl 0.x, whose PPOTrainer the paper used), and named presets for the paper's
// settings (SPEC 4: Tables 9-10 and 13) and for the embedded default model on two CPU cores.

import { checkOneOf, defineConfig, is, type Resolved } from '@va/core';
import {
  GenerationConfig,
  type GenerationOptions,
  type LoraOptions,
  PAPER_GENERATION,
} from '@va/lm';
import { type OptimizerSettings, optimizerFields } from '@va/lm/optim';
import {
  METHODS,
  type Method,
  PENALTIES,
  type PenaltyKind,
  SCORE_TRANSFORMS,
  type ScoreTransformKind,
} from './penalty.js';

/** Settings of {@link PPOTrainer} (TRL's names in camelCase where TRL has the setting). */
export interface PPOConfig
  extends Pick<
    OptimizerSettings,
    | 'learningRate'
    | 'schedule'
    | 'minLearningRate'
    | 'weightDecay'
    | 'beta1'
    | 'beta2'
    | 'epsilon'
    | 'maxGradNorm'
    | 'seed'
    | 'logEvery'
  > {
  // -- The method (SPEC 4) --
  /** `vanilla`: beta_eff = beta; `variance-aware`: beta_eff = beta * sigma2(x, y). */
  method: Method;
  /** Per-token estimator of log(pi / pi0): one of `PENALTIES` (`kl`, `abs`, `mse`, `k3`, or `full`, over the vocabulary). */
  penalty: PenaltyKind;
  /** Smallest sigma2 the variance-aware weighting uses (a point interval keeps a penalty). */
  varianceFloor: number;
  /**
   * Divide each sigma2 by the mean (floored) variance of its batch, so that variance-aware PPO has
   * the same average penalty per step as vanilla PPO with the same beta, redistributed by variance
   * (not in the paper, which calibrates beta per method instead).
   */
  normalizeVariance: boolean;
  /** The score PPO trains on: `sample` (rHat), `mean`, `uncertainty-weighted`, `worst-case`, `lcb`. */
  scoreTransform: ScoreTransformKind;
  /** lambda of `uncertainty-weighted`: mean - lambda * variance. */
  uncertaintyWeight: number;
  /** k of `lcb`: mean - k * sqrt(variance). */
  lcbK: number;
  // -- KL control (Ziegler et al. 2019) --
  /** Initial beta (TRL `init_kl_coef`). */
  initKlCoef: number;
  /** Adapt beta towards `klTarget` (TRL `adap_kl_ctrl`); off: beta stays `initKlCoef`. */
  adaptiveKl: boolean;
  /** Target KL of the adaptive controller (TRL `target`). */
  klTarget: number;
  /** Horizon of the adaptive controller (TRL `horizon`). */
  klHorizon: number;
  // -- Advantages --
  /** Discount (TRL `gamma`). */
  gamma: number;
  /** GAE lambda (TRL `lam`). */
  lambda: number;
  /** Whiten the per-token rewards (keeping their mean) before GAE (TRL `whiten_rewards`). */
  whitenRewards: boolean;
  // -- Scores --
  /** Divide scores by their running standard deviation (TRL `use_score_scaling`). */
  useScoreScaling: boolean;
  /** Also subtract the running mean (TRL `use_score_norm`; needs `useScoreScaling`). */
  useScoreNorm: boolean;
  /** Clip scores to [-scoreClip, scoreClip] (TRL `score_clip`); null: no clipping. */
  scoreClip: number | null;
  // -- Losses --
  /** Policy ratio clip epsilon (TRL `cliprange`). */
  clipRange: number;
  /** Value clip around the rollout's values (TRL `cliprange_value`). */
  clipRangeValue: number;
  /** Value loss coefficient (TRL `vf_coef`). */
  vfCoef: number;
  /** Skip a minibatch whose mean ratio exceeds this (TRL `ratio_threshold`). */
  ratioThreshold: number;
  // -- Optimisation --
  /** Prompts per PPO step (TRL `batch_size`). */
  batchSize: number;
  /** Sequences per forward/backward pass (TRL `mini_batch_size`). */
  miniBatchSize: number;
  /** Minibatches whose gradients are summed before one optimizer step. */
  gradientAccumulationSteps: number;
  /** Passes over each batch (TRL `ppo_epochs`). */
  ppoEpochs: number;
  /** Stop a step's epochs once the policy KL exceeds 1.5 * targetKl (TRL `early_stopping`). */
  earlyStopping: boolean;
  /** KL of the early stop (TRL `target_kl`). */
  targetKl: number;
  // -- The run --
  /** PPO steps (rollout + update) of a training run. */
  steps: number;
  /** Write a checkpoint every this many steps (0: only at the end). */
  saveEvery: number;
  /** Generation of the rollouts (`@va/lm` GenerationConfig keys; default the paper's, Table 18). */
  generation: GenerationOptions;
}

/** What resolving adds: the generation settings filled, and the optimizer's batch. */
export interface PPODerived {
  generation: Readonly<GenerationConfig>;
  /** Sequences per optimizer step: `miniBatchSize * gradientAccumulationSteps`. */
  backwardBatchSize: number;
}

const positiveOrNull = (v: number | null) =>
  v === null || (Number.isFinite(v) && v > 0) ? undefined : 'must be null or > 0';

export const PPOConfig = defineConfig<PPOConfig, PPODerived>(
  'PPOConfig',
  {
    method: {
      default: 'vanilla',
      doc: "'vanilla' (beta) or 'variance-aware' (beta * sigma2)",
      check: is.oneOf(...METHODS),
    },
    penalty: {
      default: 'kl',
      doc: `penalty per token: ${PENALTIES.map((p) => `'${p}'`).join(', ')}`,
      check: is.oneOf(...PENALTIES),
    },
    varianceFloor: {
      default: 1e-4,
      doc: 'smallest sigma2 used by variance-aware weighting (reward units squared)',
      check: is.nonNegative,
    },
    normalizeVariance: {
      default: false,
      doc: "divide sigma2 by its batch's mean (the same mean penalty as vanilla)",
    },
    scoreTransform: {
      default: 'sample',
      doc: "training score: 'sample', 'mean', 'uncertainty-weighted', 'worst-case' or 'lcb'",
      check: is.oneOf(...SCORE_TRANSFORMS),
    },
    uncertaintyWeight: {
      default: 1,
      doc: "lambda of 'uncertainty-weighted' (mean - lambda * variance)",
      check: is.nonNegative,
    },
    lcbK: { default: 1, doc: "k of 'lcb' (mean - k * std)", check: is.nonNegative },
    initKlCoef: { default: 0.2, doc: 'initial KL coefficient beta', check: is.nonNegative },
    adaptiveKl: { default: true, doc: 'adapt beta towards the target KL' },
    klTarget: { default: 6, doc: 'target KL of the adaptive controller', check: is.positive },
    klHorizon: { default: 10000, doc: 'horizon of the adaptive controller', check: is.positive },
    gamma: { default: 1, doc: 'discount', check: is.probability },
    lambda: { default: 0.95, doc: 'GAE lambda', check: is.probability },
    whitenRewards: { default: false, doc: 'whiten per-token rewards before GAE' },
    useScoreScaling: { default: false, doc: 'divide scores by their running std' },
    useScoreNorm: { default: false, doc: 'also subtract their running mean' },
    scoreClip: {
      default: null,
      doc: 'clip scores to [-x, x]; null: off',
      type: 'number',
      check: positiveOrNull,
    },
    clipRange: { default: 0.2, doc: 'policy ratio clip', check: is.positive },
    clipRangeValue: { default: 0.2, doc: 'value clip', check: is.positive },
    vfCoef: { default: 0.1, doc: 'value loss coefficient', check: is.nonNegative },
    ratioThreshold: {
      default: 10,
      doc: 'skip a minibatch whose mean ratio exceeds this',
      check: is.positive,
    },
    batchSize: { default: 128, doc: 'prompts per PPO step', check: is.positiveInteger },
    miniBatchSize: {
      default: 32,
      doc: 'sequences per forward/backward pass',
      check: is.positiveInteger,
    },
    gradientAccumulationSteps: {
      default: 1,
      doc: 'minibatches per optimizer step',
      check: is.positiveInteger,
    },
    ppoEpochs: { default: 4, doc: 'passes over each batch', check: is.positiveInteger },
    earlyStopping: { default: false, doc: "stop a step's epochs when the policy KL runs away" },
    targetKl: { default: 1, doc: 'KL of the early stop (stops above 1.5x)', check: is.positive },
    ...optimizerFields,
    learningRate: { ...optimizerFields.learningRate, default: 1.41e-5, doc: 'Adam learning rate' },
    schedule: { ...optimizerFields.schedule, default: 'constant' },
    weightDecay: { ...optimizerFields.weightDecay, default: 0, doc: 'AdamW decay (0: Adam)' },
    maxGradNorm: { ...optimizerFields.maxGradNorm, default: 0 },
    logEvery: { ...optimizerFields.logEvery, default: 1 },
    steps: { default: 100, doc: 'PPO steps of a training run', check: is.positiveInteger },
    saveEvery: {
      default: 0,
      doc: 'checkpoint every this many steps (0: at the end)',
      check: is.nonNegativeInteger,
    },
    generation: {
      default: { ...PAPER_GENERATION },
      doc: "rollout generation (@va/lm GenerationConfig keys; default the paper's)",
      check: is.partialOf(GenerationConfig),
    },
  },
  {
    derive: (c) => ({
      generation: GenerationConfig.resolve({ ...PAPER_GENERATION, ...c.generation }),
      backwardBatchSize: c.miniBatchSize * c.gradientAccumulationSteps,
    }),
    rules: [
      {
        keys: ['batchSize', 'miniBatchSize', 'gradientAccumulationSteps'],
        check: (c) =>
          c.batchSize % c.backwardBatchSize === 0
            ? undefined
            : 'must be a multiple of miniBatchSize * gradientAccumulationSteps',
      },
      {
        keys: ['useScoreNorm', 'useScoreScaling'],
        check: (c) =>
          !c.useScoreNorm || c.useScoreScaling ? undefined : 'needs useScoreScaling: true',
      },
    ],
    derivedDocs: {
      generation: 'PAPER_GENERATION with the given keys over it',
      backwardBatchSize: 'miniBatchSize * gradientAccumulationSteps',
    },
  },
);

/** A resolved {@link PPOConfig}. */
export type ResolvedPPOConfig = Resolved<PPOConfig, PPODerived>;

/** A named setting: the config of each method, and the LoRA a policy should get, if any. */
export interface PPOPreset {
  readonly description: string;
  readonly vanilla: Partial<PPOConfig>;
  readonly 'variance-aware': Partial<PPOConfig>;
  /** The adapter the paper trained instead of the full model (Mistral-7B). */
  readonly lora?: LoraOptions;
}

const prompted = (batchSize: number, miniBatchSize: number): Partial<PPOConfig> => ({
  batchSize,
  miniBatchSize,
  adaptiveKl: true,
  klTarget: 0.7,
  klHorizon: 19,
  clipRange: 0.2,
  clipRangeValue: 0.5,
  vfCoef: 0.3,
});

/** The paper's settings (SPEC 4) and a small one for the embedded default model. */
export const PPO_PRESETS = Object.freeze({
  'paper-gpt2-ensemble': {
    description:
      'GPT-2 against the reward ensemble (Tables 9-10): batch 128, 192 steps, adaptive KL off; vanilla lr 1.414e-5 beta 0.2, variance-aware lr 1.5e-5 beta 0.05',
    vanilla: {
      method: 'vanilla',
      batchSize: 128,
      miniBatchSize: 128,
      steps: 192,
      adaptiveKl: false,
      learningRate: 1.414e-5,
      initKlCoef: 0.2,
    },
    'variance-aware': {
      method: 'variance-aware',
      batchSize: 128,
      miniBatchSize: 128,
      steps: 192,
      adaptiveKl: false,
      learningRate: 1.5e-5,
      initKlCoef: 0.05,
    },
  },
  'paper-qwen2.5-0.5b-prompted': {
    description:
      'Qwen2.5-0.5B against prompted judges (Table 13): batch 64, minibatch 16, adaptive KL to 0.7 over horizon 19, value clip 0.5, value coefficient 0.3',
    vanilla: { method: 'vanilla', ...prompted(64, 16) },
    'variance-aware': { method: 'variance-aware', ...prompted(64, 16) },
  },
  'paper-mistral-7b-prompted': {
    description:
      'Mistral-7B against prompted judges (Table 13): batch 16, minibatch 4, adaptive KL to 0.7 over horizon 19; LoRA rank 128, alpha 32, dropout 0.05 (the paper also quantised to 4-bit NF4, which @va/lm does not)',
    vanilla: { method: 'vanilla', ...prompted(16, 4) },
    'variance-aware': { method: 'variance-aware', ...prompted(16, 4) },
    lora: {
      r: 128,
      alpha: 32,
      dropout: 0.05,
      targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
    },
  },
  tiny: {
    description:
      'the embedded 1.1M-parameter default model on two CPU cores: batch 16, minibatch 8, 16 steps, 8-16 new tokens, lr 1e-4, beta 0.1 on normalised scores and variances',
    vanilla: tinyPreset('vanilla'),
    'variance-aware': tinyPreset('variance-aware'),
  },
} satisfies Record<string, PPOPreset>);

export type PPOPresetName = keyof typeof PPO_PRESETS;

function tinyPreset(method: Method): Partial<PPOConfig> {
  return {
    method,
    batchSize: 16,
    miniBatchSize: 8,
    ppoEpochs: 4,
    steps: 16,
    learningRate: 1e-4,
    adaptiveKl: false,
    initKlCoef: 0.1,
    // Scores to zero mean and unit variance, variances to unit mean: beta means the same for any
    // reward model's scale, and for both methods.
    useScoreScaling: true,
    useScoreNorm: true,
    normalizeVariance: true,
    generation: { ...PAPER_GENERATION, maxNewTokens: 16, minNewTokens: 8, temperature: 1 },
  };
}

/** The config of `method` in preset `name`, with `overrides` on top. */
export function ppoPreset(
  name: PPOPresetName,
  method: Method,
  overrides: Partial<PPOConfig> = {},
): Partial<PPOConfig> {
  checkOneOf('ppoPreset', 'name', name, Object.keys(PPO_PRESETS) as PPOPresetName[]);
  checkOneOf('ppoPreset', 'method', method, METHODS);
  const preset: PPOPreset = PPO_PRESETS[name];
  return { ...preset[method], ...overrides };
}
