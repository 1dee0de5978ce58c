// Loading a causal LM from a folder in Hugging Face layout or a hub id: config.json, safetensors
// weights (checked tensor by tensor against the config), the tokenizer when its files are there.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResourceError, silentLogger } from '@va/core';
import { type BackendName, selectBackend } from './backend.js';
import { CausalLM } from './causal-lm.js';
import { parseModelConfig } from './config.js';
import { readSafetensorsFolder } from './safetensors.js';
import { type ModelSourceOptions, resolveModelSource } from './source.js';
import { loadTokenizer, type Tokenizer } from './tokenizer.js';
import { checkpointToParams } from './weights.js';

/**
 * Options of {@link loadCausalLM}: those of `resolveModelSource` (offline, cacheDir, revision, fetch,
 * hubUrl, accessToken, logger, onProgress) and these.
 */
export interface LoadOptions extends ModelSourceOptions {
  /**
   * tfjs backend: `'tensorflow-gpu'`, `'tensorflow'`, `'wasm'` or `'cpu'` forces one; absent, the
   * best available is chosen (see `selectBackend`); `'current'` leaves tfjs's backend as it is.
   */
  backend?: BackendName | 'current';
  /** Load the tokenizer when the folder has one (default true). */
  tokenizer?: boolean;
}

/**
 * Loads a GPT-2 / Llama / Qwen2 / Mistral checkpoint. `source` is a folder holding `config.json` and
 * `model.safetensors` (or shards with `model.safetensors.index.json`), or a hub id such as
 * `Qwen/Qwen2.5-0.5B`, downloaded once into the Hugging Face cache. Every tensor's shape is checked
 * against config.json before use; a misfit is refused with the tensor's name and both shapes.
 */
export async function loadCausalLM(source: string, options: LoadOptions = {}): Promise<CausalLM> {
  const { backend, tokenizer: withTokenizer = true, ...sourceOptions } = options;
  const logger = options.logger ?? silentLogger;
  if (backend !== 'current') await selectBackend({ ...(backend ? { backend } : {}), logger });
  const dir = await resolveModelSource(source, sourceOptions);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  } catch (cause) {
    throw new ResourceError(
      `loadCausalLM: cannot read ${join(dir, 'config.json')}: ${(cause as Error).message}`,
    );
  }
  const config = parseModelConfig(json);
  const { tensors } = await readSafetensorsFolder(dir);
  const { params, unused } = checkpointToParams(config, tensors);
  tensors.clear();
  if (unused.length > 0) {
    logger.warn(
      `loadCausalLM: ${unused.length} checkpoint tensor(s) not used: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''}`,
    );
  }
  let tokenizer: Tokenizer | undefined;
  const hasTokenizer =
    existsSync(join(dir, 'tokenizer.json')) ||
    (existsSync(join(dir, 'vocab.json')) && existsSync(join(dir, 'merges.txt')));
  if (withTokenizer && hasTokenizer) tokenizer = await loadTokenizer(dir);
  logger.info(
    `loadCausalLM: ${config.modelType}, ${config.numLayers} layers, hidden ${config.hiddenSize}, from ${dir}`,
  );
  return new CausalLM(config, params, {
    ...(tokenizer ? { tokenizer } : {}),
    sourceDir: dir,
    consume: true,
  });
}
