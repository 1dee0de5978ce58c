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
  rescaleBounds,
  sampleInterval,
  sampleMixture,
  uniformVariance,
} from './interval.js';
export { type Judge, type JudgeScale, type Judgment, NO_USAGE } from './judge.js';
export { CACHE_FORMAT, type CacheEntry, JudgeCache } from './judge-cache.js';
export {
  type JudgeFileOptions,
  type JudgeFileSummary,
  judgeFile,
  judgeSettingsHash,
  type OutputRow,
} from './judge-file.js';
export {
  buildJudgeMessages,
  JudgePromptConfig,
  PROMPT_VERSION,
  QUALITY_RUBRIC,
  RUBRICS,
  reaskPrompt,
  SENTIMENT_RUBRIC,
  systemPrompt,
  userPrompt,
} from './judge-prompt.js';
export {
  OFFLINE_JUDGE_NAME,
  OfflineJudge,
  OfflineJudgeConfig,
  type OfflineScorer,
} from './offline-judge.js';
export { offlineRewardModel } from './offline-reward-model.js';
export {
  type Candidate,
  type IntervalForm,
  IntervalParseError,
  type IntervalScale,
  parseInterval,
} from './parse-interval.js';
export { JUDGE_PRESETS, type JudgePreset, type TokenPrices } from './presets.js';
export { PromptedRewardConfig, PromptedRewardModel } from './prompted-reward-model.js';
export { type SentimentEvidence, scoreSentiment } from './sentiment.js';
