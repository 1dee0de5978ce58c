import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { ValidationError } from '@va/core';
import { tempDir } from '@va/test-utils';
import * as vega from 'vega';
import { describe, expect, it } from 'vitest';
import { bundledFontFiles } from '../src/fonts.js';
import { histogram, renderSvg, svgToPng, toVega, writeChart } from '../src/index.js';
import { textWidth } from '../src/text-metrics.js';
import { pngSize, svgTexts } from './helpers.js';

const spec = histogram({
  series: [
    { name: 'vanilla', values: [0.1, 0.2, 0.2, 0.3, 0.5] },
    { name: 'variance-aware', values: [0.3, 0.35, 0.4, 0.4, 0.45] },
  ],
  bins: 8,
  markers: [{ value: 0.3, label: 'reference' }],
  title: 'True returns',
  xTitle: 'true return',
});

describe('renderSvg', () => {
  it('draws the title, axis titles, legend labels and marker label', async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    const texts = svgTexts(svg);
    for (const t of [
      'True returns',
      'true return',
      'Density',
      'vanilla',
      'variance-aware',
      'reference',
    ]) {
      expect(texts).toContain(t);
    }
    expect(svg).toContain('font-family="VA Sans');
  });

  it('renders a plain Vega spec as it is', async () => {
    const vega = toVega(spec);
    expect(Array.isArray(vega.marks)).toBe(true);
    const svg = await renderSvg({ ...vega, $schema: 'https://vega.github.io/schema/vega/v6.json' });
    expect(svgTexts(svg)).toContain('True returns');
  });

  it('passes Vega-Lite warnings to the logger instead of the console', async () => {
    const warnings: string[] = [];
    const logger = { info() {}, warn: (m: string) => warnings.push(m), metrics() {} };
    await renderSvg(
      {
        data: { values: [{ a: 1, b: 2 }] },
        mark: 'point',
        encoding: { x: { field: 'a', type: 'quantitative', scale: { type: 'log', zero: true } } },
      },
      { logger },
    );
    expect(warnings.some((w) => w.startsWith('vega-lite:'))).toBe(true);
  });

  it('rejects what is not a spec', async () => {
    await expect(renderSvg(null as never)).rejects.toThrow(ValidationError);
  });
});

describe('svgToPng', () => {
  it('writes a PNG whose IHDR has the SVG size times the scale', async () => {
    const svg = await renderSvg(spec);
    const width = Number(/width="([\d.]+)"/.exec(svg)![1]);
    const height = Number(/height="([\d.]+)"/.exec(svg)![1]);
    expect(pngSize(svgToPng(svg, { scale: 1 }))).toEqual({ width, height });
    expect(pngSize(svgToPng(svg))).toEqual({ width: 2 * width, height: 2 * height });
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(/options.scale/);
  });

  it('draws text with the bundled font when system fonts are off', () => {
    expect(bundledFontFiles()).toHaveLength(2);
    for (const file of bundledFontFiles()) expect(existsSync(file)).toBe(true);
    const page = (text: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="20" font-family="sans-serif" font-size="14">${text}</text></svg>`;
    const fonts = { loadSystemFonts: false };
    const blank = svgToPng(page(''), { fonts });
    const text = svgToPng(page('σ² ≤ ε'), { fonts });
    expect(Buffer.compare(blank, text)).not.toBe(0);
    // A glyph-free render would compress to the same few bytes as the blank page.
    expect(text.length).toBeGreaterThan(blank.length + 100);
  });
});

describe('writeChart', () => {
  it('writes .svg, .png and, on request, .vl.json into new folders', async () => {
    const dir = tempDir('va-report-');
    const files = await writeChart(spec, join(dir, 'a', 'hist'), { spec: true, scale: 1 });
    expect(files.svg).toBe(join(dir, 'a', 'hist.svg'));
    expect((await readFile(files.svg, 'utf8')).startsWith('<svg')).toBe(true);
    expect(pngSize(readFileSync(files.png!))).toEqual({ width: files.width, height: files.height });
    expect(JSON.parse(await readFile(files.spec!, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(spec)),
    );
  });

  it('skips the PNG with png: false and rejects a path with an extension', async () => {
    const dir = tempDir('va-report-');
    const files = await writeChart(spec, join(dir, 'only-svg'), { png: false });
    expect(files.png).toBeUndefined();
    expect(existsSync(join(dir, 'only-svg.png'))).toBe(false);
    await expect(writeChart(spec, join(dir, 'x.png'))).rejects.toThrow(/without extension/);
  });
});

describe('text layout', () => {
  it('measures text as resvg draws it with VA Sans', () => {
    // The advance width resvg gives the text: the ink box of "|text|" minus that of "||".
    const inkRight = (text: string, size: number, weight: string) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="40"><text x="0" y="30" font-family="VA Sans" font-size="${size}" font-weight="${weight}">${text}</text></svg>`;
      const font = {
        loadSystemFonts: false,
        fontFiles: bundledFontFiles(),
        defaultFontFamily: 'VA Sans',
      };
      const box = new Resvg(svg, { font }).getBBox()!;
      return box.x + box.width;
    };
    for (const [text, size, weight] of [
      ['true return ⟨π, r*⟩', 12, 'normal'],
      ['Figure 3: true return of the fine-tuned policy', 15, 'bold'],
      ['0.001', 11, 'normal'],
      ['σ² ≤ ε′ · ‖d‖²_Σ', 13, 'normal'],
    ] as const) {
      const drawn = inkRight(`|${text}|`, size, weight) - inkRight('||', size, weight);
      const measured = textWidth({ fontSize: size, fontWeight: weight }, text);
      // Kerning, which the table leaves out, is the only difference.
      expect(Math.abs(measured - drawn) / drawn).toBeLessThan(0.01);
    }
  });

  it("restores Vega's own text measure after rendering", async () => {
    const metrics = (vega as unknown as { textMetrics: { width: unknown } }).textMetrics;
    const before = metrics.width;
    await Promise.all([renderSvg(spec), renderSvg(spec)]);
    expect(metrics.width).toBe(before);
  });
});
