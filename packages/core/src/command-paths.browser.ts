// Browser build of command-paths.ts: the checks of a command's files and folders, which only a
// command on Node has.

import type * as Node from './command-paths.js';
import { nodeOnly } from './node-only.js';

export type { OutputDirOptions, PathCheckOptions } from './command-paths.js';

const instead = 'commands run in Node';
export const callerDirectory: typeof Node.callerDirectory = nodeOnly(
  'callerDirectory',
  instead,
  'sync',
);
export const callerPath: typeof Node.callerPath = nodeOnly('callerPath', instead, 'sync');
export const displayPath: typeof Node.displayPath = nodeOnly('displayPath', instead, 'sync');
export const checkInputFile: typeof Node.checkInputFile = nodeOnly('checkInputFile', instead);
export const checkOutputFile: typeof Node.checkOutputFile = nodeOnly('checkOutputFile', instead);
export const checkOutputDir: typeof Node.checkOutputDir = nodeOnly('checkOutputDir', instead);
export const replaceDirectory: typeof Node.replaceDirectory = nodeOnly('replaceDirectory', instead);
