export {
  BACKENDS,
  type BackendChoice,
  type BackendName,
  selectBackend,
} from './backend.js';
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
