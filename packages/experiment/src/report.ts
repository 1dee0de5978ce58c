// The report of a run, in its `report/` folder: `results.json` (every per-policy and reference
// return, the resolved config, the tables), `REPORT.md` with its figures in `figures/`, and
// `report.html`, one self-contained page with the same content and the figures inlined as SVG.
// Per setting: the reading in plain words, Tables 1-3 (SPEC 5), the distributions of R(pi) (the
// paper's Figures 5-6), the KL each method ended at, the training curves, sample responses.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatNumber, writeFileAtomic, writeJsonAtomic } from '@va/core';
import { PPO_PRESETS, PPOConfig, type PPOPresetName } from '@va/ppo';
import { escapeMarkdown } from '@va/report';
import { protocolTablesMarkdown, varianceRatioSweepMarkdown } from '@va/stats';
import { ppoFor, type ResolvedExperimentConfig } from './config.js';
import { type Cell, ReportDocument, type SampleRow } from './report-document.js';
import { curveCharts, returnCharts, SAMPLE_COLORS, stripChart } from './report-figures.js';
import { klSentence, settingReading, table4Reading } from './report-text.js';
import type { ExperimentResults, VariantResults } from './results.js';
import type { RunDir } from './run-dir.js';

/** The files {@link writeReport} wrote. */
export interface ReportFiles {
  readonly results: string;
  readonly markdown: string;
  readonly html: string;
  /** Every figure file (SVG and PNG). */
  readonly figures: string[];
}

const TITLE = 'Variance-aware alignment: the evaluation protocol';
const n3 = (v: number) => formatNumber(v, 3);
const METHODS = ['vanilla', 'variance-aware'] as const;

function describePolicy(c: ResolvedExperimentConfig): string {
  return c.policy === 'default' ? 'the embedded `@va/lm` model (`default`)' : `\`${c.policy}\``;
}

function describeTrueReward(c: ResolvedExperimentConfig, setting: string): string {
  if (setting === 'prompted') {
    return "the judge's interval midpoint (the training reward is a draw from the judge's interval, as in the paper)";
  }
  return c.trueReward === 'sentiment'
    ? 'the AFINN-165 sentiment score of the response (the `sentiment` package), which the ensemble never sees'
    : `\`${c.trueReward}\`, which the ensemble never sees`;
}

