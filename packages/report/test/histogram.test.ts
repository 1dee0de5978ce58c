import { ValidationError } from '@va/core';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { binSeries, histogram, renderSvg } from '../src/index.js';
import { markCount, svgTexts } from './helpers.js';

describe('binSeries', () => {
  const series = [
    { name: 'a', values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    { name: 'b', values: [2, 2, 2, 3] },
  ];

  it('bins every series on the same edges; counts add up; the last bin is closed', () => {
    const { bins, edges } = binSeries(series, { bins: 3, normalize: 'count' });
    expect([...edges]).toEqual([0, 3, 6, 9]);
    const a = bins.filter((b) => b.series === 'a').map((b) => b.count);
    const b = bins.filter((b) => b.series === 'b').map((b) => b.count);
    expect(a).toEqual([3, 3, 4]);
    expect(b).toEqual([3, 1, 0]);
  });

  it('density integrates to one and share sums to one', () => {
    const density = binSeries(series, { bins: 7 }).bins.filter((b) => b.series === 'a');
    const area = density.reduce((s, b) => s + b.value * (b.end - b.start), 0);
    expect(area).toBeCloseTo(1, 12);
    const share = binSeries(series, { bins: 7, normalize: 'share' }).bins;
    expect(share.filter((b) => b.series === 'b').reduce((s, b) => s + b.value, 0)).toBeCloseTo(
      1,
      12,
    );
  });

  it('log scale spaces edges evenly in log10', () => {
    const { edges } = binSeries([{ name: 'v', values: [0.01, 0.1, 1, 10] }], {
      bins: 3,
      scale: 'log',
    });
    expect([...edges].map((e) => Math.log10(e))).toEqual([
      expect.closeTo(-2, 12),
      expect.closeTo(-1, 12),
      expect.closeTo(0, 12),
      expect.closeTo(1, 12),
    ]);
  });

  it('counts values outside a given extent in the denominator only', () => {
    const { bins } = binSeries([{ name: 'v', values: [0, 1, 2, 100] }], {
      bins: 2,
      extent: [0, 2],
      normalize: 'share',
    });
    expect(bins.map((b) => b.value)).toEqual([0.25, 0.5]);
  });

  it('widens a single repeated value into a visible bin', () => {
    const { edges } = binSeries([{ name: 'v', values: [2, 2] }], { bins: 1 });
    expect(edges[0]).toBeLessThan(2);
    expect(edges[1]).toBeGreaterThan(2);
  });

  it('names the series and index of a bad value', () => {
    expect(() => binSeries([{ name: 'v', values: [1, Number.NaN] }])).toThrow(
      /series 'v' values\[1\].*NaN/,
    );
    expect(() => binSeries([{ name: 'v', values: [1, 0] }], { scale: 'log' })).toThrow(
      ValidationError,
    );
    expect(() => binSeries([], {})).toThrow(/series/);
    expect(() =>
      binSeries([
        { name: 'v', values: [1] },
        { name: 'v', values: [2] },
      ]),
    ).toThrow(/name/);
  });
});

describe('histogram', () => {
  const values = Array.from({ length: 400 }, (_, i) => Math.sin(i) + i / 400);
  const other = values.map((v) => v / 2);

  it('overlays the series, one rect per bin and series, and draws the markers', async () => {
    const spec = histogram({
      series: [
        { name: 'first', values },
        { name: 'second', values: other },
      ],
      bins: 20,
      markers: [
        { value: 0.1, label: 'ref A' },
        { value: 0.5, label: 'ref B' },
      ],
      xTitle: 'x value',
    });
    expect(() => compile(spec)).not.toThrow();
    const svg = await renderSvg(spec);
    expect(markCount(svg, 'rect')).toBe(40);
    expect(markCount(svg, 'rule')).toBe(2);
    const texts = svgTexts(svg);
    expect(texts).toEqual(expect.arrayContaining(['ref A', 'ref B', 'x value', 'first', 'second']));
  });

  it('facets into one panel per series, in the given order, markers in each', async () => {
    const spec = histogram({
      series: [
        { name: 'zeta', values },
        { name: 'alpha', values: other },
      ],
      layout: 'facet',
      bins: 10,
      markers: [{ value: 0, label: 'zero' }],
    });
    expect(spec).toHaveProperty('facet');
    const svg = await renderSvg(spec);
    const texts = svgTexts(svg);
    expect(texts.indexOf('zeta')).toBeLessThan(texts.indexOf('alpha'));
    expect(texts.filter((t) => t === 'zero')).toHaveLength(2);
    expect(markCount(svg, 'rect')).toBe(20);
  });

  it("draws one step line per series with style: 'outline'", async () => {
    const spec = histogram({
      series: [
        { name: 'a', values },
        { name: 'b', values: other },
        { name: 'c', values: values.map((v) => v + 1) },
      ],
      style: 'outline',
      bins: 12,
    });
    expect(() => compile(spec)).not.toThrow();
    const svg = await renderSvg(spec);
    expect(markCount(svg, 'line')).toBe(3);
    expect(markCount(svg, 'rect')).toBe(0);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['a', 'b', 'c']));
    // 12 bins plus the closing right edge, per series.
    const rows = (spec as { data: { values: { kind: string; series: string }[] } }).data.values;
    expect(rows.filter((r) => r.series === 'a' && r.kind.startsWith('bin'))).toHaveLength(13);
  });

  it('rejects an unknown layout', () => {
    expect(() => histogram({ series: [{ name: 'a', values }], layout: 'grid' as never })).toThrow(
      /options.layout/,
    );
  });
});
