export {
  type BanditCommandOptions,
  banditCommand,
} from './bandit/bandit-command.js';
export {
  BanditRunConfig,
  type BanditRunSettings,
  banditHelp,
  DEFAULT_BANDIT_OUT,
  parseBanditFlags,
} from './bandit/bandit-config.js';
export { DEFAULT_RUN_DIR, statusLine, vaCommand } from './command.js';
export {
  EnsembleSettingConfig,
  ExperimentConfig,
  type ExperimentDerived,
  PromptedSettingConfig,
  ppoFor,
  type ResolvedExperimentConfig,
  SETTINGS,
  type Setting,
  SMOKE_CONFIG,
} from './config.js';
export {
  bradleyTerryLabel,
  type EnsembleResult,
  type PolicyResult,
  type ReferenceResult,
  type RunJobOptions,
  runJob,
} from './jobs.js';
export { type ReportFiles, writeReport } from './report.js';
export {
  CURVE_METRICS,
  type Curve,
  collectResults,
  type ExperimentResults,
  type KlComparison,
  RESULTS_FORMAT,
  type VariantResults,
} from './results.js';
export { type Job, jobsOf, RunDir, TABLE4_LEVELS, type Variant, variantsOf } from './run-dir.js';
export {
  type RunExperimentOptions,
  type RunExperimentResult,
  RunFailedError,
  type RunStatus,
  runExperiment,
  runStatus,
} from './run-experiment.js';
export {
  loadTrueReward,
  REVIEW_OPENINGS,
  readTaskPrompts,
  sentimentReward,
  type TaskPrompts,
  type TrueReward,
} from './task.js';
