// Browser build of prompts-file.ts: a page has no prompt file to read.

import { nodeOnly } from '@va/core';
import type * as Node from './prompts-file.js';

export const readPrompts: typeof Node.readPrompts = nodeOnly(
  'readPrompts',
  'fetch the prompts and pass them as an array',
);
