// Loading a causal LM from a folder in Hugging Face layout or a hub id: config.json, safetensors
// weights (checked tensor by tensor against the config), the tokenizer when its files are there.

import * as tf from '@tensorflow/tfjs';
import { ResourceError, silentLogger } from '@va/core';
import type { ModelConfig } from './architectures/index.js';
import { type BackendName, selectBackend } from './backend.js';
import { CausalLM, paramVariable } from './causal-lm.js';
import { countParameters, parseModelConfig } from './config.js';
import { fileExists, join, readFilesIfPresent, readText } from './files.js';
import { TOKENIZER_FILES } from './model-files.js';
import { iterateSafetensorsFolder } from './safetensors.js';
import { type ModelSourceOptions, resolveModelSource } from './source.js';
import { loadTokenizer, type Tokenizer } from './tokenizer.js';
import { checkFitsBackend, fitsWasm, formatGiB, weightBytes } from './weight-memory.js';
import { checkNoneMissing, checkpointParam, specsByName } from './weights.js';

/**
 * Options of {@link loadCausalLM}: those of `resolveModelSource` (offline, cacheDir, revision, fetch,
 * hubUrl, accessToken, logger, onProgress) and these.
 */
export interface LoadOptions extends ModelSourceOptions {
  /**
   * tfjs backend: `'tensorflow-gpu'`, `'tensorflow'`, `'wasm'` or `'cpu'` forces one; absent, the
   * best available is chosen (see `selectBackend`), except that weights too large for wasm's heap
   * go to `cpu`; `'current'` leaves tfjs's backend as it is.
   */
  backend?: BackendName | 'current';
  /** Load the tokenizer when the folder has one (default true). */
  tokenizer?: boolean;
}

/**
 * Loads a GPT-2 / Llama / Qwen2 / Mistral / Gemma checkpoint. `source` is a folder holding
 * `config.json` and `model.safetensors` (or shards with `model.safetensors.index.json`), or a hub id
 * such as `Qwen/Qwen2.5-0.5B`, downloaded once into the Hugging Face cache. Every tensor's shape is
 * checked against config.json before use; a misfit is refused with the tensor's name and both
 * shapes. Tensors are read one at a time and each goes to the backend before the next is read, so
 * the weights are never held twice (peak: the model plus about one tensor).
 */
export async function loadCausalLM(source: string, options: LoadOptions = {}): Promise<CausalLM> {
  const { backend, tokenizer: withTokenizer = true, ...sourceOptions } = options;
  const logger = options.logger ?? silentLogger;
  const dir = await resolveModelSource(source, sourceOptions);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readText(join(dir, 'config.json')));
  } catch (cause) {
    throw new ResourceError(
      `loadCausalLM: cannot read ${join(dir, 'config.json')}: ${(cause as Error).message}`,
    );
  }
  const config = parseModelConfig(json);
  await chooseBackend(config, backend, logger);
  const variables = await readWeights(config, dir, logger);
  let tokenizer: Tokenizer | undefined;
  const hasTokenizer =
    (await fileExists(join(dir, 'tokenizer.json'))) ||
    ((await fileExists(join(dir, 'vocab.json'))) && (await fileExists(join(dir, 'merges.txt'))));
  let companionFiles: Map<string, Uint8Array>;
  try {
    if (withTokenizer && hasTokenizer) tokenizer = await loadTokenizer(dir);
    companionFiles = await readFilesIfPresent(dir, TOKENIZER_FILES);
  } catch (error) {
    for (const v of variables.values()) v.dispose();
    throw error;
  }
  logger.info(
    `loadCausalLM: ${config.modelType}, ${config.numLayers} layers, hidden ${config.hiddenSize}, from ${dir}`,
  );
  return new CausalLM(config, variables, {
    ...(tokenizer ? { tokenizer } : {}),
    sourceDir: dir,
    companionFiles,
  });
}

/**
 * Makes the requested backend active. Chosen automatically, wasm gives way to cpu when the weights
 * exceed its heap; asked for by name (or `'current'`), wasm refuses them with the alternatives.
 */
async function chooseBackend(
  config: ModelConfig,
  backend: LoadOptions['backend'],
  logger: NonNullable<LoadOptions['logger']>,
): Promise<void> {
  if (backend !== 'current') await selectBackend({ ...(backend ? { backend } : {}), logger });
  if (backend === undefined && tf.getBackend() === 'wasm' && !fitsWasm(config)) {
    logger.warn(
      `loadCausalLM: ${countParameters(config).toLocaleString('en')} parameters ` +
        `(${formatGiB(weightBytes(config))} in float32) do not fit the wasm backend's 4 GiB heap; ` +
        "using the 'cpu' backend (slow; install @tensorflow/tfjs-node for a native one)",
    );
    await selectBackend({ backend: 'cpu', logger });
  }
  checkFitsBackend(config, tf.getBackend(), 'loadCausalLM');
}

/** Reads, checks and uploads the weights one tensor at a time, in spec order at the end. */
async function readWeights(
  config: ModelConfig,
  dir: string,
  logger: NonNullable<LoadOptions['logger']>,
): Promise<Map<string, tf.Variable>> {
  const specs = specsByName(config);
  const made = new Map<string, tf.Variable>();
  const unused: string[] = [];
  try {
    for await (const item of iterateSafetensorsFolder(dir)) {
      if (!item.tensor) continue; // not a float tensor (an I64 buffer, say): never a weight
      const param = checkpointParam(config, specs, item.name, item.tensor, unused);
      if (param) made.set(param.key, paramVariable(param));
    }
    checkNoneMissing(config, specs, made);
  } catch (error) {
    for (const v of made.values()) v.dispose();
    throw error;
  }
  if (unused.length > 0) {
    logger.warn(
      `loadCausalLM: ${unused.length} checkpoint tensor(s) not used: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''}`,
    );
  }
  // Spec order, whatever the file's order: variables (and optimizer state) line up across loads.
  return new Map([...specs.keys()].map((k) => [k, made.get(k)!]));
}
