// The report of a run: `results.json` (every per-policy and reference return, the resolved config,
// the tables) and `REPORT.md` with Tables 1-3 per setting, Table 4, and the KL each method ended
// at.

import { join } from 'node:path';
import { formatNumber, writeJsonAtomic } from '@va/core';
import { MarkdownReport } from '@va/report';
import { protocolTablesMarkdown, varianceRatioSweepMarkdown } from '@va/stats';
import type { ExperimentResults } from './results.js';
import type { RunDir } from './run-dir.js';

/** The files {@link writeReport} wrote. */
export interface ReportFiles {
  readonly results: string;
  readonly markdown: string;
}

/** Writes `results.json` and `REPORT.md` into the run's `report/` folder. */
export async function writeReport(run: RunDir, results: ExperimentResults): Promise<ReportFiles> {
  const dir = run.reportDir;
  const resultsFile = join(dir, 'results.json');
  await writeJsonAtomic(resultsFile, results);
  const report = new MarkdownReport('Variance-aware alignment: the evaluation protocol');
  if (!results.complete) {
    report.paragraph(
      `**This run is not finished:** ${results.progress.done} of ${results.progress.total} jobs are done; the figures below use what is done.`,
    );
  }
  for (const v of results.variants) {
    report.heading(`Setting: ${v.name}`);
    report.paragraph(
      `${v.returns.vanilla.length} vanilla and ${v.returns.varianceAware.length} variance-aware policies, ${v.returns.reference.length} reference runs.`,
    );
    if (v.tables) report.raw(protocolTablesMarkdown(v.tables));
    report.paragraph(
      `KL to the reference on the evaluation responses: vanilla ${formatNumber(v.kl.vanilla, 3)}, variance-aware ${formatNumber(v.kl.varianceAware, 3)} nats (ratio ${formatNumber(v.kl.ratio, 3)}: ${v.kl.similar ? 'similar' : 'not similar'}).`,
    );
  }
  if (results.table4) {
    report.heading('Table 4: shrinking spread of the variances');
    report.raw(varianceRatioSweepMarkdown(results.table4));
  }
  const files = await report.write(dir);
  return { results: resultsFile, markdown: files.report };
}
