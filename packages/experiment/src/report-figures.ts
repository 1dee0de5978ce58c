// The report's figures: the distributions of R(pi) (the paper's Figures 5-6) as a strip plot that
// reads the same from N = 2 to N = 80 (with a histogram from @va/report beside it once N is large
// enough to bin), and the training curves per method (mean over seeds, min-max band).

import { formatNumber } from '@va/core';
import { type ChartSpec, chartConfig, histogram, lineChart, PALETTE } from '@va/report';
import { mean } from '@va/stats';
import type { Curve } from './results.js';

/** The colours of the three samples, the same in every figure. */
export const SAMPLE_COLORS = {
  vanilla: PALETTE[1]!,
  'variance-aware': PALETTE[0]!,
  reference: '#555555',
} as const;

/** A row of a strip plot: its label, its values and its colour. */
export interface StripGroup {
  readonly name: string;
  readonly values: readonly number[];
  readonly color: string;
}

/**
 * Deterministic vertical spread of the i-th of n dots in a row (golden-ratio sequence): dots of
 * nearly equal value separate without random jitter, and a row of one or two dots stays centred.
 */
function spread(i: number, n: number): number {
  if (n <= 2) return 0;
  return (((i * 0.6180339887) % 1) - 0.5) * 0.5;
}

/**
 * A strip plot: one row per group, one dot per value, a black bar at each group's mean, and
 * dashed vertical rules at `markers` (the reference mean). Vega-Lite, themed like @va/report's
 * charts (@va/report has no strip chart).
 */
export function stripChart(options: {
  groups: readonly StripGroup[];
  markers?: readonly { value: number; label: string }[];
  title?: string;
  xTitle?: string;
  width?: number;
}): ChartSpec {
  const groups = options.groups.filter((g) => g.values.length > 0);
  const rows: Record<string, unknown>[] = [];
  groups.forEach((g, k) => {
    const order = g.values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
    order.forEach(({ v }, rank) => {
      if (Number.isFinite(v)) {
        rows.push({
          kind: 'point',
          group: g.name,
          x: v,
          y: k + spread(rank, g.values.length),
          text: `${g.name}: ${formatNumber(v)}`,
        });
      }
    });
    const m = mean(g.values);
    if (Number.isFinite(m))
      rows.push({ kind: 'mean', group: g.name, x: m, y: k - 0.32, y2: k + 0.32 });
  });
  for (const m of options.markers ?? []) {
    if (Number.isFinite(m.value)) rows.push({ kind: 'marker', x: m.value, label: m.label });
  }
  const names = groups.map((g) => g.name);
  const labels = JSON.stringify(names);
  const x = {
    field: 'x',
    type: 'quantitative',
    scale: { zero: false, nice: true, padding: 12 },
    title: options.xTitle ?? null,
  };
  const y = {
    field: 'y',
    type: 'quantitative',
    scale: { domain: [groups.length - 0.5, -0.85], nice: false, zero: false },
    axis: {
      values: names.map((_, k) => k),
      labelExpr: `${labels}[datum.value]`,
      grid: false,
      ticks: false,
      domain: false,
      labelFontSize: 12,
      labelLimit: 220,
    },
    title: null,
  };
  const color = {
    field: 'group',
    type: 'nominal',
    scale: { domain: names, range: groups.map((g) => g.color) },
    legend: null,
  };
  const only = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: { text: options.title } } : {}),
    config: chartConfig(),
    data: { values: rows },
    width: options.width ?? 560,
    height: Math.max(100, 46 * groups.length + 16),
    layer: [
      {
        transform: only('marker'),
        mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5, color: '#6A3D9A' },
        encoding: { x },
      },
      {
        transform: only('marker'),
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'top',
          dx: 4,
          dy: 2,
          fontSize: 11,
          color: '#6A3D9A',
        },
        encoding: { x, y: { value: 0 }, text: { field: 'label' } },
      },
      {
        transform: only('point'),
        mark: { type: 'circle', size: 70, opacity: 0.75, stroke: 'white', strokeWidth: 0.5 },
        // Screen readers (the SVG's aria-label) hear the group and the value, not the spread.
        encoding: { x, y, color, description: { field: 'text' } },
      },
      {
        transform: only('mean'),
        mark: { type: 'rule', strokeWidth: 3, color: '#111111' },
        encoding: { x, y, y2: { field: 'y2' } },
      },
    ],
  } as unknown as ChartSpec;
}

