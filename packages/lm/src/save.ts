// Saving a model as Hugging Face's `save_pretrained` lays it out: config.json, model.safetensors (or
// shards with model.safetensors.index.json) with HF tensor names and layouts, tokenizer files.

import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CausalLM } from './causal-lm.js';
import { modelConfigToJson } from './config.js';
import { TOKENIZER_FILES } from './model-files.js';
import { type SafetensorsDtype, writeSafetensorsFolder } from './safetensors.js';
import { paramsToCheckpoint } from './weights.js';

export { TOKENIZER_FILES } from './model-files.js';

/** Options of {@link saveCausalLM}. */
export interface SaveOptions {
  /** Stored dtype (default F32, which loads back bit-exactly). */
  dtype?: SafetensorsDtype;
  /** Shard above this many bytes (default 5 GB, as transformers). */
  maxShardBytes?: number;
  /** Write the tokenizer and generation files of the folder the model came from (default true). */
  copyTokenizer?: boolean;
}

const TORCH_DTYPE: Record<SafetensorsDtype, string> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
};

/**
 * Writes `model` to `dir` in Hugging Face's layout, loadable by `loadCausalLM` and by transformers'
 * `AutoModelForCausalLM.from_pretrained` (GPT-2 tensors are named `transformer.*`, as
 * `GPT2LMHeadModel.save_pretrained` names them; Linear weights are written [out, in]).
 */
export async function saveCausalLM(
  model: CausalLM,
  dir: string,
  options: SaveOptions = {},
): Promise<void> {
  const dtype = options.dtype ?? 'F32';
  await mkdir(dir, { recursive: true });
  const tensors = paramsToCheckpoint(model.config, model.readParams());
  await writeSafetensorsFolder(dir, tensors, {
    dtype,
    ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
  });
  const config = modelConfigToJson(model.config, { torch_dtype: TORCH_DTYPE[dtype] });
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  if (options.copyTokenizer ?? true) {
    // From memory (read at load): the source folder may be gone, e.g. a pruned checkpoint.
    for (const [file, data] of model.companionFiles) await writeFile(join(dir, file), data);
    const from = model.sourceDir;
    if (model.companionFiles.size === 0 && from && resolve(from) !== resolve(dir)) {
      for (const file of TOKENIZER_FILES) {
        await copyFile(join(from, file), join(dir, file)).catch(ignoreMissing);
      }
    }
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
