// Where a `module:<file>` spec points: a path resolved against a folder (the working directory by
// default) and its file: URL to import. The browser build (module-file.browser.ts) resolves URLs.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `arg` resolved against `baseDir`: the path to name in messages and the URL to `import()`. */
export function moduleFile(
  arg: string,
  baseDir: string | undefined,
): { path: string; url: string } {
  const path = resolve(baseDir ?? '', arg);
  return { path, url: pathToFileURL(path).href };
}
