// writeReport on synthetic run folders (every job's result written by hand, no training): every
// file is written, the page references nothing external and escapes what it shows, the tables
// print exactly what @va/stats computes from the returns in results.json, an unfinished run says
// so, Table 4 appears only when it was run.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveSeed, formatNumber, Rng } from '@va/core';
import { protocolTables, varianceRatioSweep } from '@va/stats';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { ExperimentConfig as Config, type ExperimentConfig, SMOKE_CONFIG } from '../src/config.js';
import type { EnsembleResult, PolicyResult, ReferenceResult } from '../src/jobs.js';
import { writeReport } from '../src/report.js';
import { collectResults, type ExperimentResults } from '../src/results.js';
import { jobsOf, RunDir } from '../src/run-dir.js';

/** A response no page may show unescaped. */
const HOSTILE_RESPONSE = ' <script>alert("x")</script> & <img src=x> | **bold**';

interface SyntheticRunOptions {
  readonly seeds?: number;
  readonly table4?: boolean;
  /** Job ids (or prefixes) left without a result: an unfinished run. */
  readonly missing?: readonly string[];
  /** Standard deviation of R(pi) per method (vanilla, variance-aware, reference). */
  readonly sd?: { vanilla: number; varianceAware: number; reference: number };
  /** Mean KL each method ends at on the evaluation responses. */
  readonly kl?: { vanilla: number; varianceAware: number };
  readonly config?: Partial<ExperimentConfig>;
}

/** Writes a finished (or partly finished) run into `dir`: every result by hand, no training. */
async function syntheticRun(dir: string, options: SyntheticRunOptions = {}) {
  const config = Config.resolve({
    ...SMOKE_CONFIG,
    seeds: options.seeds ?? 4,
    table4: options.table4 ?? false,
    ...options.config,
  });
  const run = new RunDir(dir);
  await run.init(config);
  const sd = options.sd ?? { vanilla: 0.4, varianceAware: 0.15, reference: 0.2 };
  const kl = options.kl ?? { vanilla: 0.5, varianceAware: 0.45 };
  const missing = options.missing ?? [];
  const samples = (rng: Rng) =>
    ['The hotel was', 'I bought the Halcyon phone', 'Velvet Shadows is'].map((prompt, i) => ({
      prompt,
      response: i === 0 ? HOSTILE_RESPONSE : ` it was ${rng.int(10)} out of ten`,
      trueReward: i,
    }));
  for (const job of jobsOf(config)) {
    if (missing.some((m) => job.id.startsWith(m))) continue;
    const rng = new Rng(deriveSeed(17, job.id));
    if (job.kind === 'prepare-ensemble') {
      const result: EnsembleResult = {
        pairs: 48,
        source: 'synthetic: 48 pairs <labelled> by sentiment',
        k: 4,
        testAccuracy: 0.625,
        memberAccuracy: [0.5, 0.625, 0.75, 0.5],
        testPairs: 8,
        medianChosenVariance: 0.0421,
        seconds: 3.5,
      };
      await run.writeResult(job, result);
    } else if (job.kind === 'reference') {
      const result: ReferenceResult = {
        id: job.id,
        variant: job.variant.name,
        index: job.index,
        seed: job.seed,
        trueReturn: rng.normal(1, sd.reference),
        trueRewards: [1, 1],
        rewardModelMean: 0,
        samples: samples(rng),
      };
      await run.writeResult(job, result);
    } else {
      const va = job.method === 'variance-aware';
      const steps = 3;
      const log = Array.from({ length: steps }, (_, s) =>
        JSON.stringify({
          step: s + 1,
          'ppo/mean_reward_model_mean': s * 0.1 + rng.normal(0, 0.01),
          'objective/kl': (s / (steps - 1)) * (va ? kl.varianceAware : kl.vanilla),
          'ppo/variance/mean': 0.5 - s * 0.05,
        }),
      );
      await mkdir(join(run.jobDir(job), 'ppo'), { recursive: true });
      await writeFile(join(run.jobDir(job), 'ppo', 'log.jsonl'), `${log.join('\n')}\n`);
      const result: PolicyResult = {
        id: job.id,
        variant: job.variant.name,
        method: job.method,
        index: job.index,
        seed: job.seed,
        trueReturn: rng.normal(1.1, va ? sd.varianceAware : sd.vanilla),
        trueRewards: [1, 1],
        evalKl: (va ? kl.varianceAware : kl.vanilla) + rng.normal(0, 0.01),
        rewardModelMean: 0.2,
        finalTrainKl: va ? kl.varianceAware : kl.vanilla,
        steps,
        seconds: 1,
        samples: samples(rng),
      };
      await run.writeResult(job, result);
    }
  }
  return { run, config };
}

