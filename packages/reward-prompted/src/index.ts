export {
  ChatClient,
  type ChatClientOptions,
  type ChatClientStats,
  type ChatCompletion,
  type TokenUsage,
} from './chat-client.js';
export { ChatClientConfig, presetConfig } from './chat-client-config.js';
export { ChatJudge, ChatJudgeConfig } from './chat-judge.js';
export {
  type Bounds,
  type Interval,
  type MixtureMoments,
  makeInterval,
  mixIntervals,
  sampleMixture,
} from './interval.js';
export type { Judge, JudgeScale, Judgment } from './judge.js';
export { JudgeCache } from './judge-cache.js';
export {
  type JudgeFileOptions,
  type JudgeFileSummary,
  judgeFile,
  judgeSettingsHash,
  type OutputRow,
} from './judge-file.js';
export {
  JudgePromptConfig,
  PROMPT_VERSION,
  QUALITY_RUBRIC,
  RUBRICS,
  SENTIMENT_RUBRIC,
} from './judge-prompt.js';
export { OfflineJudge, OfflineJudgeConfig, type OfflineScorer } from './offline-judge.js';
export { offlineRewardModel } from './offline-reward-model.js';
export { IntervalParseError, type IntervalScale, parseInterval } from './parse-interval.js';
export { JUDGE_PRESETS, type JudgePreset, type TokenPrices } from './presets.js';
export { PromptedRewardConfig, PromptedRewardModel } from './prompted-reward-model.js';
export { type SentimentEvidence, scoreSentiment } from './sentiment.js';
