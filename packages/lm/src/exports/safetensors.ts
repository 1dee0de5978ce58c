// `@va/lm/safetensors`: Hugging Face safetensors files and checkpoint folders (read, write, shard,
// stream) and the float16/bfloat16 codecs behind them. No tfjs: tensors are Float32Array.

export { decodeBf16, decodeF16, encodeBf16, encodeF16 } from '../float16.js';
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
} from '../safetensors.js';
