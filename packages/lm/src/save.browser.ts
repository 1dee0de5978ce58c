// Browser build of save.ts: a page has no folder to save a model into.

import { nodeOnly } from '@va/core';
import type * as Node from './save.js';

export { TOKENIZER_FILES } from './model-files.js';
export type { SaveOptions } from './save.js';

export const saveCausalLM: typeof Node.saveCausalLM = nodeOnly(
  'saveCausalLM',
  'keep the weights in memory (model.readParams(), serializeSafetensors) or save from Node',
);
