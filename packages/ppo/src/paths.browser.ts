// Browser build of paths.ts: there is no working directory to resolve a command's paths against.

import { nodeOnly } from '@va/core';
import type * as Node from './paths.js';

export const resolve: typeof Node.resolve = nodeOnly('ppoCommand', 'commands run in Node', 'sync');
