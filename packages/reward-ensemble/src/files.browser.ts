// Browser build of files.ts: a saved ensemble is read from a folder URL with fetch (absolute, or
// relative to the page); a page cannot write files or look at a local path.

import { nodeOnly, ResourceError } from '@va/core';
import type * as Node from './files.js';

const instead = 'keep the ensemble in memory, or save it from Node';
export const mkdir = nodeOnly('RewardEnsemble.save', instead) as typeof Node.mkdir;
export const writeFile = nodeOnly('RewardEnsemble.save', instead) as typeof Node.writeFile;

/** No local paths in a page. */
export const existsSync: typeof Node.existsSync = () => false;

/** Parts joined with '/'. */
export const join: typeof Node.join = (...parts) =>
  parts
    .filter((p) => p !== '')
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\.?\/+|\/+$/g, '')))
    .join('/');

/** The last absolute part (a URL or '/...') with the rest joined to it, as a URL resolves. */
export const resolve: typeof Node.resolve = (...parts) => {
  let at = 0;
  parts.forEach((p, i) => {
    if (/^[a-z][a-z0-9+.-]*:|^\//i.test(p)) at = i;
  });
  return join(...parts.slice(at));
};

/** The text (with an encoding) or the bytes of the URL `path`. */
export const readFile = (async (path: string, encoding?: string) => {
  const res = await fetch(path);
  if (!res.ok) throw new ResourceError(`GET ${path}: HTTP ${res.status} ${res.statusText}`);
  return encoding ? res.text() : new Uint8Array(await res.arrayBuffer());
}) as unknown as typeof Node.readFile;
