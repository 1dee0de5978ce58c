// Grouped bar charts: one cluster per group (a dataset, a setting), one bar per category (a method)
// inside it, with optional error bars (confidence intervals).

import { checkNumber, ValidationError } from '@va/core';
import type { TopLevelSpec } from 'vega-lite';
import { asSpec, type Marker, markerLayers, markerRows, SCHEMA, titleOf } from './layers.js';
import { chartConfig, DEFAULT_SIZE, paletteColor } from './theme.js';

/** One bar: `value` of `category` within `group`; `lower`/`upper` draw an error bar. */
export interface BarDatum {
  readonly group: string;
  readonly category: string;
  readonly value: number;
  readonly lower?: number;
  readonly upper?: number;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  readonly bars: readonly BarDatum[];
  readonly title?: string;
  readonly subtitle?: string;
  /** Title of the group axis. */
  readonly xTitle?: string;
  /** Title of the value axis. */
  readonly yTitle?: string;
  /** Colour per category; default: the palette in order of first appearance. */
  readonly colors?: Readonly<Record<string, string>>;
  /** Horizontal rules with labels on the value axis (e.g. chance level). */
  readonly markers?: readonly Marker[];
  /** Print each bar's value above it (default false). */
  readonly labels?: boolean;
  /** Plot-area width; default: 560 or enough for every bar. */
  readonly width?: number;
  readonly height?: number;
}

/**
 * A grouped bar chart (Vega-Lite).
 *
 * ```ts
 * barChart({
 *   bars: [
 *     { group: 'GPT-2', category: 'vanilla', value: 0.61, lower: 0.58, upper: 0.64 },
 *     { group: 'GPT-2', category: 'variance-aware', value: 0.55, lower: 0.53, upper: 0.57 },
 *   ],
 *   yTitle: 'reward variance',
 * });
 * ```
 */
export function barChart(options: BarChartOptions): TopLevelSpec {
  const where = 'barChart';
  const bars = options?.bars;
  if (!Array.isArray(bars) || bars.length === 0) {
    throw new ValidationError(
      where,
      'options.bars',
      'a non-empty array of { group, category, value }',
      bars,
    );
  }
  const groups: string[] = [];
  const categories: string[] = [];
  let withErrors = false;
  const rows: Record<string, unknown>[] = bars.map((b, i) => {
    if (!b || typeof b.group !== 'string' || typeof b.category !== 'string') {
      throw new ValidationError(where, `bars[${i}]`, 'an object { group, category, value }', b);
    }
    checkNumber(where, `bars[${i}].value`, b.value);
    if (b.lower !== undefined || b.upper !== undefined) {
      checkNumber(where, `bars[${i}].lower`, b.lower);
      checkNumber(where, `bars[${i}].upper`, b.upper);
      withErrors = true;
    }
    if (!groups.includes(b.group)) groups.push(b.group);
    if (!categories.includes(b.category)) categories.push(b.category);
    return { kind: 'bar', ...b };
  });
  rows.push(...markerRows(where, options.markers ?? [], [undefined]));
  const range = categories.map((c, i) => options.colors?.[c] ?? paletteColor(i));
  const x = {
    field: 'group',
    type: 'nominal',
    sort: groups,
    title: options.xTitle ?? null,
    axis: { labelAngle: 0 },
  };
  const xOffset = { field: 'category', type: 'nominal', sort: categories };
  const barFilter = { filter: "datum.kind === 'bar'" };
  const layer: Record<string, unknown>[] = [
    {
      transform: [barFilter],
      mark: { type: 'bar', opacity: 0.9 },
      encoding: {
        x,
        xOffset,
        y: { field: 'value', type: 'quantitative', title: options.yTitle ?? null },
        color: {
          field: 'category',
          type: 'nominal',
          scale: { domain: categories, range },
          legend: categories.length > 1 ? { title: null } : null,
        },
      },
    },
  ];
  if (withErrors) {
    layer.push({
      transform: [barFilter, { filter: 'isValid(datum.lower)' }],
      mark: { type: 'rule', strokeWidth: 1.5, color: '#333333' },
      encoding: { x, xOffset, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' } },
    });
  }
  if (options.labels) {
    layer.push({
      transform: [barFilter],
      mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10 },
      encoding: {
        x,
        xOffset,
        y: { field: withErrors ? 'upper' : 'value', type: 'quantitative' },
        text: { field: 'value', type: 'quantitative', format: '.3~g' },
      },
    });
  }
  layer.push(...markerLayers('y'));
  return asSpec({
    $schema: SCHEMA,
    title: titleOf(options.title, options.subtitle),
    config: chartConfig(),
    data: { values: rows },
    width: options.width ?? Math.max(DEFAULT_SIZE.width, bars.length * 28),
    height: options.height ?? DEFAULT_SIZE.height,
    layer,
  });
}
