// The shared look of every va chart: one font stack (the bundled VA Sans first, so PNGs look the
// same on every machine), a colour-blind-safe palette (Okabe & Ito 2008), and Vega-Lite config.

import type { Config } from 'vega-lite';

/**
 * Font families of chart text. PNGs are rendered with the bundled "VA Sans" (a DejaVu Sans subset)
 * when it is found; browsers showing the SVG fall back to the next families.
 */
export const FONT_STACK = 'VA Sans, DejaVu Sans, Helvetica, Arial, sans-serif';

/** Okabe-Ito colours, distinguishable with the common colour-vision deficiencies. */
export const PALETTE: readonly string[] = Object.freeze([
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#F0E442', // yellow
  '#000000',
]);

/** Colours of reference markers (vertical or horizontal rules), distinct from the palette. */
export const MARKER_COLORS: readonly string[] = Object.freeze(['#6A3D9A', '#444444', '#B15928']);

/** Default plot area of one chart (one facet), in CSS pixels. */
export const DEFAULT_SIZE = Object.freeze({ width: 560, height: 300 });

/** The Vega-Lite `config` every builder sets: fonts, sizes, a light grid, no chart border. */
export function chartConfig(): Config {
  return {
    font: FONT_STACK,
    background: 'white',
    padding: 12,
    view: { stroke: null },
    title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', offset: 10, subtitleFontSize: 12 },
    axis: {
      labelFontSize: 11,
      titleFontSize: 12,
      titleFontWeight: 'normal',
      gridColor: '#e6e6e6',
      domainColor: '#888888',
      tickColor: '#888888',
    },
    legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', orient: 'top' },
    header: { labelFontSize: 12, titleFontSize: 12, labelFontWeight: 'bold' },
    range: { category: [...PALETTE] },
  };
}

/** The colour of series `index` when the caller gave none. */
export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
