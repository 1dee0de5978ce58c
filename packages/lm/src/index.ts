export {
  AdamW,
  AdamWConfig,
  type AdamWSettings,
  type AdamWState,
  clipFactor,
  clipGradNorm,
  globalNorm,
} from './adamw.js';
export {
  type AdamWHyperparameters,
  type AdamWUpdateOptions,
  adamwUpdate,
  type FloatArray,
} from './adamw-update.js';
export {
  BACKENDS,
  type BackendChoice,
  type BackendName,
  selectBackend,
} from './backend.js';
export {
  CausalLM,
  createCausalLM,
  type ForwardOptions,
  type ForwardResult,
  type ParamData,
} from './causal-lm.js';
export {
  countParameters,
  Gpt2Config,
  type Gpt2HfConfig,
  type Gpt2ModelConfig,
  LlamaConfig,
  type LlamaHfConfig,
  type LlamaModelConfig,
  type ModelConfig,
  type ModelType,
  modelConfigToJson,
  parseModelConfig,
  SUPPORTED_MODEL_TYPES,
  SUPPORTED_ROPE_TYPES,
} from './config.js';
export { DEFAULT_MODEL_DIR, loadDefaultModel } from './default-model.js';
export {
  decodeBf16,
  decodeF16,
  encodeBf16,
  encodeF16,
  f16BitsToF32,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
} from './float16.js';
export {
  GEMMA_MODEL_TYPES,
  GEMMA_TYPE_DEFAULTS,
  GemmaConfig,
  type GemmaHfConfig,
  type GemmaModelConfig,
  type GemmaModelType,
} from './gemma-config.js';
export {
  type FinishReason,
  GenerationConfig,
  type GenerationOptions,
  type GenerationResult,
  type GenerationSettings,
  generate,
  PAPER_GENERATION,
} from './generate.js';
export { KVCache } from './kv-cache.js';
export {
  type LearningRateSchedule,
  learningRateAt,
  type ScheduleSettings,
} from './learning-rate.js';
export { type LoadOptions, loadCausalLM } from './load.js';
export {
  type ContinuationLogProbs,
  type ContinuationOptions,
  continuationLogProbs,
  tokenLogProbs,
} from './logprobs.js';
export { LoraAdapter, LoraConfig, type LoraOptions, type LoraSettings } from './lora.js';
export { padLeft, positionsFromMask } from './mask.js';
export {
  type OptimizerSettings,
  optimizerFields,
} from './optimizer-config.js';
export {
  iterateSafetensorsFolder,
  type ParsedSafetensors,
  parseSafetensors,
  type RawTensorEntry,
  readSafetensorsFile,
  readSafetensorsFolder,
  SAFETENSORS_DTYPE_BYTES,
  type SafetensorsDtype,
  type SafetensorsItem,
  type SafetensorsReadOptions,
  serializeSafetensors,
  type TensorEntry,
  type TensorInput,
  writeSafetensorsFile,
  writeSafetensorsFolder,
} from './safetensors.js';
export { chooseToken, type LogitsProcessing, processLogits, type TokenChoice } from './sampling.js';
export { type SaveOptions, saveCausalLM } from './save.js';
export {
  MODEL_FILES,
  type ModelSourceOptions,
  type ResolvedSourceOptions,
  resolveModelSource,
  resolveSourceOptions,
} from './source.js';
export {
  type BatchEncoding,
  type ChatMessage,
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
  sampleWindows,
  TrainConfig,
  type TrainResult,
  type TrainSettings,
  trainCausalLM,
  trainStep,
} from './train.js';
export { ensureWasmKernels } from './wasm-kernels.js';
export { fitsWasm, WASM_MAX_WEIGHT_BYTES, weightBytes } from './weight-memory.js';
export { type ParamSpec, parameterSpecs } from './weights.js';
