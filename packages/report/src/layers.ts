// Pieces every chart builder shares: the schema URL, titles, series colours, and reference-marker
// layers (dashed rules with a label) drawn from rows tagged `kind: 'marker'`.

import { checkNumber, ValidationError } from '@va/core';
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, DEFAULT_SIZE, MARKER_COLORS, paletteColor } from './theme.js';

/** The Vega-Lite schema the builders target. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A reference line across the chart: vertical for histograms, horizontal for line charts. */
export interface Marker {
  readonly value: number;
  readonly label?: string;
  /** CSS colour; default: dark purple, grey, brown in turn. */
  readonly color?: string;
  /** Dashed (default true). */
  readonly dashed?: boolean;
}

export function titleOf(
  text?: string,
  subtitle?: string,
): { text: string; subtitle?: string } | undefined {
  if (!text && !subtitle) return undefined;
  return subtitle ? { text: text ?? '', subtitle } : { text: text ?? '' };
}

/** Each series' colour: its own, or the palette in order. */
export function seriesColors(series: readonly { color?: string }[]): string[] {
  return series.map((s, i) => s.color ?? paletteColor(i));
}

/** Marker rows, one per marker and facet value (`[undefined]` when not faceted). */
export function markerRows(
  where: string,
  markers: readonly Marker[],
  facets: readonly (string | undefined)[],
): Record<string, unknown>[] {
  if (!Array.isArray(markers)) {
    throw new ValidationError(where, 'options.markers', 'an array of { value, label? }', markers);
  }
  const rows: Record<string, unknown>[] = [];
  markers.forEach((m, i) => {
    checkNumber(where, `options.markers[${i}].value`, m?.value);
    for (const series of facets) {
      rows.push({
        kind: 'marker',
        series,
        at: m.value,
        label: m.label ?? '',
        color: m.color ?? MARKER_COLORS[i % MARKER_COLORS.length],
        dash: m.dashed === false ? [1, 0] : [6, 4],
      });
    }
  });
  return rows;
}

/** A rule and a text layer for the marker rows; `axis` is the axis the marker value lies on. */
export function markerLayers(axis: 'x' | 'y'): Record<string, unknown>[] {
  const filter = { filter: "datum.kind === 'marker'" };
  const position =
    axis === 'x'
      ? { x: { field: 'at', type: 'quantitative' } }
      : { y: { field: 'at', type: 'quantitative' } };
  return [
    {
      transform: [filter],
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        ...position,
        stroke: { field: 'color', type: 'nominal', scale: null, legend: null },
        strokeDash: { field: 'dash', type: 'nominal', scale: null, legend: null },
      },
    },
    {
      transform: [filter],
      mark:
        axis === 'x'
          ? { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, fontSize: 11 }
          : { type: 'text', align: 'right', baseline: 'bottom', dy: -3, fontSize: 11 },
      encoding: {
        ...position,
        ...(axis === 'x' ? { y: { value: 0 } } : { x: { value: 'width' } }),
        text: { field: 'label' },
        fill: { field: 'color', type: 'nominal', scale: null, legend: null },
      },
    },
  ];
}

/**
 * The builders assemble specs from plain objects (Vega-Lite's TypeScript types are too deep to
 * build incrementally); the tests compile every builder's output with Vega-Lite instead.
 */
export function asSpec(spec: object): TopLevelSpec {
  return spec as unknown as TopLevelSpec;
}

/** Title, size and facet settings that series charts (histograms, line charts) share. */
export interface PanelOptions {
  readonly title?: string;
  readonly subtitle?: string;
  /** Size of the plot area (of each panel), in pixels. */
  readonly width?: number;
  readonly height?: number;
  /** `'overlay'`: all series in one panel (default); `'facet'`: one panel per series. */
  readonly layout?: 'overlay' | 'facet';
  /** Panels per row for `layout: 'facet'` (default 1: stacked, sharing the x axis). */
  readonly columns?: number;
}

/**
 * The top-level spec of a chart drawn as `layer` over `rows`: one panel, or (when `facet` is given)
 * one panel per series in `facet.names` order, stacked in `columns` columns.
 */
export function seriesChartSpec(
  options: PanelOptions,
  rows: readonly object[],
  layer: readonly object[],
  facet?: { readonly names: readonly string[]; readonly independentY: boolean },
): TopLevelSpec {
  const size = {
    width: options.width ?? DEFAULT_SIZE.width,
    height: options.height ?? (facet ? 160 : DEFAULT_SIZE.height),
  };
  const base = {
    $schema: SCHEMA,
    title: titleOf(options.title, options.subtitle),
    config: chartConfig(),
    data: { values: rows },
  };
  if (!facet) return asSpec({ ...base, ...size, layer });
  return asSpec({
    ...base,
    facet: { field: 'series', type: 'nominal', sort: facet.names, title: null },
    columns: options.columns ?? 1,
    spec: { ...size, layer },
    ...(facet.independentY ? { resolve: { scale: { y: 'independent' } } } : {}),
  });
}

/** Checks a chart's `options.series` is a non-empty array, naming `shape` in the error. */
export function checkSeriesList<T>(where: string, series: unknown, shape: string): readonly T[] {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ValidationError(where, 'options.series', `a non-empty array of ${shape}`, series);
  }
  return series as T[];
}
