// Browser build of fonts.ts: the fonts of resvg's PNGs, which only Node draws; a page lays text
// out with its own fonts.

import { nodeOnly } from '@va/core';
import type * as Node from './fonts.js';

export type { FontOptions } from './fonts.js';

/** No font files in a browser (as documented for a bundled copy of this package). */
export const bundledFontFiles: typeof Node.bundledFontFiles = () => [];
export const resvgFontOptions: typeof Node.resvgFontOptions = nodeOnly(
  'resvgFontOptions',
  'text in a page is drawn with the page’s fonts',
  'sync',
);
