// Figure 8 of the paper (Appendix B) for any ensemble: histograms of the sample variance of chosen
// rewards (top row) and of the variance of r_k(chosen) - r_k(rejected) (bottom row), one panel per
// RewardBench section (or subset), with a Markdown report of per-member accuracies.

import { type ChartSpec, histogram, MarkdownReport, type ReportFiles } from '@va/report';
import type { DisagreementGroup, DisagreementReport } from './disagreement.js';

/** The two Figure 8 charts of a report. */
export interface DisagreementCharts {
  readonly chosenVariance: ChartSpec;
  readonly differenceVariance: ChartSpec;
}

function panels(report: DisagreementReport): readonly DisagreementGroup[] {
  return report.groups.length > 0 ? report.groups : [report.overall];
}

/**
 * Histograms of the two variance distributions, one panel per group, the median marked. `scale`
 * `auto` (default) bins on a log axis when every variance is positive (they span decades), else
 * linearly.
 */
export function disagreementCharts(
  report: DisagreementReport,
  options: { bins?: number; scale?: 'auto' | 'log' | 'linear' } = {},
): DisagreementCharts {
  const groups = panels(report);
  const chart = (key: 'chosenVariance' | 'differenceVariance', title: string, xTitle: string) => {
    const summary =
      key === 'chosenVariance' ? 'chosenVarianceSummary' : 'differenceVarianceSummary';
    const positive = groups.every((g) => g[key].every((v) => v > 0));
    const scale =
      (options.scale ?? 'auto') === 'auto' ? (positive ? 'log' : 'linear') : options.scale;
    return histogram({
      series: groups.map((g) => ({ name: `${g.name} (n=${g.pairs})`, values: g[key] })),
      scale: scale as 'log' | 'linear',
      layout: groups.length > 1 ? 'facet' : 'overlay',
      columns: Math.min(groups.length, 4),
      bins: options.bins ?? 30,
      normalize: 'count',
      independentY: true,
      markers: [{ value: report.overall[summary].median, label: 'median (all pairs)' }],
      title,
      subtitle: `k = ${report.k} members, ${report.pairs} pairs`,
      xTitle,
      width: groups.length > 1 ? 220 : 480,
      height: 180,
    });
  };
  return {
    chosenVariance: chart(
      'chosenVariance',
      'Variance of member rewards of the chosen response',
      'variance of r_k(chosen)',
    ),
    differenceVariance: chart(
      'differenceVariance',
      'Variance of the members’ reward differences',
      'variance of r_k(c) − r_k(r)',
    ),
  };
}

const pct = (v: number) => (Number.isNaN(v) ? 'n/a' : `${(100 * v).toFixed(1)}%`);

/** A Markdown report (accuracy tables, variance summaries, the Figure 8 charts). */
export function disagreementMarkdown(
  report: DisagreementReport,
  options: { title?: string; intro?: string } = {},
): MarkdownReport {
  const md = new MarkdownReport(options.title ?? 'Reward ensemble: accuracy and disagreement');
  if (options.intro) md.paragraph(options.intro);
  const groups = [report.overall, ...report.groups];
  md.heading('Accuracy');
  md.paragraph(
    'Share of pairs where the chosen response gets the strictly higher reward (ties count as wrong). ' +
      (report.groupBy === 'rewardbench'
        ? "Section accuracies weigh subsets by RewardBench's EXAMPLE_COUNTS, as its leaderboard does; 'all' averages over pairs."
        : ''),
  );
  md.table(
    groups.map((g) => ({
      group: g.name,
      pairs: g.pairs,
      'ensemble mean': pct(g.ensembleAccuracy),
      'best member': pct(Math.max(...g.memberAccuracy)),
      'worst member': pct(Math.min(...g.memberAccuracy)),
      ...Object.fromEntries(g.memberAccuracy.map((a, j) => [`m${j}`, pct(a)])),
    })),
  );
  md.heading('Disagreement');
  md.paragraph(
    'Per pair: the sample variance (ddof 1) over members of the chosen reward, and of the reward ' +
      'difference r_k(chosen) − r_k(rejected). If members differed only by a constant offset, the ' +
      'second would be exactly zero (paper, Appendix B).',
  );
  const rows = groups.flatMap((g) =>
    (
      [
        ['var r_k(chosen)', g.chosenVarianceSummary],
        ['var [r_k(c) − r_k(r)]', g.differenceVarianceSummary],
      ] as const
    ).map(([quantity, s]) => ({
      group: g.name,
      quantity,
      min: s.min,
      q25: s.q25,
      median: s.median,
      mean: s.mean,
      q75: s.q75,
      max: s.max,
    })),
  );
  md.table(rows);
  const charts = disagreementCharts(report);
  md.chart('chosen-variance', charts.chosenVariance, {
    caption: 'Figure 8 (top row): sample variance of the members’ rewards of the chosen response.',
  });
  md.chart('difference-variance', charts.differenceVariance, {
    caption: 'Figure 8 (bottom row): sample variance of the members’ reward differences.',
  });
  return md;
}

/** Writes `dir/REPORT.md` and `dir/figures/{chosen,difference}-variance.{svg,png}`. */
export function writeDisagreementReport(
  report: DisagreementReport,
  dir: string,
  options: { title?: string; intro?: string } = {},
): Promise<ReportFiles> {
  return disagreementMarkdown(report, options).write(dir);
}
