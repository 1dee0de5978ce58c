// Browser build of save.ts: a page has no folder to save a model into.

import { nodeOnly } from '@va/core';
import type * as Node from './save.js';

export type { SaveOptions } from './save.js';

/** Files beside the weights that belong to the tokenizer or to generation (as in Node). */
export const TOKENIZER_FILES: typeof Node.TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
  'tokenizer.model',
  'chat_template.jinja',
  'chat_template.json',
  'generation_config.json',
] as const;

export const saveCausalLM: typeof Node.saveCausalLM = nodeOnly(
  'saveCausalLM',
  'keep the weights in memory (model.readParams(), serializeSafetensors) or save from Node',
);
