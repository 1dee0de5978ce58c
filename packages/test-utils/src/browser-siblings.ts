// Checks the browser builds' module swaps (scripts/build-browser.mjs): every `x.browser.ts` under a
// package's src/ exports at run time every name its `x.ts` exports (and perhaps helpers of its own),
// so that the browser entry offers what the Node entry does and a name the Node module gains is not
// forgotten.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Each browser sibling under `srcDir` with the runtime export names of both modules. */
export async function browserSiblings(
  srcDir: string,
): Promise<{ file: string; node: string[]; browser: string[] }[]> {
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.browser.ts'))
    .sort();
  const names = async (path: string) =>
    Object.keys(await import(pathToFileURL(join(srcDir, path)).href)).sort();
  return Promise.all(
    files.map(async (file) => ({
      file,
      node: await names(file.replace(/\.browser\.ts$/, '.ts')),
      browser: await names(file),
    })),
  );
}
