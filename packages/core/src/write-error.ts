// What a failed write throws: Node's own message for a full disk or a read-only file system names
// no path, so the writers of files and folders (atomic-file.ts, command-paths.ts, PPO logs) say it.

import { ResourceError } from './errors.js';

const WRITE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/**
 * What a failed write of `path` throws: for a full disk, a read-only file system or a denied
 * permission, a {@link ResourceError} naming the path, the problem and the fix (Node's own message
 * names no path for a failed write); anything else as it came.
 */
export function writeError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  const problem = code ? WRITE_PROBLEMS[code] : undefined;
  if (!problem) return error;
  return new ResourceError(
    `cannot write ${path}: ${problem} (${code}). Make room or choose a writable folder, then run the same command again: what was finished is kept`,
    { cause: error },
  );
}
