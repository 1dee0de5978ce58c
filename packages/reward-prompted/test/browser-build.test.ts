import { browserSiblings } from '@va/test-utils';
import { describe, expect, it } from 'vitest';

describe('browser build', () => {
  it('each .browser.ts exports the names of the module it replaces', async () => {
    const siblings = await browserSiblings(new URL('../src', import.meta.url).pathname);
    expect(siblings.map((s) => s.file)).toEqual([
      'http-transport.browser.ts',
      'judge-cache.browser.ts',
      'judge-file.browser.ts',
    ]);
    for (const s of siblings) expect(s.browser, s.file).toEqual(s.node);
  });
});
