import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { barChart, lineChart, MetricsRecorder, renderSvg, scatterChart } from '../src/index.js';
import { markCount, svgTexts } from './helpers.js';

describe('lineChart', () => {
  it('draws one line per series with bands and a horizontal marker', async () => {
    const spec = lineChart({
      series: [
        {
          name: 'reward',
          x: [0, 1, 2],
          y: [0.1, 0.4, 0.5],
          lower: [0, 0.3, 0.4],
          upper: [0.2, 0.5, 0.6],
        },
        { name: 'baseline', x: [0, 1, 2], y: [0.2, 0.2, 0.2] },
      ],
      xTitle: 'step',
      yTitle: 'score',
      markers: [{ value: 0.3, label: 'target' }],
    });
    expect(() => compile(spec)).not.toThrow();
    const svg = await renderSvg(spec);
    expect(markCount(svg, 'line')).toBe(2);
    expect(markCount(svg, 'area')).toBe(1);
    expect(svgTexts(svg)).toEqual(
      expect.arrayContaining(['step', 'score', 'target', 'reward', 'baseline']),
    );
  });

  it('leaves a gap at non-finite values and checks lengths', async () => {
    const spec = lineChart({ series: [{ name: 'm', x: [0, 1, 2], y: [1, Number.NaN, 2] }] });
    const rows = (spec as { data: { values: { y: unknown }[] } }).data.values;
    expect(rows[1]!.y).toBeNull();
    expect(() => lineChart({ series: [{ name: 'm', x: [0, 1], y: [1] }] })).toThrow(
      /series\[0\]\.y.*length 2/,
    );
  });

  it('plots what a MetricsRecorder collected, one panel per metric', async () => {
    const recorder = new MetricsRecorder();
    for (let step = 0; step < 5; step++) {
      recorder.metrics(step, { 'objective/kl': step / 10, 'ppo/loss': 1 / (step + 1) });
    }
    recorder.metrics(5, { 'objective/kl': 0.6 });
    expect(recorder.names()).toEqual(['objective/kl', 'ppo/loss']);
    expect(recorder.get('objective/kl').steps).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recorder.get('ppo/loss').values).toHaveLength(5);
    const svg = await renderSvg(lineChart({ series: recorder.series(), layout: 'facet' }));
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['objective/kl', 'ppo/loss']));
    expect(markCount(svg, 'line')).toBe(2);
  });
});

describe('barChart', () => {
  it('groups bars by group with one colour per category and error bars', async () => {
    const spec = barChart({
      bars: [
        { group: 'Chat', category: 'vanilla', value: 1, lower: 0.8, upper: 1.2 },
        { group: 'Chat', category: 'variance-aware', value: 0.5, lower: 0.4, upper: 0.6 },
        { group: 'Safety', category: 'vanilla', value: 2, lower: 1.5, upper: 2.5 },
        { group: 'Safety', category: 'variance-aware', value: 1.5, lower: 1.2, upper: 1.8 },
      ],
      yTitle: 'variance',
      labels: true,
    });
    expect(() => compile(spec)).not.toThrow();
    const svg = await renderSvg(spec);
    expect(markCount(svg, 'rect')).toBe(4);
    expect(markCount(svg, 'rule')).toBe(4);
    expect(svgTexts(svg)).toEqual(
      expect.arrayContaining(['Chat', 'Safety', 'vanilla', 'variance-aware', 'variance', '1.5']),
    );
  });

  it('names the bar with a bad value', () => {
    expect(() => barChart({ bars: [{ group: 'a', category: 'b', value: Number.NaN }] })).toThrow(
      /bars\[0\]\.value/,
    );
  });
});

describe('scatterChart', () => {
  it('draws every point, thins long series evenly, adds the diagonal', async () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const spec = scatterChart({
      series: [{ name: 'pairs', x, y: x.map((v) => v * 0.9) }],
      diagonal: true,
      maxPoints: 25,
      xTitle: 'truth',
    });
    expect(() => compile(spec)).not.toThrow();
    const svg = await renderSvg(spec);
    expect(markCount(svg, 'symbol')).toBe(25);
    expect(markCount(svg, 'line')).toBe(1);
    expect(svgTexts(svg)).toContain('truth');
  });
});
