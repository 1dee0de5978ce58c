// Line charts of metrics over steps (training curves, sweeps): several series overlaid or one panel
// each, optional shaded bands (confidence intervals) and horizontal reference markers.

import { checkOneOf, ValidationError } from '@va/core';
import type { TopLevelSpec } from 'vega-lite';
import {
  checkSeriesList,
  type Marker,
  markerLayers,
  markerRows,
  type PanelOptions,
  seriesChartSpec,
  seriesColors,
} from './layers.js';

/** One line: `y[i]` at `x[i]`; `lower`/`upper` (same length) draw a shaded band. */
export interface LineSeries {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly lower?: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
  readonly color?: string;
}

/** Options of {@link lineChart}. With `layout: 'facet'`, each panel gets its own y scale. */
export interface LineChartOptions extends PanelOptions {
  readonly series: readonly LineSeries[];
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Draw a dot at every point (default: only when a series has at most 40 points). */
  readonly points?: boolean;
  /** Horizontal rules with labels, e.g. a baseline's score. */
  readonly markers?: readonly Marker[];
}

function column(where: string, name: string, values: unknown, length?: number): ArrayLike<number> {
  const v = values as ArrayLike<number> | undefined;
  if (!v || typeof v.length !== 'number' || (length !== undefined && v.length !== length)) {
    const want = length === undefined ? 'an array of numbers' : `an array of length ${length}`;
    throw new ValidationError(where, name, want, values);
  }
  return v;
}

/**
 * A line chart (Vega-Lite). Non-finite y values (a metric not logged at a step) leave a gap.
 *
 * ```ts
 * lineChart({
 *   series: [{ name: 'objective/kl', x: steps, y: kl }],
 *   xTitle: 'step',
 *   yTitle: 'KL to reference',
 * });
 * ```
 */
export function lineChart(options: LineChartOptions): TopLevelSpec {
  const where = 'lineChart';
  const series = checkSeriesList<LineSeries>(where, options?.series, '{ name, x, y }');
  const layout = checkOneOf(where, 'options.layout', options.layout ?? 'overlay', [
    'overlay',
    'facet',
  ]);
  const facet = layout === 'facet' && series.length > 1;
  const rows: Record<string, unknown>[] = [];
  let longest = 0;
  let banded = false;
  series.forEach((s, k) => {
    const x = column(where, `series[${k}].x`, s?.x);
    const y = column(where, `series[${k}].y`, s.y, x.length);
    const lower = s.lower ? column(where, `series[${k}].lower`, s.lower, x.length) : undefined;
    const upper = s.upper ? column(where, `series[${k}].upper`, s.upper, x.length) : undefined;
    if (!lower !== !upper) {
      throw new ValidationError(where, `series[${k}]`, 'both lower and upper, or neither', s);
    }
    banded ||= lower !== undefined;
    longest = Math.max(longest, x.length);
    for (let i = 0; i < x.length; i++) {
      const yi = Number.isFinite(y[i]!) ? y[i] : null;
      const row: Record<string, unknown> = { kind: 'line', series: s.name, x: x[i], y: yi };
      if (lower && upper) Object.assign(row, { lower: lower[i], upper: upper[i] });
      rows.push(row);
    }
  });
  const names = series.map((s) => s.name);
  rows.push(...markerRows(where, options.markers ?? [], facet ? names : [undefined]));
  const x = {
    field: 'x',
    type: 'quantitative',
    title: options.xTitle ?? null,
    scale: options.logX ? { type: 'log' } : { zero: false },
  };
  const yScale = options.logY ? { type: 'log' } : { zero: false };
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: names, range: seriesColors(series) },
    legend:
      facet || series.length === 1
        ? null
        : { title: null, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 },
  };
  const lineFilter = { filter: "datum.kind === 'line'" };
  const layer: Record<string, unknown>[] = [];
  if (banded) {
    layer.push({
      transform: [lineFilter, { filter: 'isValid(datum.lower) && isValid(datum.upper)' }],
      mark: { type: 'area', opacity: 0.2 },
      encoding: {
        x,
        y: { field: 'lower', type: 'quantitative', scale: yScale },
        y2: { field: 'upper' },
        // `fill`, not `color`: a separate scale, so the legend shows the lines' strokes only.
        fill: { ...color, legend: null },
      },
    });
  }
  layer.push({
    transform: [lineFilter],
    mark: { type: 'line', strokeWidth: 2, point: options.points ?? longest <= 40 },
    encoding: {
      x,
      y: { field: 'y', type: 'quantitative', scale: yScale, title: options.yTitle ?? null },
      color,
    },
  });
  layer.push(...markerLayers('y'));
  return seriesChartSpec(options, rows, layer, facet ? { names, independentY: true } : undefined);
}
