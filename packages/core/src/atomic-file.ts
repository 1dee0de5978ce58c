// Files that are complete or absent: written to a temporary file beside the target and renamed
// over it, so a crash mid-write never leaves half a file (POSIX rename is atomic).

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeError } from './write-error.js';

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
