export type { Backbone, BackboneSpec, EmbedOptions, FeatureMatrix, Pooling } from './backbone.js';
export {
  type CreateBackboneOptions,
  createBackbone,
  parseBackboneSpec,
} from './create-backbone.js';
export {
  type AnalyzeOptions,
  analyzeDisagreement,
  type DisagreementGroup,
  type DisagreementReport,
  type PairScores,
} from './disagreement.js';
export { writeDisagreementReport } from './disagreement-report.js';
export { type EnsembleHeads, initEnsembleHeads } from './ensemble-heads.js';
export { FeatureCache } from './feature-cache.js';
export {
  BackboneFinetuneConfig,
  type FinetuneOptions,
  type FinetuneResult,
  finetuneLmBackbone,
  twoStageInitialHeads,
} from './finetune-backbone.js';
export { HashedBackbone, HashedBackboneConfig } from './hashed-backbone.js';
export {
  HeadTrainingConfig,
  type HeadTrainingResult,
  type MemberReport,
  PAPER_TABLE_8,
  type PairFeatures,
  type TrainHeadsOptions,
  trainHeads,
  type ValidationRecord,
} from './head-trainer.js';
export { LmBackbone, type LmBackboneOptions, loadLmBackbone } from './lm-backbone.js';
export { loadOnnxBackbone, OnnxBackbone, type OnnxBackboneOptions } from './onnx-backbone.js';
export {
  type MalformedRow,
  type PreferenceFile,
  type ReadPreferenceOptions,
  readPreferencePairs,
} from './preference-file.js';
export type { PreferenceFormat, PreferencePair } from './preference-record.js';
export { ENSEMBLE_PRESETS, type EnsemblePreset, PAPER_BACKBONE, PAPER_PRESET } from './presets.js';
export {
  ensembleRewardModel,
  type MemberRewards,
  RewardEnsemble,
  type RewardEnsembleOptions,
} from './reward-ensemble.js';
export {
  evaluateEnsemble,
  pairFeatures,
  splitPairs,
  type TrainEnsembleOptions,
  type TrainedEnsemble,
  trainEnsemble,
} from './train-ensemble.js';
