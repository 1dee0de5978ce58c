// Browser build of judge-cache.ts: the cache is a folder of files, which a page does not have; the
// keys are the same.

import { ResourceError } from '@va/core';

export { CACHE_FORMAT, type CacheEntry, cacheKey } from './cache-key.js';

/** Refuses to be made: a judge in a browser runs without `options.cache`. */
export class JudgeCache {
  constructor(readonly dir: string) {
    throw new ResourceError(
      `JudgeCache: needs Node.js (the cache is a folder of files, ${JSON.stringify(dir)}); ` +
        'in a browser, make the ChatJudge without options.cache',
    );
  }
}