function describeTrainingReward(c: ResolvedExperimentConfig, v: VariantResults): string {
  if (v.setting === 'ensemble') {
    return `the reward ensemble (${c.ensemble.k} members, prepared below)`;
  }
  const w = v.widths ?? c.prompted;
  return `the ${c.prompted.judge === 'offline' ? 'offline simulated judge' : `judge \`${c.prompted.judge}\``} (interval widths ${w.minWidth}-${w.maxWidth} of the scale)`;
}

/** Every PPO key of both methods as resolved (`ppoFor` + `PPOConfig.resolve`), with its meaning. */
function ppoRows(c: ResolvedExperimentConfig): { rows: Cell[][]; differs: boolean[] } {
  const resolved = METHODS.map((m) => PPOConfig.resolve(ppoFor(c, m)) as Record<string, unknown>);
  const show = (v: unknown): Cell =>
    typeof v === 'number'
      ? v
      : v === null
        ? 'null'
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);
  const rows: Cell[][] = [];
  const differs: boolean[] = [];
  const schema = PPOConfig.schema as Record<string, { doc: string }>;
  for (const key of Object.keys(schema)) {
    if (key === 'generation') continue;
    const values =
      key === 'seed' ? ['per policy', 'per policy'] : resolved.map((r) => show(r[key]));
    rows.push([
      key,
      ...values,
      key === 'seed'
        ? 'derived from the base seed, the setting, the method and the index'
        : schema[key]!.doc,
    ]);
    differs.push(values[0] !== values[1]);
  }
  const generation = resolved.map((r) => r.generation as Record<string, unknown>);
  for (const key of Object.keys(generation[0]!)) {
    const values = generation.map((g) => show(g[key]));
    rows.push([`generation.${key}`, ...values, 'rollout and evaluation generation']);
    differs.push(values[0] !== values[1]);
  }
  return { rows, differs };
}

function setup(doc: ReportDocument, results: ExperimentResults, run: RunDir): void {
  const c = results.config;
  doc.heading('Setup');
  const settings = results.variants.filter((v) => !v.name.startsWith('table4-'));
  doc.list([
    `Run folder: \`${run.root}\`; ${results.complete ? 'complete' : `**not finished**: ${results.progress.done} of ${results.progress.total} jobs done`}; base seed ${c.seed}.`,
    `Policy and reference π0: ${describePolicy(c)}.`,
    `Prompts: ${c.prompts ? `\`${c.prompts}\`` : 'the embedded review openings'}; R(π) of a policy is the mean true reward of one response to each of the first ${c.evalPrompts} evaluation prompts.`,
    `N = ${c.seeds} policies per method and setting (independent seeds), and ${c.seeds} independent sampling runs of the reference per setting (the paper: N = 80).`,
    ...settings.map(
      (v) =>
        `Setting **${v.name}**: trained on ${describeTrainingReward(c, v)}; true reward: ${describeTrueReward(c, v.setting)}.`,
    ),
    ...(c.table4
      ? ['Table 4: run, the prompted setting again with the spread of interval widths shrinking.']
      : []),
  ]);

  doc.heading('PPO settings of each method', 3);
  const preset = PPO_PRESETS[c.ppoPreset as PPOPresetName];
  doc.paragraph(
    `Preset \`${c.ppoPreset}\`${preset ? ` (${preset.description})` : ''}, then the run's \`ppo\` keys, then each method's own keys, resolved by \`PPOConfig.resolve\`. Rows where the methods differ are marked.`,
  );
  const { rows, differs } = ppoRows(c);
  doc.table(
    ['key', 'vanilla', 'variance-aware', 'meaning'],
    rows.map((r, i) => [differs[i] ? `${r[0]} (differs)` : r[0]!, ...r.slice(1)]),
    differs,
  );

  if (c.settings.includes('ensemble')) {
    doc.heading('Ensemble preparation', 3);
    const e = results.ensemble;
    const ec = c.ensemble;
    if (!e) {
      doc.paragraph('The ensemble is not prepared yet.');
    } else {
      const members = [...e.memberAccuracy].sort((a, b) => a - b);
      doc.table(
        ['', 'value'],
        [
          ['pairs', e.pairs],
          ['source', e.source],
          ['held-out pairs', e.testPairs],
          ['members (k)', e.k],
          ['held-out accuracy of the ensemble mean', e.testAccuracy],
          [
            'held-out accuracy of the members',
            e.memberAccuracy.map((a) => formatNumber(a)).join(', '),
          ],
          [
            'member accuracy: min / max',
            `${formatNumber(members[0]!)} / ${formatNumber(members.at(-1)!)}`,
          ],
          ['median member variance of the chosen responses (held out)', e.medianChosenVariance],
          ['backbone, pooling', `${ec.backbone}, ${ec.pooling}`],
          [
            'head training',
            `${ec.epochs} epochs, learning rate ${formatNumber(ec.learningRate)}, ${ec.bootstrap ? 'a bootstrap resample per member' : 'all members on the same pairs'}`,
          ],
          ['seconds', e.seconds],
        ],
      );
    }
  }
}

/** Up to three prompts, each answered by the first policy of each method and the first reference run. */
function sampleRows(v: VariantResults, prompts = 3): SampleRow[] {
  const sources = [
    { label: 'vanilla', r: v.policies.vanilla[0] },
    { label: 'variance-aware', r: v.policies.varianceAware[0] },
    { label: 'reference', r: v.reference[0] },
  ];
  const rows: SampleRow[] = [];
  for (let i = 0; i < prompts; i++) {
    for (const { label, r } of sources) {
      const s = r?.samples[i];
      if (!s) continue;
      rows.push({
        source: `${label} #${r!.index}`,
        prompt: s.prompt,
        response: s.response,
        trueReward: s.trueReward,
      });
    }
  }
  return rows;
}

function klTable(doc: ReportDocument, v: VariantResults, c: ResolvedExperimentConfig): void {
  const range = (x: number[]) =>
    x.length ? `${n3(Math.min(...x))} to ${n3(Math.max(...x))}` : '-';
  const rows = METHODS.map((method) => {
    const key = method === 'vanilla' ? 'vanilla' : 'varianceAware';
    const ppo = PPOConfig.resolve(ppoFor(c, method));
    const policies = v.policies[key];
    return [
      method,
      policies.length,
      v.kl[key],
      range(policies.map((p) => p.evalKl)),
      v.kl[key === 'vanilla' ? 'vanillaTrain' : 'varianceAwareTrain'],
      `${formatNumber(ppo.initKlCoef)}, ${ppo.adaptiveKl ? `to ${formatNumber(ppo.klTarget)}` : 'off'}`,
    ];
  });
  doc.table(
    [
      'method',
      'policies',
      'KL on evaluation responses (mean)',
      'range over policies',
      'objective/kl at the last step (mean)',
      'beta (initKlCoef), adaptive',
    ],
    rows,
  );
}

