// Browser build of default-model.ts: the embedded default model's files as URLs beside this module,
// one literal `new URL(..., import.meta.url)` each, which bundlers (Vite, webpack, Parcel) turn
// into emitted assets; served unbundled, they are the package's own files.

import type { CausalLM } from './causal-lm.js';
import type * as Node from './default-model.js';
import { bundleFiles } from './files.browser.js';
import { type LoadOptions, loadCausalLM } from './load.js';

const CONFIG = new URL('../assets/default/config.json', import.meta.url).href;

/**
 * The "folder" of the embedded default model: where its config.json is (a bundler may put it with
 * its other assets); its files are registered below, so no other file is asked for there.
 */
export const DEFAULT_MODEL_DIR: typeof Node.DEFAULT_MODEL_DIR = CONFIG.slice(
  0,
  CONFIG.lastIndexOf('/'),
);

bundleFiles(DEFAULT_MODEL_DIR, {
  'config.json': CONFIG,
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
