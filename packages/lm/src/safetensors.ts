// Safetensors: the format (safetensors-format.ts: header checks, parse, serialize, shard plans)
// and checkpoint folders on disk (safetensors-folder.ts), in one module for the package's users.

export {
  iterateSafetensorsFolder,
  readSafetensorsFile,
  readSafetensorsFolder,
  type SafetensorsItem,
  type SafetensorsReadOptions,
  writeSafetensorsFile,
  writeSafetensorsFolder,
} from './safetensors-folder.js';
export * from './safetensors-format.js';
