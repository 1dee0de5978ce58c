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
export {
  type Enqueued,
  enqueueReady,
  openRunQueue,
  QUEUE_ATTEMPTS,
  type QueueJobData,
  type QueueProgress,
  type QueueRunRef,
  type QueueRunStatus,
  queuedJobId,
  queueRunStatus,
  type RunQueue,
} from './queue.js';
export {
  DEFAULT_QUEUE_NAME,
  type QueueTarget,
  queueTarget,
  REDIS_PASSWORD_ENV,
} from './queue-connection.js';
export {
  type ConfigPath,
  checkConfigPaths,
  configPaths,
  runFolderIn,
  runPathIn,
  type WorkerRoots,
} from './queue-paths.js';
export {
  type QueueRecord,
  queueOfRun,
  type RunOnQueueOptions,
  type RunOnQueueResult,
  runOnQueue,
} from './queue-run.js';
export { type QueueWorker, type QueueWorkerOptions, startQueueWorker } from './queue-worker.js';
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
export { registerRewardModel, rewardModels } from './rewards.js';
export {
  configHash,
  type Job,
  jobsOf,
  RunDir,
  TABLE4_LEVELS,
  type Variant,
  variantsOf,
} from './run-dir.js';
export {
  type RunExperimentOptions,
  type RunExperimentResult,
  RunFailedError,
  runExperiment,
} from './run-experiment.js';
export { type RunStatus, runStatus } from './run-status.js';
export {
  loadTrueReward,
  REVIEW_OPENINGS,
  readTaskPrompts,
  sentimentReward,
  type TaskPrompts,
  type TrueReward,
} from './task.js';
