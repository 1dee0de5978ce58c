// Browser build of judge-file.ts: judging a file into a file needs Node's file system; the keys of
// its rows and settings are the same.

import { nodeOnly } from '@va/core';
import type * as Node from './judge-file.js';

export type { JudgeFileOptions, JudgeFileSummary, OutputRow } from './judge-file.js';
export { judgeSettingsHash, rowKey } from './judge-file-keys.js';
export const judgeFile: typeof Node.judgeFile = nodeOnly(
  'judgeFile',
  'judge the pairs with judge.judge(...) and keep the results in memory',
);
