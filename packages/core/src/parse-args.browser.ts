// Browser build of parse-args.ts: a page has no command line.

import { nodeOnly } from './node-only.js';
import type * as Node from './parse-args.js';

export const parseArgs: typeof Node.parseArgs = nodeOnly(
  'parseCommandLine',
  'commands run in Node',
  'sync',
);
