// `@va/lm/optim`: the optimizer pieces that need no tfjs (plain-array AdamW, learning-rate
// schedules, the shared optimizer config keys), for packages that train small float64 heads without
// loading TensorFlow.js, and for trainers that build their own loop (PPO).

export {
  type AdamWHyperparameters,
  type AdamWUpdateOptions,
  adamwUpdate,
  type FloatArray,
} from '../adamw-update.js';
export {
  type LearningRateSchedule,
  learningRateAt,
  type ScheduleSettings,
} from '../learning-rate.js';
export {
  type OptimizerSettings,
  optimizerFields,
} from '../optimizer-config.js';