function summary(doc: ReportDocument, results: ExperimentResults): void {
  const rows: Cell[][] = results.variants
    .filter((v) => v.tables)
    .map((v) => {
      const t = v.tables!;
      return [
        v.name,
        `${t.n.vanilla} / ${t.n.varianceAware} / ${t.n.reference}`,
        `${n3(t.table1.test.statistic)} (p = ${n3(t.table1.test.pValue)})`,
        `${n3(t.table2.meanVanilla)} / ${n3(t.table2.meanVarianceAware)} (p = ${n3(t.table2.test.pValue)})`,
        `${t.table3.vanilla.belowMean.count} of ${t.table3.vanilla.belowMean.n} / ${t.table3.varianceAware.belowMean.count} of ${t.table3.varianceAware.belowMean.n} (p = ${n3(t.table3.test.pValue)})`,
        `${n3(v.kl.vanilla)} / ${n3(v.kl.varianceAware)} (${v.kl.similar ? 'similar' : 'not similar'})`,
      ];
    });
  if (rows.length === 0) return;
  doc.heading('Summary');
  doc.table(
    [
      'setting',
      'N vanilla / VA / reference',
      'F = Var vanilla / Var VA',
      'mean R(π) vanilla / VA',
      'below reference mean vanilla / VA',
      'KL vanilla / VA',
    ],
    rows,
  );
  doc.paragraph(
    "Each setting's section below reads its tests in words; the p-values are those of Tables 1-3.",
  );
}

function settingSection(doc: ReportDocument, v: VariantResults, c: ResolvedExperimentConfig): void {
  doc.heading(`Setting: ${v.name}`);
  const n = v.returns;
  doc.paragraph(
    `${n.vanilla.length} vanilla and ${n.varianceAware.length} variance-aware policies, ${n.reference.length} reference runs; training reward: ${describeTrainingReward(c, v)}; true reward: ${describeTrueReward(c, v.setting)}.`,
  );
  if (v.tables) {
    doc.paragraph(`**Reading.** ${settingReading(v.tables, v.kl)}`);
    doc.heading('Tables 1-3', 3);
    doc.markdown(protocolTablesMarkdown(v.tables));
  } else if (v.tablesError) {
    doc.paragraph(
      `**Tables 1-3 cannot be computed from these returns:** ${escapeMarkdown(v.tablesError)}`,
      {
        callout: true,
      },
    );
  } else {
    doc.paragraph(
      `**Tables 1-3 are not available yet:** they need at least two policies per method and one reference run; so far ${n.vanilla.length} vanilla, ${n.varianceAware.length} variance-aware and ${n.reference.length} reference runs are done.`,
      { callout: true },
    );
  }
  doc.heading("Distribution of R(π) (the paper's Figures 5-6)", 3);
  doc.charts(returnCharts(v.name, `${v.name} setting`, n));
  doc.heading('KL to the reference', 3);
  doc.paragraph(klSentence(v.kl));
  klTable(doc, v, c);
  doc.heading('Training curves', 3);
  const curves = curveCharts(v.name, v.curves, {
    vanilla: v.policies.vanilla.length,
    varianceAware: v.policies.varianceAware.length,
  });
  if (curves.length) doc.charts(curves);
  else doc.paragraph('No PPO step is logged yet.');
  const samples = sampleRows(v);
  if (samples.length) {
    doc.heading('Sample responses', 3);
    doc.paragraph(
      'The first evaluation prompts, answered by the first policy of each method and the first reference run; r* is the true reward of the response.',
    );
    doc.samples(samples);
  }
}

