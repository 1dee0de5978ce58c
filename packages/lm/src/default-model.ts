// The embedded default model: a tiny causal LM trained by this package on its own review corpus
// (scripts/train-default.ts), shipped in assets/default so the default experiment needs no network.

import { fileURLToPath } from 'node:url';
import type { CausalLM } from './causal-lm.js';
import { type LoadOptions, loadCausalLM } from './load.js';

/** The folder of the embedded default model (config.json, model.safetensors, tokenizer files). */
export const DEFAULT_MODEL_DIR: string = fileURLToPath(
  new URL('../assets/default/', import.meta.url),
);

/** Loads the embedded default model with its tokenizer, offline. */
export function loadDefaultModel(
  options: Pick<LoadOptions, 'backend' | 'logger'> = {},
): Promise<CausalLM> {
  return loadCausalLM(DEFAULT_MODEL_DIR, { ...options, offline: true });
}
