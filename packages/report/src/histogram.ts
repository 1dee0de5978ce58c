// Histograms of one or several series (overlaid or one panel each) with vertical reference markers.
// Values are binned here, not in Vega, so a chart of a million draws stays a small spec.

import { checkOneOf, ValidationError } from '@va/core';
import type { TopLevelSpec } from 'vega-lite';
import {
  type Marker,
  markerLayers,
  markerRows,
  type PanelOptions,
  seriesChartSpec,
  seriesColors,
} from './layers.js';

/** One distribution to draw. */
export interface HistogramSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
  /** CSS colour; default: the palette, in order. */
  readonly color?: string;
}

/** How bar heights are measured. */
export type HistogramNormalize = 'density' | 'share' | 'count';

/** Options of {@link binSeries}. */
export interface BinOptions {
  /** Number of equal-width bins (in log space for `scale: 'log'`); default 50. */
  readonly bins?: number;
  /** `[low, high]` of the binned range; default: the smallest and largest value of all series. */
  readonly extent?: readonly [number, number];
  /** `'log'` bins log-spaced (values must be > 0) and draws a log axis; default `'linear'`. */
  readonly scale?: 'linear' | 'log';
  /**
   * Bar height: `'density'` (count / (n * bin width), in log10 units for a log scale; integrates
   * to 1, the default), `'share'` (count / n) or `'count'`.
   */
  readonly normalize?: HistogramNormalize;
}

/** One bar: `[start, end)` (the last bin is closed), its count and its height. */
export interface HistogramBin {
  readonly series: string;
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly value: number;
}

/** Options of {@link histogram}. */
export interface HistogramOptions extends BinOptions, PanelOptions {
  readonly series: readonly HistogramSeries[];
  readonly xTitle?: string;
  /** Default: from `normalize` ("Density", "Share of values", "Count"). */
  readonly yTitle?: string;
  /** Give each facet its own y scale (default false: heights compare across panels). */
  readonly independentY?: boolean;
  /**
   * `'bars'` (default): filled, translucent bars. `'outline'`: each series as a step line, easier
   * to read when three or more distributions overlap.
   */
  readonly style?: 'bars' | 'outline';
  /** Vertical rules with labels, e.g. the reference policy's return. */
  readonly markers?: readonly Marker[];
}

function checkSeries(where: string, series: unknown): readonly HistogramSeries[] {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ValidationError(where, 'series', 'a non-empty array of { name, values }', series);
  }
  const names = new Set<string>();
  series.forEach((s, i) => {
    if (!s || typeof s.name !== 'string' || typeof s.values?.length !== 'number') {
      throw new ValidationError(where, `series[${i}]`, 'an object { name, values }', s);
    }
    if (names.has(s.name)) {
      throw new ValidationError(where, `series[${i}].name`, 'a name no other series has', s.name);
    }
    names.add(s.name);
  });
  return series;
}

/** Bins every series on the same edges. Non-finite values are rejected with their index. */
export function binSeries(
  series: readonly HistogramSeries[],
  options: BinOptions = {},
): { bins: HistogramBin[]; edges: Float64Array } {
  const where = 'binSeries';
  checkSeries(where, series);
  const nBins = options.bins ?? 50;
  if (!Number.isInteger(nBins) || nBins < 1 || nBins > 10_000) {
    throw new ValidationError(where, 'options.bins', 'an integer in [1, 10000]', nBins);
  }
  const log = checkOneOf(where, 'options.scale', options.scale ?? 'linear', ['linear', 'log']);
  const normalize = checkOneOf(where, 'options.normalize', options.normalize ?? 'density', [
    'density',
    'share',
    'count',
  ]);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v) || (log === 'log' && v <= 0)) {
        const want = log === 'log' ? 'positive finite numbers (log scale)' : 'finite numbers';
        throw new ValidationError(where, `series '${s.name}' values[${i}]`, want, v);
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (options.extent) [lo, hi] = options.extent;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi) || (log === 'log' && lo <= 0)) {
    throw new ValidationError(where, 'options.extent', 'finite [low, high] with low <= high', [
      lo,
      hi,
    ]);
  }
  const t = log === 'log' ? Math.log10 : (x: number) => x;
  let a = t(lo);
  let b = t(hi);
  if (a === b) {
    const pad = a === 0 ? 0.5 : Math.abs(a) * 0.05;
    a -= pad;
    b += pad;
  }
  const width = (b - a) / nBins;
  const edges = new Float64Array(nBins + 1);
  for (let k = 0; k <= nBins; k++) {
    const e = k === nBins ? b : a + k * width;
    edges[k] = log === 'log' ? 10 ** e : e;
  }
  const bins: HistogramBin[] = [];
  for (const s of series) {
    const counts = new Float64Array(nBins);
    for (let i = 0; i < s.values.length; i++) {
      const x = t(s.values[i]!);
      if (x < a || x > b) continue;
      counts[Math.min(nBins - 1, Math.floor((x - a) / width))]!++;
    }
    const total = s.values.length || 1;
    for (let k = 0; k < nBins; k++) {
      const count = counts[k]!;
      const value =
        normalize === 'count'
          ? count
          : normalize === 'share'
            ? count / total
            : count / total / width;
      bins.push({ series: s.name, start: edges[k]!, end: edges[k + 1]!, count, value });
    }
  }
  return { bins, edges };
}

