// Checks the browser builds' module swaps (scripts/build-browser.mjs): every `x.browser.ts` under a
// package's src/ exports at run time every name its `x.ts` exports (and perhaps helpers of its own),
// so that the browser entry offers what the Node entry does and a name the Node module gains is not
// forgotten.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The browser siblings under the `src` folder URL, and `file: name` for each name one lacks. */
export async function checkBrowserSiblings(
  src: URL,
): Promise<{ files: string[]; missing: string[] }> {
  const dir = fileURLToPath(src);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.browser.ts'))
    .sort();
  const names = async (path: string) =>
    Object.keys(await import(pathToFileURL(join(dir, path)).href));
  const missing: string[] = [];
  for (const file of files) {
    const browser = new Set(await names(file));
    for (const name of await names(file.replace(/\.browser\.ts$/, '.ts'))) {
      if (!browser.has(name)) missing.push(`${file}: ${name}`);
    }
  }
  return { files, missing };
}
