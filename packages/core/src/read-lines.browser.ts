// Browser build of read-lines.ts: a page has no file system to read from.

import { nodeOnly } from './node-only.js';
import type * as Node from './read-lines.js';

export type { FileLine, ReadLinesOptions } from './read-lines.js';
export const readLines: typeof Node.readLines = nodeOnly(
  'readLines',
  'fetch the text and split it into lines',
  'sync',
);
export const readTextFile: typeof Node.readTextFile = nodeOnly(
  'readTextFile',
  'fetch the text (fetch(url).then((r) => r.text()))',
);