/** Bins of a histogram of `n` values: the Rice rule, 2 n^(1/3). */
export function riceBins(n: number): number {
  return Math.max(5, Math.ceil(2 * Math.cbrt(n)));
}

/** The smallest N per sample from which the returns are also drawn as a histogram. */
export const HISTOGRAM_MIN_N = 20;

/** The distributions of R(pi) for one setting: the strip plot, and a histogram when N is large. */
export function returnCharts(
  name: string,
  label: string,
  returns: { vanilla: number[]; varianceAware: number[]; reference: number[] },
): { name: string; spec: ChartSpec; caption: string }[] {
  const groups: StripGroup[] = [
    { name: 'vanilla', values: returns.vanilla, color: SAMPLE_COLORS.vanilla },
    {
      name: 'variance-aware',
      values: returns.varianceAware,
      color: SAMPLE_COLORS['variance-aware'],
    },
    { name: 'reference', values: returns.reference, color: SAMPLE_COLORS.reference },
  ];
  const referenceMean = returns.reference.length ? mean(returns.reference) : Number.NaN;
  const markers = Number.isFinite(referenceMean)
    ? [{ value: referenceMean, label: 'reference mean' }]
    : [];
  const charts = [
    {
      name: `returns-${name}`,
      spec: stripChart({
        groups,
        markers,
        title: `R(π), ${label}`,
        xTitle: 'R(π): mean true reward over the evaluation prompts',
      }),
      caption:
        'Each dot is one policy (or one sampling run of the reference); the black bar is the mean of its row; ' +
        'the dashed line is the reference mean, the threshold of the below-mean risk in Table 3.',
    },
  ];
  const smallest = Math.min(...groups.map((g) => g.values.length));
  if (smallest >= HISTOGRAM_MIN_N) {
    const n = Math.max(...groups.map((g) => g.values.length));
    charts.push({
      name: `returns-histogram-${name}`,
      spec: histogram({
        series: groups.map((g) => ({ name: g.name, values: g.values, color: g.color })),
        layout: 'facet',
        bins: riceBins(n),
        normalize: 'count',
        markers,
        title: `R(π), ${label}: histogram`,
        xTitle: 'R(π)',
        height: 110,
      }),
      caption: `The same returns binned (${riceBins(n)} bins, Rice rule), one panel per sample.`,
    });
  }
  return charts;
}

/** What each training-curve chart shows. */
const CURVE_TITLES = {
  score: { title: 'Reward-model score', y: 'mean score of the batch' },
  kl: { title: 'KL to the reference', y: 'objective/kl (nats)' },
  variance: { title: 'Reward variance', y: 'mean σ² of the batch' },
} as const;

/** PPO steps are whole numbers: no `1.5` tick on a short run. */
function integerSteps(spec: ChartSpec): ChartSpec {
  for (const layer of (spec as { layer?: { encoding?: { x?: Record<string, unknown> } }[] })
    .layer ?? []) {
    if (layer.encoding?.x) layer.encoding.x.axis = { tickMinStep: 1, format: 'd' };
  }
  return spec;
}

/** The training curves of one setting: one chart per metric, both methods with min-max bands. */
export function curveCharts(
  name: string,
  curves: Record<'vanilla' | 'varianceAware', Record<keyof typeof CURVE_TITLES, Curve>>,
  seeds: { vanilla: number; varianceAware: number },
): { name: string; spec: ChartSpec; caption: string }[] {
  return (Object.keys(CURVE_TITLES) as (keyof typeof CURVE_TITLES)[]).flatMap((metric) => {
    const series = (
      [
        ['vanilla', curves.vanilla[metric]],
        ['variance-aware', curves.varianceAware[metric]],
      ] as const
    )
      .filter(([, c]) => c.step.length > 0)
      .map(([method, c]) => ({
        name: method,
        x: c.step,
        y: c.mean,
        lower: c.min,
        upper: c.max,
        color: SAMPLE_COLORS[method],
      }));
    if (series.length === 0) return [];
    const t = CURVE_TITLES[metric];
    return [
      {
        name: `curve-${metric}-${name}`,
        spec: integerSteps(
          lineChart({
            series,
            title: t.title,
            xTitle: 'PPO step',
            yTitle: t.y,
            width: 320,
            height: 200,
          }),
        ),
        caption: `${t.title}: mean over the seeds (vanilla ${seeds.vanilla}, variance-aware ${seeds.varianceAware}), band from the lowest to the highest seed.`,
      },
    ];
  });
}
