export {
  type GaeOptions,
  gae,
  RunningMoments,
  type RunningMomentsState,
  whiten,
} from './advantages.js';
export {
  CHECKPOINT_FORMAT,
  type CheckpointState,
  type RestoreOptions,
  readCheckpointState,
  restoreCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
export { PPO_COMMAND_HELP, PPOCommandConfig, type PPOCommandIO, ppoCommand } from './command.js';
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
export {
  AdaptiveKLController,
  FixedKLController,
  type KLController,
} from './kl-controller.js';
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
export { readPrompts } from './prompts-file.js';
export {
  latestCheckpoint,
  promptIndices,
  type TrainPolicyOptions,
  type TrainPolicyResult,
  trainPolicy,
} from './train-policy.js';
export {
  PPO_LOSS_STATS,
  type PPOLossInput,
  type PPOLossStats,
  type PPOStepStats,
  PPOTrainer,
  type PPOTrainerOptions,
  type Prompt,
  ppoLosses,
  type Rollout,
  type RolloutPhase,
  type RolloutRow,
  readLossStats,
  type StepOptions,
  type TrainerState,
} from './trainer.js';
export { VALUE_HEAD_BIAS, VALUE_HEAD_WEIGHT, ValueHead } from './value-head.js';
