export {
  type ConfigField,
  type ConfigSchema,
  type ConfigSpec,
  defineConfig,
  is,
} from './config.js';
export {
  ConfigError,
  describeValue,
  RemoteError,
  ResourceError,
  VaError,
  ValidationError,
} from './errors.js';
export {
  type Logger,
  type Progress,
  type ProgressCallback,
  silentLogger,
  streamLogger,
  streamProgress,
} from './log.js';
export type { RewardModel, RewardQuery, RewardScore, ScoreOptions } from './reward.js';
export { deriveSeed, Rng } from './rng.js';
export {
  checkNumber,
  checkOneOf,
  checkVector,
  type NumberBounds,
  type VectorChecks,
} from './validate.js';
export { fillStandardNormal } from './ziggurat.js';
