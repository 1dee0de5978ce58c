// Scatter plots of one or several point sets, optionally with the y = x diagonal (estimate against
// truth, one method against another). Large sets are thinned evenly to keep the SVG small.

import { ValidationError } from '@va/core';
import type { TopLevelSpec } from 'vega-lite';
import { asSpec, checkSeriesList, SCHEMA, seriesColors, titleOf } from './layers.js';
import { chartConfig, DEFAULT_SIZE } from './theme.js';

/** One set of points `(x[i], y[i])`. */
export interface ScatterSeries {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color?: string;
}

/** Options of {@link scatterChart}. */
export interface ScatterChartOptions {
  readonly series: readonly ScatterSeries[];
  readonly title?: string;
  readonly subtitle?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Draw the y = x line across the common range (default false). */
  readonly diagonal?: boolean;
  /** Points drawn per series at most; longer series are thinned with an even stride (default 5000). */
  readonly maxPoints?: number;
  /** Point opacity (default 0.6) and area in square pixels (default 20). */
  readonly opacity?: number;
  readonly size?: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * A scatter plot (Vega-Lite). Points with a non-finite coordinate are skipped.
 *
 * ```ts
 * scatterChart({ series: [{ name: 'pairs', x: trueReward, y: estimate }], diagonal: true });
 * ```
 */
export function scatterChart(options: ScatterChartOptions): TopLevelSpec {
  const where = 'scatterChart';
  const series = checkSeriesList<ScatterSeries>(where, options?.series, '{ name, x, y }');
  const maxPoints = options.maxPoints ?? 5000;
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new ValidationError(where, 'options.maxPoints', 'a positive integer', maxPoints);
  }
  const rows: Record<string, unknown>[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  series.forEach((s, k) => {
    if (!s || typeof s.x?.length !== 'number' || s.y?.length !== s.x.length) {
      throw new ValidationError(
        where,
        `series[${k}]`,
        '{ name, x, y } with x and y of one length',
        s,
      );
    }
    const stride = Math.max(1, Math.ceil(s.x.length / maxPoints));
    for (let i = 0; i < s.x.length; i += stride) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      rows.push({ kind: 'point', series: s.name, x, y });
      lo = Math.min(lo, x, y);
      hi = Math.max(hi, x, y);
    }
  });
  const names = series.map((s) => s.name);
  const layer: Record<string, unknown>[] = [
    {
      transform: [{ filter: "datum.kind === 'point'" }],
      mark: { type: 'circle', opacity: options.opacity ?? 0.6, size: options.size ?? 20 },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: options.xTitle ?? null,
          scale: options.logX ? { type: 'log' } : { zero: false },
        },
        y: {
          field: 'y',
          type: 'quantitative',
          title: options.yTitle ?? null,
          scale: options.logY ? { type: 'log' } : { zero: false },
        },
        color: {
          field: 'series',
          type: 'nominal',
          scale: { domain: names, range: seriesColors(series) },
          legend: series.length > 1 ? { title: null } : null,
        },
      },
    },
  ];
  if (options.diagonal && Number.isFinite(lo)) {
    rows.push({ kind: 'diagonal', x: lo, y: lo }, { kind: 'diagonal', x: hi, y: hi });
    layer.unshift({
      transform: [{ filter: "datum.kind === 'diagonal'" }],
      mark: { type: 'line', color: '#888888', strokeDash: [4, 4], strokeWidth: 1.5 },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
      },
    });
  }
  return asSpec({
    $schema: SCHEMA,
    title: titleOf(options.title, options.subtitle),
    config: chartConfig(),
    data: { values: rows },
    width: options.width ?? DEFAULT_SIZE.width,
    height: options.height ?? DEFAULT_SIZE.height + 100,
    layer,
  });
}
