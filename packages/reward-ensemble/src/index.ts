export {
  type Backbone,
  type BackboneSpec,
  concatFeatures,
  type EmbedOptions,
  type FeatureMatrix,
  type Pooling,
  poolHiddenStates,
  poolingWeights,
} from './backbone.js';
export { type BradleyTerryResult, bradleyTerryLoss, pairAccuracy } from './bradley-terry.js';
export { formatHHDialogue, parseHHDialogue, promptToMessages } from './chat.js';
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
export {
  type DisagreementCharts,
  disagreementCharts,
  disagreementMarkdown,
  writeDisagreementReport,
} from './disagreement-report.js';
export {
  type EnsembleHeads,
  initEnsembleHeads,
  scoreWithHeads,
  selectMembers,
} from './ensemble-heads.js';
export { summarizeMembers } from './ensemble-stats.js';
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
  readParquetRows,
  readPreferencePairs,
} from './preference-file.js';
export {
  type ParsedRecord,
  type PreferenceFormat,
  type PreferencePair,
  parsePreferenceRecord,
  splitHHPair,
} from './preference-record.js';
export {
  ENSEMBLE_PRESETS,
  type EnsemblePreset,
  PAPER_BACKBONE,
  PAPER_PRESET,
} from './presets.js';
export {
  conversationText,
  ENSEMBLE_FORMAT,
  ensembleRewardModel,
  type MemberRewards,
  pairTexts,
  RewardEnsemble,
  type RewardEnsembleOptions,
} from './reward-ensemble.js';
export {
  REWARDBENCH_EXAMPLE_COUNTS,
  REWARDBENCH_SECTIONS,
  REWARDBENCH_SUBSETS,
  type RewardBenchSection,
  rewardBenchSection,
  rewardBenchSectionScores,
} from './rewardbench.js';
export {
  evaluateEnsemble,
  pairFeatures,
  splitPairs,
  type TrainEnsembleOptions,
  type TrainedEnsemble,
  trainEnsemble,
} from './train-ensemble.js';
