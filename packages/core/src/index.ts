export { writeFileAtomic, writeJsonAtomic } from './atomic-file.js';
export {
  checkedRewardModel,
  checkRewardScores,
  checkTrueScore,
  DEFAULT_REWARD_TIME_LIMIT_S,
  rewardTimeLimitSeconds,
  withTimeLimit,
} from './checked-reward.js';
export { EXIT, runCommand } from './command.js';
export {
  callerDirectory,
  callerPath,
  checkInputFile,
  checkOutputDir,
  checkOutputFile,
  displayPath,
  type OutputDirOptions,
  type PathCheckOptions,
  replaceDirectory,
} from './command-paths.js';
export {
  type ConfigField,
  type ConfigFieldType,
  type ConfigRule,
  type ConfigRules,
  type ConfigSchema,
  type ConfigSpec,
  defineConfig,
  is,
  nearestName,
  type Resolved,
} from './config.js';
export {
  ConfigError,
  DivergenceError,
  describeValue,
  FolderLockedError,
  RemoteError,
  ResourceError,
  UsageError,
  VaError,
  ValidationError,
} from './errors.js';
export {
  type CommandLineOptions,
  type ConfigFlags,
  type ConfigFlagsOptions,
  configFlags,
  parseCommandLine,
  parseNumberFlag,
} from './flags.js';
export {
  type FolderLock,
  LOCK_DIR,
  type LockFolderOptions,
  type LockHolder,
  lockFolder,
  readFolderLock,
} from './folder-lock.js';
export { formatDuration, formatNumber } from './format.js';
export {
  type Logger,
  type Progress,
  type ProgressCallback,
  silentLogger,
  streamLogger,
  streamProgress,
} from './log.js';
export { type LoadModuleOptions, loadModuleDefault } from './module-default.js';
export { nodeOnly } from './node-only.js';
export { type FileLine, type ReadLinesOptions, readLines, readTextFile } from './read-lines.js';
export { redact, redactUrl } from './redact.js';
export type { ChatMessage, RewardModel, RewardQuery, RewardScore, ScoreOptions } from './reward.js';
export {
  type RewardModelContext,
  type RewardModelEntry,
  type RewardModelFactory,
  type RewardModelRegistration,
  RewardModelRegistry,
} from './reward-registry.js';
export { deriveSeed, Rng } from './rng.js';
export { createSha256, type Sha256 } from './sha256.js';
export {
  checkNumber,
  checkOneOf,
  checkVector,
  type NumberBounds,
  type VectorChecks,
} from './validate.js';
export { writeError } from './write-error.js';
export { fillStandardNormal } from './ziggurat.js';
