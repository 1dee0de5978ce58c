// Browser build of feature-cache.ts: the cache is a folder of files, which a page does not have.

import { ResourceError } from '@va/core';

/** Refuses to be made: in a browser, train and score without `options.cache`. */
export class FeatureCache {
  constructor(readonly dir: string) {
    throw new ResourceError(
      `FeatureCache: needs Node.js (the cache is a folder of files, ${JSON.stringify(dir)}); ` +
        'in a browser, train and score without options.cache',
    );
  }
}
