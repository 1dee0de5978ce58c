// Rasterises chart SVGs to PNG with resvg (`@resvg/resvg-js`, a native binding: Node only; the
// browser build's png.browser.ts says so), drawing text with the fonts of fonts.ts.

import { Resvg } from '@resvg/resvg-js';
import { ValidationError } from '@va/core';
import { type FontOptions, resvgFontOptions } from './fonts.js';

/** Options of {@link svgToPng} and `writeChart`. */
export interface PngOptions {
  /** Pixels per SVG unit (default 2: sharp on high-density screens). */
  readonly scale?: number;
  /** Fonts resvg may use (see {@link FontOptions}). */
  readonly fonts?: FontOptions;
}

/** Rasterises an SVG document to PNG bytes, with the fonts of `options.fonts`. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 16)) {
    throw new ValidationError('svgToPng', 'options.scale', 'a number in (0, 16]', scale);
  }
  const resvg = new Resvg(svg, {
    font: resvgFontOptions(options.fonts),
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}
