// Browser build of default-model.ts: the embedded default model's files as URLs beside this module,
// one literal `new URL(..., import.meta.url)` each, which bundlers (Vite, webpack, Parcel) turn
// into emitted assets; served unbundled, they are the package's own files.

import type { CausalLM } from './causal-lm.js';
import type * as Node from './default-model.js';
import { bundleFiles } from './files.browser.js';
import { type LoadOptions, loadCausalLM } from './load.js';

/** The "folder" of the embedded default model: its files are registered below. */
export const DEFAULT_MODEL_DIR: typeof Node.DEFAULT_MODEL_DIR = new URL(
  '../assets/default/',
  import.meta.url,
).href;

bundleFiles(DEFAULT_MODEL_DIR, {
  'config.json': new URL('../assets/default/config.json', import.meta.url).href,
  'generation_config.json': new URL('../assets/default/generation_config.json', import.meta.url)
    .href,
  'model.safetensors': new URL('../assets/default/model.safetensors', import.meta.url).href,
  'tokenizer.json': new URL('../assets/default/tokenizer.json', import.meta.url).href,
  'tokenizer_config.json': new URL('../assets/default/tokenizer_config.json', import.meta.url).href,
});

/** Loads the embedded default model with its tokenizer, from the app's own files. */
export const loadDefaultModel: typeof Node.loadDefaultModel = (
  options: Pick<LoadOptions, 'backend' | 'logger'> = {},
): Promise<CausalLM> => loadCausalLM(DEFAULT_MODEL_DIR, { ...options, offline: true });
