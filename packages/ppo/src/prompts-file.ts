// The prompts of a `va ppo` run from a file: `.txt` (one per line), `.jsonl` or `.json` (strings, or
// objects with a `prompt`, `query` or `text` field).

import { extname } from 'node:path';
import { ResourceError, readTextFile } from '@va/core';

/**
 * Prompts from a file: `.txt` (one per non-empty line), `.jsonl` (one object per line with a
 * `prompt`, `query` or `text` field, or a string), `.json` (an array of those).
 */
export async function readPrompts(path: string): Promise<string[]> {
  const text = await readTextFile(path, 'prompts file');
  const pick = (x: unknown, where: string): string => {
    const value =
      typeof x === 'string'
        ? x
        : x && typeof x === 'object'
          ? ((x as Record<string, unknown>).prompt ??
            (x as Record<string, unknown>).query ??
            (x as Record<string, unknown>).text)
          : undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ResourceError(
        `${where}: expected a non-empty prompt (a string, or an object with 'prompt', 'query' or 'text')`,
      );
    }
    return value;
  };
  const ext = extname(path).toLowerCase();
  let prompts: string[];
  if (ext === '.jsonl') {
    prompts = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new ResourceError(`${path}:${i + 1}: not JSON`);
      }
      prompts.push(pick(row, `${path}:${i + 1}`));
    });
  } else if (ext === '.json') {
    let rows: unknown;
    try {
      rows = JSON.parse(text);
    } catch (cause) {
      throw new ResourceError(`${path}: not JSON (${(cause as Error).message})`);
    }
    if (!Array.isArray(rows)) throw new ResourceError(`${path}: expected a JSON array of prompts`);
    prompts = rows.map((r, i) => pick(r, `${path}[${i}]`));
  } else {
    prompts = text.split('\n').filter((l) => l.trim() !== '');
  }
  if (prompts.length === 0) throw new ResourceError(`${path}: no prompts`);
  return prompts;
}
