// Locates the real public data in `../shared/data/` (beside the repository root). Tests that read it
// must skip cleanly where it is absent: a user's clone has no `../shared`.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** `<repo>/../shared/data`, or the folder named by `VA_SHARED_DATA`. */
const dataDir = process.env.VA_SHARED_DATA ?? resolve(here, '../../../../shared/data');

/** The absolute path of `name` in the shared data folder, or `undefined` when it is absent. */
export function sharedDataFile(name: string): string | undefined {
  const path = join(dataDir, name);
  return existsSync(path) ? path : undefined;
}

/** A message for `it.skipIf(...)` / `describe.skipIf(...)` titles when `name` is absent. */
export function sharedDataSkipReason(name: string): string {
  return `skipped: ${join(dataDir, name)} is absent (set VA_SHARED_DATA to the folder that holds it)`;
}
