// The browser build's files (files.browser.ts) in Node: an ensemble saved to disk loads from its
// folder's URL over a loopback HTTP server and scores exactly as it does from disk; writes and the
// Node-only backbones refuse, naming the way out.

import { join } from 'node:path';
import { ResourceError } from '@va/core';
import { checkBrowserSiblings, type ServedFiles, serveFiles, tempDir } from '@va/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initEnsembleHeads } from '../src/ensemble-heads.js';
import { HashedBackbone } from '../src/hashed-backbone.js';
import { RewardEnsemble } from '../src/reward-ensemble.js';

const queries = [
  { prompt: 'The food was', response: ' great and the staff were kind.' },
  { prompt: 'This laptop', response: ' broke after a week, sadly.' },
];
const dir = tempDir('va-ens-browser-');
let served: ServedFiles;
let base: string;

beforeAll(async () => {
  served = await serveFiles((path) => join(dir, path.slice(1)));
  base = served.url;
});
afterAll(() => served.close());

describe('browser build', () => {
  it('each .browser.ts exports every name of the module it replaces', async () => {
    const { files, missing } = await checkBrowserSiblings(new URL('../src', import.meta.url));
    expect(files).toEqual([
      'feature-cache.browser.ts',
      'files.browser.ts',
      'onnx-backbone.browser.ts',
      'preference-file.browser.ts',
    ]);
    expect(missing).toEqual([]);
  });

  it('loads a saved ensemble from its URL and scores as from disk; saving refuses', async () => {
    const ensemble = new RewardEnsemble(
      new HashedBackbone({ dim: 32 }),
      initEnsembleHeads(32, [0, 1, 2, 3], 1, 5),
    );
    await ensemble.save(dir);
    vi.resetModules();
    vi.doMock('../src/files.js', () => import('../src/files.browser.js'));
    const browser = await import('../src/reward-ensemble.js');
    const loaded = await browser.RewardEnsemble.load(base);
    expect(await loaded.score(queries)).toEqual(await ensemble.score(queries));
    // Modules were reset: the error is the fresh @va/core's ResourceError.
    await expect(loaded.save('out')).rejects.toMatchObject({ name: ResourceError.name });
    await expect(loaded.save('out')).rejects.toThrow(/RewardEnsemble\.save: needs Node\.js/);
    await expect(browser.RewardEnsemble.load(`${base}/nope`)).rejects.toThrow(
      /cannot read .*nope\/ensemble\.json: GET .* HTTP 404/,
    );
  });
});
