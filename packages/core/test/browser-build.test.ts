import { describe, expect, it } from 'vitest';
// @va/test-utils depends on @va/core, so core takes the helper from its file (it needs only Node).
import { checkBrowserSiblings } from '../../test-utils/src/browser-siblings.js';
import { ResourceError } from '../src/errors.js';
import { nodeOnly } from '../src/node-only.js';
import { createSha256 as browserSha256 } from '../src/sha256.browser.js';
import { createSha256 } from '../src/sha256.js';

describe('browser build', () => {
  it('each .browser.ts exports the names of the module it replaces', async () => {
    const { files, missing } = await checkBrowserSiblings(new URL('../src', import.meta.url));
    expect(files).toContain('sha256.browser.ts');
    expect(missing).toEqual([]);
  });

  it('SHA-256 gives the FIPS 180-2 digests in both builds, incrementally and in UTF-8', () => {
    for (const make of [createSha256, browserSha256]) {
      expect(make().update('abc').digest('hex')).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
      expect(make().digest('hex')).toBe(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
      expect(
        make()
          .update('a')
          .update(new Uint8Array([0x62, 0x63]))
          .digest('hex'),
      ).toBe(make().update('abc').digest('hex'));
    }
    const text = 'prix: 3 € — ☃';
    expect(browserSha256().update(text).digest('hex')).toBe(
      createSha256().update(text).digest('hex'),
    );
  });

  it('nodeOnly stand-ins fail with a ResourceError that names the function and the way out', async () => {
    const write = nodeOnly<(path: string) => Promise<void>>('writeThing', 'keep it in memory');
    await expect(write('x')).rejects.toThrow(ResourceError);
    await expect(write('x')).rejects.toThrow(/^writeThing: needs Node\.js.*keep it in memory$/);
    const parse = nodeOnly<() => number>('parseThing', 'run it in Node', 'sync');
    expect(() => parse()).toThrow(/^parseThing: needs Node\.js.*run it in Node$/);
  });
});
