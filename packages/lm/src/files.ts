// The files of a model folder (config, weights, tokenizer, adapters): Node's file system here; in
// the browser build (files.browser.ts) URLs read with fetch, and writes refused.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile as writeToFile } from 'node:fs/promises';

import { join } from 'node:path';

export { join };

/** The text of `path` (UTF-8); rejects when it cannot be read. */
export function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** The bytes of `path`; rejects when it cannot be read. */
export async function readBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

/** Whether `path` exists. */
export async function fileExists(path: string): Promise<boolean> {
  return existsSync(path);
}

/** Creates the folder `path` and its parents. */
export async function makeDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

/** Writes `data` to `path`. */
export function writeFile(path: string, data: string | Uint8Array): Promise<void> {
  return writeToFile(path, data);
}

/**
 * The files among `names` in `dir` that exist, by name (what a loaded model keeps to write again
 * on save; the browser build, which never saves, reads none).
 */
export async function readFilesIfPresent(
  dir: string,
  names: readonly string[],
): Promise<Map<string, Uint8Array>> {
  const found = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      return existsSync(path) ? ([name, await readBytes(path)] as const) : undefined;
    }),
  );
  return new Map(found.filter((f) => f !== undefined));
}
