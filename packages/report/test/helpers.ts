// Test helpers: PNG header parsing and SVG inspection.

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  signature.forEach((byte, i) => {
    if (png[i] !== byte) throw new Error(`not a PNG: byte ${i} is ${png[i]}`);
  });
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const type = String.fromCharCode(...png.subarray(12, 16));
  if (view.getUint32(8) !== 13 || type !== 'IHDR') throw new Error('first chunk is not IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The text content of every `<text>` element of an SVG. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

/** How many marks of a Vega mark type (`rect`, `rule`, `line`, ...) the SVG draws. */
export function markCount(svg: string, type: string): number {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>`, 'g'))];
  let count = 0;
  for (const g of groups) {
    if (g[0].endsWith('/>')) continue; // an empty mark container
    const start = g.index! + g[0].length;
    const end = svg.indexOf('</g>', start);
    count += (svg.slice(start, end).match(/<(path|line|text|circle)\b/g) ?? []).length;
  }
  return count;
}
