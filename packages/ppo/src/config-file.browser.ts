// Browser build of config-file.ts: a page has no config file to read.

import { nodeOnly } from '@va/core';
import type * as Node from './config-file.js';

export const readConfigFile: typeof Node.readConfigFile = nodeOnly(
  'readConfigFile',
  'pass the config object itself',
);