/**
 * A histogram chart (Vega-Lite). Every series is binned on the same edges; `markers` draw dashed
 * vertical rules with a label (e.g. the reference return).
 *
 * ```ts
 * histogram({
 *   series: [{ name: 'vanilla', values: a }, { name: 'variance-aware', values: b }],
 *   markers: [{ value: 0.38, label: 'reference' }],
 *   xTitle: 'true return',
 * });
 * ```
 */
export function histogram(options: HistogramOptions): TopLevelSpec {
  const where = 'histogram';
  const series = checkSeries(where, options?.series);
  const layout = checkOneOf(where, 'options.layout', options.layout ?? 'overlay', [
    'overlay',
    'facet',
  ]);
  const normalize = options.normalize ?? 'density';
  const { bins, edges } = binSeries(series, options);
  const names = series.map((s) => s.name);
  const colors = seriesColors(series);
  const log = options.scale === 'log';
  const facet = layout === 'facet' && series.length > 1;
  const markers = options.markers ?? [];
  const rows: Record<string, unknown>[] = bins.map((b) => ({ kind: 'bin', ...b }));
  rows.push(...markerRows(where, markers, facet ? names : [undefined]));
  const yTitle =
    options.yTitle ??
    (normalize === 'density'
      ? log
        ? 'Density (per log10 unit)'
        : 'Density'
      : normalize === 'share'
        ? 'Share of values'
        : 'Count');
  const domain = [edges[0]!, edges[edges.length - 1]!];
  const xScale = log ? { type: 'log', domain, nice: false } : { domain, nice: false, zero: false };
  const style = checkOneOf(where, 'options.style', options.style ?? 'bars', ['bars', 'outline']);
  const x = { field: 'start', type: 'quantitative', scale: xScale, title: options.xTitle ?? null };
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: names, range: colors },
    legend:
      facet || series.length === 1
        ? null
        : style === 'outline'
          ? { title: null, symbolType: 'stroke', symbolStrokeWidth: 3 }
          : { title: null },
  };
  const y = { field: 'value', type: 'quantitative', title: yTitle };
  const bars =
    style === 'bars'
      ? {
          transform: [{ filter: "datum.kind === 'bin'" }],
          mark: {
            type: 'rect',
            opacity: facet || series.length === 1 ? 0.85 : 0.5,
            stroke: 'white',
            strokeWidth: 0.3,
          },
          encoding: { x, x2: { field: 'end' }, y, y2: { datum: 0 }, color },
        }
      : {
          // A step line through each bin's left edge, closed by a last point at the right edge.
          transform: [{ filter: "datum.kind === 'bin' || datum.kind === 'bin-end'" }],
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: { x, y, color, order: { field: 'start' } },
        };
  if (style === 'outline') {
    for (const name of names) {
      const last = bins.filter((b) => b.series === name).at(-1)!;
      rows.push({ kind: 'bin-end', series: name, start: last.end, value: last.value });
    }
  }
  const layer = [bars, ...markerLayers('x')];
  return seriesChartSpec(
    options,
    rows,
    layer,
    facet ? { names, independentY: options.independentY ?? false } : undefined,
  );
}
