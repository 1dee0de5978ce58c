export {
  AdamW,
  AdamWConfig,
  type AdamWState,
  clipFactor,
  clipGradNorm,
  globalNorm,
} from './adamw.js';
export { GemmaConfig } from './architectures/gemma.js';
export { Gpt2Config } from './architectures/gpt2.js';
export { type ModelConfig, type ModelType, SUPPORTED_MODEL_TYPES } from './architectures/index.js';
export { LlamaConfig } from './architectures/llama.js';
export { BACKENDS, type BackendChoice, type BackendName, selectBackend } from './backend.js';
export {
  CausalLM,
  createCausalLM,
  type ForwardOptions,
  type ForwardResult,
  type ParamData,
} from './causal-lm.js';
export { countParameters, parseModelConfig } from './config.js';
export { DEFAULT_MODEL_DIR, loadDefaultModel } from './default-model.js';
export {
  type FinishReason,
  GenerationConfig,
  type GenerationOptions,
  type GenerationResult,
  generate,
  PAPER_GENERATION,
} from './generate.js';
export { KVCache } from './kv-cache.js';
export { type LoadOptions, loadCausalLM } from './load.js';
export {
  type ContinuationLogProbs,
  type ContinuationOptions,
  continuationLogProbs,
  tokenLogProbs,
} from './logprobs.js';
export { LoraAdapter, LoraConfig, type LoraOptions } from './lora.js';
export { tokenEntropy } from './ops.js';
export { chooseToken, type LogitsProcessing, processLogits, type TokenChoice } from './sampling.js';
export { type SaveOptions, saveCausalLM } from './save.js';
export {
  type ModelSourceOptions,
  type ResolvedSourceOptions,
  resolveModelSource,
  resolveSourceOptions,
} from './source.js';
export {
  type BatchEncoding,
  type EncodeBatchOptions,
  encodeBatch,
  HfTokenizer,
  loadTokenizer,
  type Tokenizer,
  type TokenizerFiles,
} from './tokenizer.js';
export {
  evaluateLoss,
  languageModelLoss,
  TrainConfig,
  type TrainResult,
  trainCausalLM,
  trainStep,
} from './train.js';
export { WASM_MAX_WEIGHT_BYTES } from './weight-memory.js';
export { type ParamSpec, parameterSpecs } from './weights.js';
