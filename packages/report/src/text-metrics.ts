// Text widths for Vega's layout in Node. Without a canvas Vega guesses 0.8 em per character, so
// titles, legends and axis labels get misplaced and charts grow blank margins; this measures text
// with the advance widths of VA Sans (the font PNGs are drawn with) through Vega's supported hook,
// `textMetrics.width` (the one vl-convert uses), installed only while a chart renders.

import * as vega from 'vega';
import { BOLD_WIDTHS, REGULAR_WIDTHS } from './font-metrics.js';

function parse(table: string): Map<number, number> {
  const widths = new Map<number, number>();
  for (const pair of table.split(' ')) {
    const [code, width] = pair.split(':');
    widths.set(Number.parseInt(code!, 16), Number(width));
  }
  return widths;
}

let regular: Map<number, number> | undefined;
let bold: Map<number, number> | undefined;

interface TextItem {
  font?: string;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/** Width in em of a character missing from the table: wide for CJK and emoji, else average. */
function fallbackWidth(code: number): number {
  return code >= 0x2e80 ? 1 : 0.6;
}

/** The width of `text` in pixels, as VA Sans draws it at the item's size and weight. */
export function textWidth(item: TextItem, text: unknown): number {
  regular ??= parse(REGULAR_WIDTHS);
  bold ??= parse(BOLD_WIDTHS);
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  const s = text == null ? '' : String(text).trim();
  if (size <= 0 || s.length === 0) return 0;
  const weight = item.fontWeight;
  const table = weight === 'bold' || (typeof weight === 'number' && weight >= 600) ? bold : regular;
  let em = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    em += table.get(code) ?? fallbackWidth(code);
  }
  return em * size;
}

/** Whether `font` (a CSS family list) will be drawn with VA Sans or its metric twin DejaVu Sans. */
function drawnWithVaSans(font: string | undefined): boolean {
  if (!font) return true; // Vega's default, sans-serif, maps to VA Sans in svgToPng.
  const first = font
    .split(',')[0]!
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  return first === 'va sans' || first === 'dejavu sans' || first === 'sans-serif';
}

type WidthFunction = (item: TextItem, text: unknown) => number;
// Exported by vega (from vega-scenegraph) but missing from its type definitions.
const metrics = (vega as unknown as { textMetrics: { width: WidthFunction } }).textMetrics;
let active = 0;
let saved: WidthFunction | undefined;

/** Runs `render` with VA Sans text widths installed in Vega (re-entrant; restores afterwards). */
export async function withTextMetrics<T>(render: () => Promise<T>): Promise<T> {
  if (active++ === 0) {
    saved = metrics.width;
    const previous = saved;
    metrics.width = (item, text) =>
      drawnWithVaSans(item.font) ? textWidth(item, text) : previous(item, text);
  }
  try {
    return await render();
  } finally {
    if (--active === 0 && saved) metrics.width = saved;
  }
}