function table4Section(doc: ReportDocument, results: ExperimentResults): void {
  const levels = results.variants.filter((v) => v.name.startsWith('table4-'));
  if (!results.config.table4) return;
  doc.heading('Table 4: shrinking spread of the variances');
  if (results.table4Error) {
    doc.paragraph(
      `**Table 4 cannot be computed from these returns:** ${escapeMarkdown(results.table4Error)}`,
      {
        callout: true,
      },
    );
    return;
  }
  if (!results.table4) {
    doc.paragraph(
      `**Table 4 is not available yet:** each level needs at least two policies per method; so far ${levels.map((l) => `${l.name}: ${l.returns.vanilla.length} + ${l.returns.varianceAware.length}`).join(', ')}.`,
      { callout: true },
    );
    return;
  }
  doc.paragraph(
    "The prompted setting again, with the offline judge's interval widths (as a share of the scale) drawn from a narrower range at each level: the spread of the reward variance across responses shrinks. The F test per level, as the paper's Table 4.",
  );
  doc.paragraph(
    `**Reading.** ${table4Reading(
      results.table4,
      levels.map((l) => l.kl),
    )}`,
  );
  doc.markdown(varianceRatioSweepMarkdown(results.table4));
  doc.table(
    ['level', 'widths', 'KL vanilla', 'KL VA', 'KL ratio', 'similar KL'],
    levels.map((l) => [
      l.name,
      l.widths ? `${l.widths.minWidth}-${l.widths.maxWidth}` : '-',
      l.kl.vanilla,
      l.kl.varianceAware,
      l.kl.ratio,
      l.kl.similar ? 'yes' : 'no',
    ]),
  );
  doc.charts([
    {
      name: 'returns-table4',
      spec: stripChart({
        groups: levels.flatMap((l) => {
          const w = l.widths ? `${l.widths.minWidth}-${l.widths.maxWidth}` : l.name;
          return [
            { name: `${w} vanilla`, values: l.returns.vanilla, color: SAMPLE_COLORS.vanilla },
            {
              name: `${w} VA`,
              values: l.returns.varianceAware,
              color: SAMPLE_COLORS['variance-aware'],
            },
          ];
        }),
        title: 'R(π) per Table 4 level',
        xTitle: 'R(π)',
      }),
      caption:
        'Each dot is one policy; rows by level (interval widths) and method; the black bar is the row mean.',
    },
  ]);
}

function reproduce(doc: ReportDocument, results: ExperimentResults): void {
  doc.heading('Recomputing the tests');
  doc.paragraph(
    '`results.json` beside this report holds every per-policy return (`variants[].returns`: vanilla, varianceAware, reference), the per-policy results with their per-prompt true rewards, the resolved config and the tables. Tables 1-3 of a setting are:',
  );
  doc.code(
    [
      "import { readFileSync } from 'node:fs';",
      "import { protocolTables } from '@va/stats';",
      "const results = JSON.parse(readFileSync('results.json', 'utf8'));",
      `const v = results.variants.find((v) => v.name === '${results.variants[0]?.name ?? 'ensemble'}');`,
      'console.log(protocolTables(v.returns, { seed: results.config.seed }));',
    ].join('\n'),
    'ts',
    'Recompute Tables 1-3 from results.json',
  );
  doc.code(JSON.stringify(results.config, null, 2), 'json', 'The resolved config of the run');
}

/** The report as a document (exported for tests: what both renderings show). */
export function reportDocument(run: RunDir, results: ExperimentResults): ReportDocument {
  const doc = new ReportDocument(TITLE);
  if (!results.complete) {
    doc.paragraph(
      `**This run is not finished:** ${results.progress.done} of ${results.progress.total} jobs are done; the tables and figures use what is done so far. Run the same command again to finish it, then \`va experiment report\`.`,
      { callout: true },
    );
  }
  summary(doc, results);
  setup(doc, results, run);
  for (const v of results.variants)
    if (!v.name.startsWith('table4-')) settingSection(doc, v, results.config);
  table4Section(doc, results);
  reproduce(doc, results);
  return doc;
}

/** Writes `results.json`, `REPORT.md` (figures in `figures/`) and `report.html` into the run's `report/` folder. */
export async function writeReport(run: RunDir, results: ExperimentResults): Promise<ReportFiles> {
  const dir = run.reportDir;
  const resultsFile = join(dir, 'results.json');
  await writeJsonAtomic(resultsFile, results);
  const doc = reportDocument(run, results);
  // Figures of an earlier report (another N, another config) must not linger.
  await rm(join(dir, 'figures'), { recursive: true, force: true });
  const written = await doc.toMarkdownReport().write(dir);
  const svgs: Record<string, string> = {};
  for (const [name, files] of Object.entries(written.charts))
    svgs[name] = await readFile(files.svg, 'utf8');
  const html = join(dir, 'report.html');
  await writeFileAtomic(html, doc.toHtml(svgs));
  return {
    results: resultsFile,
    markdown: written.report,
    html,
    figures: Object.values(written.charts).flatMap((f) => (f.png ? [f.svg, f.png] : [f.svg])),
  };
}
