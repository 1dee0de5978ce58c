// Files that are complete or absent: written to a temporary file beside the target and renamed
// over it, so a crash mid-write never leaves half a file (POSIX rename is atomic).

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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

/** Writes `data` to `path` through a temporary file and a rename; creates the folder if needed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(path, error);
  }
}

/** `value` as indented JSON (with a final newline), written with {@link writeFileAtomic}. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