async function report(options: SyntheticRunOptions = {}) {
  const { run, config } = await syntheticRun(tempDir('va-report-'), options);
  const files = await writeReport(run, await collectResults(run, config));
  return {
    files,
    md: await readFile(files.markdown, 'utf8'),
    html: await readFile(files.html, 'utf8'),
    results: JSON.parse(await readFile(files.results, 'utf8')) as ExperimentResults,
  };
}

const htmlText = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The body cells of the first HTML table after `marker` (which follows `after`). */
function tableAfter(html: string, after: string, marker: string): string[][] {
  const start = html.indexOf(marker, html.indexOf(after));
  expect(start, `${marker} after ${after}`).toBeGreaterThan(0);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => htmlText(c[1]!)),
  );
}

describe('writeReport', () => {
  it('writes results.json, REPORT.md with its figures, and one self-contained report.html', async () => {
    const { files, md, html } = await report({ seeds: 3 });
    for (const f of [files.results, files.markdown, files.html, ...files.figures]) {
      expect(existsSync(f), f).toBe(true);
    }
    // Every figure REPORT.md links exists, and each appears inlined in the page.
    const links = [...md.matchAll(/!\[[^\]]*\]\((figures\/[^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThanOrEqual(8); // 2 settings x (distribution + 3 curves)
    for (const link of links) expect(existsSync(join(files.markdown, '..', link)), link).toBe(true);
    expect(html.match(/<svg[\s>]/g)?.length).toBe(links.length);
    // Nothing external: no URL at all, no linked file, no script, no relative image.
    expect(html).not.toMatch(/https?:/);
    expect(html).not.toMatch(/<link|<script|<img|<iframe|@import/i);
    expect(html).not.toMatch(/<[^>]*\ssrc=/);
    expect([...html.matchAll(/href="([^"]*)"/g)].every((m) => m[1]!.startsWith('#'))).toBe(true);
    expect([...html.matchAll(/url\(([^)]*)\)/g)].every((m) => m[1]!.startsWith('#'))).toBe(true);
    // Sample responses are shown, escaped.
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x&gt;',
    );
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>');
    // The setup: N, evaluation prompts, the ensemble preparation, each method's resolved PPO keys.
    expect(md).toContain('N = 3 policies per method');
    expect(md).toContain('first 8 evaluation prompts');
    expect(md).toMatch(/\| held-out accuracy of the members \| 0\.5, 0\.625, 0\.75, 0\.5 \|/);
    expect(md).toMatch(/\| steps \| 2 \| 2 \|/);
    expect(md).toMatch(/\| method \(differs\) \| vanilla \| variance-aware \|/);
  });

  it('prints Tables 1-3 exactly as @va/stats computes them from the returns in results.json', async () => {
    const { md, html, results } = await report({ seeds: 5 });
    for (const v of results.variants) {
      const t = protocolTables(v.returns, { seed: results.config.seed });
      expect(v.returns.vanilla).toHaveLength(5);
      expect(v.returns.reference).toHaveLength(5);
      expect(v.tables).toEqual(JSON.parse(JSON.stringify(t)));
      const section = `id="setting-${v.name}"`;
      const f = t.table1.test;
      expect(tableAfter(html, section, 'Table 1:')).toEqual([
        [
          formatNumber(f.varianceA),
          formatNumber(f.varianceB),
          formatNumber(f.statistic),
          `(${f.df1}, ${f.df2})`,
          formatNumber(f.criticalValue),
          formatNumber(f.pValue, 3),
          f.reject ? 'yes' : 'no',
        ],
      ]);
      const w = t.table2.test;
      expect(tableAfter(html, section, 'Table 2:')[0]!.slice(0, 4)).toEqual([
        formatNumber(w.meanA),
        formatNumber(w.meanB),
        formatNumber(w.statistic),
        formatNumber(w.df),
      ]);
      expect(tableAfter(html, section, 'Table 2:')[0]![5]).toBe(formatNumber(w.pValue, 3));
      const r = t.table3;
      const row3 = tableAfter(html, section, 'Table 3:')[0]!;
      expect(row3[0]).toBe(
        `${formatNumber(r.vanilla.pairwise.estimate, 3)} [${formatNumber(r.vanilla.pairwise.lower, 3)}, ${formatNumber(r.vanilla.pairwise.upper, 3)}]`,
      );
      expect(row3[2]).toMatch(new RegExp(`^${r.vanilla.belowMean.count}/5 = `));
      expect(row3[3]).toMatch(new RegExp(`^${r.varianceAware.belowMean.count}/5 = `));
      expect(row3.slice(4, 7)).toEqual([
        formatNumber(r.test.statistic),
        formatNumber(r.test.criticalValue),
        formatNumber(r.test.pValue, 3),
      ]);
      // Table 3 says how the probability and the n were computed, on both renderings.
      expect(htmlText(html)).toContain(r.method);
      expect(md).toContain(r.method);
    }
  });

  it('reads each setting in words without claiming more than the tests', async () => {
    const { md, results } = await report({
      seeds: 40,
      sd: { vanilla: 0.5, varianceAware: 0.1, reference: 0.3 },
      kl: { vanilla: 1, varianceAware: 0.3 },
      config: { settings: ['prompted'] },
    });
    const t = results.variants[0]!.tables!;
    expect(t.table1.test.reject).toBe(true);
    expect(md).toContain(
      `Var vanilla / Var VA = ${formatNumber(t.table1.test.statistic, 3)} (F test, one-sided, H1: vanilla varies more, p = ${formatNumber(t.table1.test.pValue, 3)})`,
    );
    expect(md).toContain('a significant reduction of the spread by the variance-aware method');
    expect(md).toContain(
      `fell below the reference mean in ${t.table3.varianceAware.belowMean.count} of 40 cases, against ${t.table3.vanilla.belowMean.count} of 40 for vanilla`,
    );
    expect(md).toContain('**not similar** (ratio above 1.5)');
    expect(md).not.toContain('can only detect large differences'); // N = 40
    // From N = 20 the returns are also binned: a histogram beside the strip plot.
    expect(md).toContain('figures/returns-histogram-prompted.png');
  });

  it('says when the run is unfinished and which tables are missing', async () => {
    const { md, html } = await report({
      seeds: 2,
      missing: ['policies/ensemble/variance-aware/seed-1', 'reference/prompted/seed-0'],
    });
    expect(md).toContain('**This run is not finished:** 11 of 13 jobs are done');
    expect(html).toContain(
      '<p class="callout"><strong>This run is not finished:</strong> 11 of 13',
    );
    expect(md).toContain(
      '**Tables 1-3 are not available yet:** they need at least two policies per method and one reference run; so far 2 vanilla, 1 variance-aware and 2 reference runs are done.',
    );
    // prompted still has a reference run, so its tables are there.
    expect(md.match(/\*\*Table 1: variance/g)).toHaveLength(1);
  });

  it('says why the tables cannot be computed when both samples are constant', async () => {
    const { md, html, results } = await report({
      seeds: 2,
      sd: { vanilla: 0, varianceAware: 0, reference: 0.2 },
      config: { settings: ['prompted'] },
    });
    expect(results.variants[0]!.tables).toBeUndefined();
    expect(results.variants[0]!.tablesError).toContain('so F is 0/0');
    expect(md).toContain('**Tables 1-3 cannot be computed from these returns:**');
    expect(html).toContain('<strong>Tables 1-3 cannot be computed from these returns:</strong>');
    expect(md).not.toContain('**Table 1:');
  });

  it('shows Table 4 only when the run has it', async () => {
    const without = await report({ seeds: 2 });
    expect(without.md).not.toContain('Table 4:');
    expect(without.html).not.toContain('Table 4:');
    expect(without.md).not.toContain('returns-table4');

    const { md, html, results } = await report({
      seeds: 2,
      table4: true,
      config: { settings: ['prompted'] },
    });
    const levels = results.variants.filter((v) => v.name.startsWith('table4-'));
    const rows = varianceRatioSweep(
      levels.map((l) => ({
        label: l.name,
        vanilla: l.returns.vanilla,
        varianceAware: l.returns.varianceAware,
      })),
    );
    const printed = tableAfter(html, 'id="table-4-', '<table>');
    expect(printed.map((r) => r.slice(1, 4))).toEqual(
      rows.map((r) => [
        formatNumber(r.varianceVanilla),
        formatNumber(r.varianceVarianceAware),
        formatNumber(r.ratio),
      ]),
    );
    expect(md).toContain('## Table 4: shrinking spread of the variances');
    expect(md).toContain('figures/returns-table4.png');

    const unfinished = await report({
      seeds: 2,
      table4: true,
      config: { settings: ['prompted'] },
      missing: ['policies/table4-2/vanilla/seed-0'],
    });
    expect(unfinished.md).toContain('**Table 4 is not available yet:**');
  });
});
