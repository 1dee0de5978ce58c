// Browser build of module-file.ts: a `module:<url>` spec is a URL, relative to `baseDir` or else to
// the page.

import type * as Node from './module-file.js';

export const moduleFile: typeof Node.moduleFile = (arg, baseDir) => {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const url = new URL(arg, baseDir ?? page).href;
  return { path: url, url };
};
