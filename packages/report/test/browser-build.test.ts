import { ResourceError } from '@va/core';
import { checkBrowserSiblings } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import * as files from '../src/files.browser.js';
import { svgToPng } from '../src/png.browser.js';

describe('browser build', () => {
  it('each .browser.ts exports the names of the module it replaces', async () => {
    const { files, missing } = await checkBrowserSiblings(new URL('../src', import.meta.url));
    expect(files).toEqual(['files.browser.ts', 'fonts.browser.ts', 'png.browser.ts']);
    expect(missing).toEqual([]);
  });

  it("the path functions agree with node:path's on '/'-separated paths", async () => {
    const path = await import('node:path');
    const cases: [string, string][] = [
      ['out/report', 'figures'],
      ['/abs/dir/', 'a/./b'],
      ['.', 'REPORT.md'],
    ];
    for (const [a, b] of cases) expect(files.join(a, b)).toBe(path.join(a, b));
    for (const p of ['out/figures/x', '/a', 'plain', '/a/b/']) {
      expect(files.dirname(p)).toBe(path.dirname(p));
    }
    expect(files.relative('out', 'out/figures')).toBe(path.relative('out', 'out/figures'));
    expect(files.relative('out', 'out')).toBe('');
  });

  it('writing and PNGs fail with a ResourceError that says what to do in a page', async () => {
    await expect(files.writeFile('x.svg', '<svg/>')).rejects.toThrow(ResourceError);
    await expect(files.mkdir('out')).rejects.toThrow(/renderSvg/);
    expect(() => svgToPng('<svg/>')).toThrow(/svgToPng: needs Node\.js.*canvas/);
  });
});
