// Browser build of atomic-file.ts: a page has no file system to write to.

import type * as Node from './atomic-file.js';
import { nodeOnly } from './node-only.js';

const instead = 'keep the data in memory, or offer it as a download';
export const writeFileAtomic: typeof Node.writeFileAtomic = nodeOnly('writeFileAtomic', instead);
export const writeJsonAtomic: typeof Node.writeJsonAtomic = nodeOnly('writeJsonAtomic', instead);
