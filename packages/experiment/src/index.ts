export { type BanditCommandOptions, banditCommand } from './bandit/bandit-command.js';
export {
  BanditRunConfig,
  type BanditRunSettings,
  parseBanditFlags,
} from './bandit/bandit-config.js';
export { vaCommand } from './command.js';
export {
  EnsembleSettingConfig,
  ExperimentConfig,
  PromptedSettingConfig,
  type ResolvedExperimentConfig,
  SETTINGS,
  type Setting,
} from './config.js';
export {
  type EnsembleResult,
  type PolicyResult,
  type ReferenceResult,
  type RunJobOptions,
  runJob,
} from './jobs.js';
export { type ReportFiles, writeReport } from './report.js';
export {
  type Curve,
  collectResults,
  type ExperimentResults,
  type KlComparison,
  type VariantResults,
} from './results.js';
export { registerRewardModel, rewardModels } from './rewards.js';
export { type Job, RunDir, type Variant } from './run-dir.js';
export {
  type RunExperimentOptions,
  type RunExperimentResult,
  RunFailedError,
  runExperiment,
} from './run-experiment.js';
export { type RunStatus, runStatus } from './run-status.js';
export { loadTrueReward, readTaskPrompts, type TaskPrompts, type TrueReward } from './task.js';
