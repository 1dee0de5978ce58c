// Browser build of png.ts: resvg is a native binding for Node; in a page, an SVG is shown as it is
// (or drawn onto a canvas by the page).

import { nodeOnly } from '@va/core';
import type * as Node from './png.js';

export type { PngOptions } from './png.js';
export const svgToPng: typeof Node.svgToPng = nodeOnly(
  'svgToPng',
  'show the SVG of renderSvg, or draw it onto a canvas',
  'sync',
);
