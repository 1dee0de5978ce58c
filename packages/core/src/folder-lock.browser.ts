// Browser build of folder-lock.ts: a page has no folder to lock.

import type * as Node from './folder-lock.js';
import { nodeOnly } from './node-only.js';

export type { FolderLock, LockFolderOptions, LockHolder } from './folder-lock.js';

export const LOCK_DIR: typeof Node.LOCK_DIR = '.lock';
const instead = 'commands run in Node';
export const lockFolder: typeof Node.lockFolder = nodeOnly('lockFolder', instead);
export const readFolderLock: typeof Node.readFolderLock = nodeOnly('readFolderLock', instead);
