export { type RestoreOptions, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
export { PPOCommandConfig, type PPOCommandIO, ppoCommand } from './command.js';
export {
  PPO_PRESETS,
  PPOConfig,
  type PPODerived,
  type PPOPreset,
  type PPOPresetName,
  ppoPreset,
  type ResolvedPPOConfig,
} from './config.js';
export { readConfigFile } from './config-file.js';
export type { KLController } from './kl-controller.js';
export {
  effectiveBeta,
  METHODS,
  type Method,
  PENALTIES,
  type PenaltyFunction,
  type PenaltyKind,
  type PenaltyWeights,
  type PenaltyWeightsInput,
  penaltyPerToken,
  penaltyWeights,
  SCORE_TRANSFORMS,
  type ScoreTransformFunction,
  type ScoreTransformKind,
  TOKEN_PENALTIES,
  type TokenPenalty,
  type TokenRewardsInput,
  tokenRewards,
  transformScore,
} from './penalty.js';
export {
  latestCheckpoint,
  promptIndices,
  type TrainPolicyOptions,
  type TrainPolicyResult,
  trainPolicy,
} from './train-policy.js';
export {
  type PPOStepStats,
  PPOTrainer,
  type PPOTrainerOptions,
  type Prompt,
  type Rollout,
  type RolloutPhase,
  type RolloutRow,
  type StepOptions,
  type TrainerState,
} from './trainer.js';
export { ValueHead } from './value-head.js';
