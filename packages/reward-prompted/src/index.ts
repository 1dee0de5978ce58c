export {
  ChatClient,
  type ChatClientOptions,
  type ChatClientStats,
  type ChatCompletion,
  type TokenUsage,
} from './chatClient.js';
export { ChatClientConfig, presetConfig } from './chatClientConfig.js';
export { ChatJudge, ChatJudgeConfig } from './chatJudge.js';
export {
  type Bounds,
  type MixtureMoments,
  mixIntervals,
  rescaleBounds,
  sampleInterval,
  sampleMixture,
} from './interval.js';
export { type Judge, type Judgment, NO_USAGE } from './judge.js';
export { CACHE_FORMAT, type CacheEntry, cacheKey, JudgeCache } from './judgeCache.js';
export {
  type JudgeFileOptions,
  type JudgeFileSummary,
  judgeFile,
  type OutputRow,
} from './judgeFile.js';
export {
  OFFLINE_JUDGE_NAME,
  OfflineJudge,
  OfflineJudgeConfig,
  type OfflineScorer,
} from './offlineJudge.js';
export {
  type Candidate,
  type Interval,
  type IntervalForm,
  IntervalParseError,
  type IntervalScale,
  makeInterval,
  parseInterval,
} from './parseInterval.js';
export { isLocalUrl, JUDGE_PRESETS, type JudgePreset, type TokenPrices } from './presets.js';
export {
  buildJudgeMessages,
  type ChatMessage,
  JudgePromptConfig,
  PROMPT_VERSION,
  QUALITY_RUBRIC,
  RUBRICS,
  reaskPrompt,
  resolvePromptConfig,
  SENTIMENT_RUBRIC,
  systemPrompt,
  userPrompt,
} from './prompt.js';
export { PromptedRewardConfig, PromptedRewardModel } from './promptedRewardModel.js';
export { isRetryableStatus, parseRetryAfter } from './retry.js';
export { type SentimentEvidence, scoreSentiment } from './sentiment.js';
