import { checkBrowserSiblings } from '@va/test-utils';
import { describe, expect, it } from 'vitest';

describe('browser build', () => {
  it('each .browser.ts exports the names of the module it replaces', async () => {
    const { files, missing } = await checkBrowserSiblings(new URL('../src', import.meta.url));
    expect(files).toEqual([
      'http-transport.browser.ts',
      'judge-cache.browser.ts',
      'judge-file.browser.ts',
    ]);
    expect(missing).toEqual([]);
  });
});
