#!/usr/bin/env node
// va-ensemble: train a reward ensemble on a preference file, score (prompt, response) pairs with it,
// and analyse its accuracy and disagreement (the paper's Appendix B, Figure 8). Progress on stderr.

import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  checkInputFile,
  checkOutputDir,
  configFlags,
  defineConfig,
  is,
  parseCommandLine,
  ResourceError,
  replaceDirectory,
  runCommand,
  streamLogger,
  streamProgress,
  UsageError,
} from '@va/core';
import { createBackbone } from './create-backbone.js';
import type { DisagreementReport } from './disagreement.js';
import type { EnsembleHeads } from './ensemble-heads.js';
import { FeatureCache } from './feature-cache.js';
import { BackboneFinetuneConfig } from './finetune-backbone.js';
import { HeadTrainingConfig } from './head-trainer.js';
import { LmBackbone } from './lm-backbone.js';
import { readPreferencePairs } from './preference-file.js';
import { ENSEMBLE_PRESETS } from './presets.js';
import { RewardEnsemble } from './reward-ensemble.js';
import { evaluateEnsemble, splitPairs, trainEnsemble } from './train-ensemble.js';

/** The command's own settings (the heads' and the first stage's come from their configs). */
interface CommandConfig {
  data: string | null;
  preset: string | null;
  backbone: string;
  model: string | null;
  out: string | null;
  testFraction: number;
  limit: number | null;
  pooling: 'last' | 'mean' | null;
  maxLength: number | null;
  offline: boolean;
  cache: string;
  onMalformed: 'skip' | 'throw';
  stage1: boolean;
  prompt: string | null;
  response: string | null;
}

const CommandConfig = defineConfig<CommandConfig>('va-ensemble', {
  data: {
    default: null,
    doc: 'preference pairs (train, analyze) or queries.jsonl (score)',
    type: 'string',
  },
  preset: {
    default: null,
    doc: "named settings (train): 'paper' = K 10 on lm:google/gemma-2b-it, Table 8's hyper-parameters; flags override",
    type: 'string',
    check: is.nullOr(is.oneOf(...(Object.keys(ENSEMBLE_PRESETS) as [string, ...string[]]))),
  },
  backbone: { default: 'hashed', doc: 'hashed | default | lm:<source> | onnx:<source>' },
  model: { default: null, doc: 'a saved ensemble folder (analyze, score)', type: 'string' },
  out: {
    default: null,
    doc: 'output folder (train: out/ensemble; analyze: <model>/analysis)',
    type: 'string',
  },
  testFraction: {
    default: 0.2,
    doc: 'held-out test share; accuracy and Figure 8 are reported on it',
    check: (v) => (v >= 0 && v < 1 ? undefined : 'must be in [0, 1)'),
  },
  limit: {
    default: null,
    doc: 'use the first n valid pairs',
    type: 'integer',
    check: is.nullOr(is.positiveInteger),
  },
  pooling: {
    default: null,
    doc: "'last' or 'mean' token pooling (lm and onnx backbones)",
    type: 'string',
    check: is.nullOr(is.oneOf('last', 'mean')),
  },
  maxLength: {
    default: null,
    doc: 'truncate texts to this many tokens, keeping the end',
    type: 'integer',
    check: is.nullOr(is.positiveInteger),
  },
  offline: { default: false, doc: 'never use the network' },
  cache: { default: '.va-cache/reward-ensemble', doc: 'feature cache folder; --no-cache for none' },
  onMalformed: {
    default: 'skip',
    doc: "'skip' or 'throw' on a malformed row",
    check: is.oneOf('skip', 'throw'),
  },
  stage1: {
    default: false,
    doc: "the paper's first stage (lm backbones; see below)",
  },
  prompt: { default: null, doc: 'the prompt to score (score)', type: 'string' },
  response: { default: null, doc: 'the response to score (score)', type: 'string' },
});

const commandFlags = configFlags(CommandConfig);
const headFlags = configFlags(HeadTrainingConfig, {
  only: [
    'k',
    'seed',
    'epochs',
    'learningRate',
    'batchSize',
    'weightDecay',
    'patience',
    'bootstrap',
    'validationFraction',
  ],
  names: { learningRate: 'lr' },
});
const stage1Flags = configFlags(BackboneFinetuneConfig, {
  only: ['epochs', 'learningRate', 'batchSize', 'stopAtLoss'],
  names: { learningRate: 'lr', stopAtLoss: 'stop-loss' },
  prefix: 'stage1-',
});
const extraOptions = {
  'no-cache': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `va-ensemble: reward ensembles with their disagreement (variance-aware alignment, Appendix B)

Usage:
  va-ensemble train   --data <pairs> [--backbone hashed] [--k 10] [--out out/ensemble] [options]
  va-ensemble train   --data <pairs> --preset paper [--backbone lm:<gemma-2b-it folder>] [--offline]
  va-ensemble analyze --model <dir> --data <pairs> [--out <dir>]
  va-ensemble score   --model <dir> (--prompt <text> --response <text> | --data <queries.jsonl>)

<pairs>: .jsonl, .jsonl.gz, .json or .parquet preference pairs (HH-RLHF, message lists, RewardBench).
--backbone: hashed | default (the embedded @va/lm model) | lm:<folder or hub id> | onnx:<folder or hub id>

Options:
${commandFlags.help()}

Head training (train):
${headFlags.help()}

The paper's first stage (train --stage1): one head trains with the backbone unfrozen, then the K
heads on the frozen result (head 0 starts from it):
${stage1Flags.help()}

Writes <out>/ensemble.json + heads.safetensors, <out>/report/REPORT.md with the Figure 8 plots,
and <out>/metrics.json.`;

type Values = Record<string, unknown>;
type Settings = ReturnType<typeof CommandConfig.resolve>;

function need(settings: Settings, key: 'data' | 'model'): string {
  const v = settings[key];
  if (!v) throw new UsageError(`--${key} is required`);
  return v;
}

const logger = streamLogger(process.stderr);
const progress = streamProgress(process.stderr);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

async function readPairs(settings: Settings) {
  const file = await readPreferencePairs(need(settings, 'data'), {
    onMalformed: settings.onMalformed,
    limit: settings.limit ?? undefined,
  });
  logger.info(
    `read ${file.pairs.length} pairs from ${file.path} (${JSON.stringify(file.formats)})`,
  );
  for (const m of file.malformed.slice(0, 10)) logger.warn(`skipped row ${m.row}: ${m.reason}`);
  if (file.malformed.length > 10)
    logger.warn(`... and ${file.malformed.length - 10} more malformed rows`);
  if (file.pairs.length === 0) {
    const skipped = file.malformed;
    // One line per distinct reason, with the first rows that had it.
    const byReason = new Map<string, number[]>();
    for (const m of skipped) byReason.set(m.reason, [...(byReason.get(m.reason) ?? []), m.row]);
    const why = [...byReason]
      .slice(0, 3)
      .map(([reason, rows]) => {
        const shown = rows.slice(0, 3).join(', ') + (rows.length > 3 ? ', ...' : '');
        return `${rows.length === 1 ? 'row' : 'rows'} ${shown}: ${reason}`;
      })
      .join('; ');
    throw new ResourceError(
      skipped.length === 0
        ? `no usable pairs in ${file.path}: it holds no rows`
        : `no usable pairs in ${file.path} (${skipped.length} rows skipped: ${why}${byReason.size > 3 ? '; ...' : ''}). ` +
            'Fix: give each row a prompt with a chosen and a rejected response (HH-RLHF, message lists or RewardBench rows)',
    );
  }
  return file;
}

/**
 * The fewest pairs for which the test split, the validation split and the training set each get
 * at least one pair (rounded as `splitPairs` and `trainHeads` round), so that no accuracy is NaN.
 */
function minimumPairs(testFraction: number, validationFraction: number): number {
  for (let n = 1; ; n++) {
    const test = Math.round(n * testFraction);
    const validation = Math.round((n - test) * validationFraction);
    if (
      (testFraction === 0 || test >= 1) &&
      (validationFraction === 0 || validation >= 1) &&
      n - test - validation >= 1
    ) {
      return n;
    }
  }
}

/** The checks of `train` that need no data: done before anything is read or computed. */
async function checkTrainOutputs(settings: Settings, values: Values): Promise<string> {
  const out = await checkOutputDir(settings.out ?? 'out/ensemble', {
    label: '--out',
    replaces: 'ensemble.json',
  });
  if (!values['no-cache']) await checkOutputDir(settings.cache, { label: '--cache' });
  return out;
}

function printReport(report: DisagreementReport): void {
  for (const g of [report.overall, ...report.groups]) {
    console.log(
      `${g.name.padEnd(10)} pairs ${String(g.pairs).padStart(5)}  ensemble mean ${pct(g.ensembleAccuracy)}  members ${g.memberAccuracy.map(pct).join(' ')}`,
    );
  }
  const s = report.overall;
  console.log(
    `variance of chosen rewards: median ${s.chosenVarianceSummary.median.toPrecision(3)}, mean ${s.chosenVarianceSummary.mean.toPrecision(3)}; ` +
      `variance of reward differences: median ${s.differenceVarianceSummary.median.toPrecision(3)}, mean ${s.differenceVarianceSummary.mean.toPrecision(3)}`,
  );
}

function summary(report: DisagreementReport) {
  return [report.overall, ...report.groups].map((g) => ({
    group: g.name,
    pairs: g.pairs,
    weighting: g.weighting,
    ensembleAccuracy: g.ensembleAccuracy,
    memberAccuracy: g.memberAccuracy,
    chosenVariance: g.chosenVarianceSummary,
    differenceVariance: g.differenceVarianceSummary,
  }));
}

async function train(settings: Settings, values: Values): Promise<void> {
  const preset = settings.preset === null ? undefined : ENSEMBLE_PRESETS[settings.preset];
  if (preset) logger.info(`preset ${preset.name}: ${preset.description}`);
  const heads = headFlags.resolve(values, preset?.heads ?? {});
  if (heads.k < 2) throw new UsageError(`--k must be at least 2 (the variance needs 2 members)`);
  // An explicit --backbone wins over the preset's (the same setting from a local folder, say).
  const backboneText = commandFlags.read(values).backbone ?? preset?.backbone ?? settings.backbone;
  const stage1Set = Object.keys(stage1Flags.read(values));
  if (!settings.stage1 && stage1Set.length > 0) {
    throw new UsageError(`--${stage1Flags.flagOf[stage1Set[0]!]} needs --stage1`);
  }
  const stage1Config = settings.stage1
    ? stage1Flags.resolve(values, { seed: heads.seed })
    : undefined;
  await checkInputFile(need(settings, 'data'), { label: '--data' });
  const out = await checkTrainOutputs(settings, values);
  const file = await readPairs(settings);
  const least = minimumPairs(settings.testFraction, heads.validationFraction);
  if (file.pairs.length < least) {
    throw new ResourceError(
      `${file.pairs.length} usable pair${file.pairs.length === 1 ? '' : 's'} in ${file.path} ${file.pairs.length === 1 ? 'is' : 'are'} too few: ` +
        `--test-fraction ${settings.testFraction} and --validation-fraction ${heads.validationFraction} need at least ${least} ` +
        '(one test, one validation and one training pair). Fix: use more pairs, or lower the fractions (0 turns a split off)',
    );
  }
  const seed = heads.seed;
  const { train: trainPairs, test } = splitPairs(file.pairs, settings.testFraction, seed);
  const backbone = await createBackbone(backboneText, {
    pooling: settings.pooling ?? undefined,
    maxLength: settings.maxLength ?? undefined,
    offline: settings.offline,
  });
  logger.info(
    `backbone ${backbone.name}; ${trainPairs.length} training pairs, ${test.length} test pairs`,
  );
  const cache = values['no-cache'] ? undefined : new FeatureCache(resolve(settings.cache));
  let initialHeads: EnsembleHeads | undefined;
  let stage1: Record<string, unknown> | undefined;
  if (stage1Config) {
    if (!(backbone instanceof LmBackbone)) {
      throw new UsageError(
        '--stage1 trains the backbone: use an lm backbone (default or lm:<source>)',
      );
    }
    const { finetuneLmBackbone, twoStageInitialHeads } = await import('./finetune-backbone.js');
    const result = await finetuneLmBackbone(backbone, trainPairs, stage1Config, {
      logger,
      onProgress: progress,
    });
    initialHeads = twoStageInitialHeads(result.head, heads.k, seed);
    stage1 = {
      config: result.config,
      steps: result.steps,
      stoppedEarly: result.stoppedEarly,
      finalLoss: result.losses.at(-1),
    };
    logger.info(`stage 1: ${result.steps} steps, last loss ${result.losses.at(-1)?.toFixed(4)}`);
  }
  const { ensemble, training } = await trainEnsemble(backbone, trainPairs, {
    heads,
    cache,
    initialHeads,
    logger,
    onProgress: progress,
  });
  console.log(
    training.validationPairs > 0
      ? `validation (${training.validationPairs} pairs): ensemble mean ${pct(training.ensembleAccuracy)}, members ${training.reports
          .map((r) => pct(r.valAccuracy))
          .join(' ')}`
      : 'validation: none (--validation-fraction 0)',
  );
  const metrics: Record<string, unknown> = {
    data: file.path,
    preset: preset?.name ?? null,
    backbone: backbone.identity,
    malformedRows: file.malformed.length,
    trainPairs: trainPairs.length,
    testPairs: test.length,
    stage1,
    training: {
      config: training.config,
      reports: training.reports,
      ensembleAccuracy: training.ensembleAccuracy,
    },
  };
  const report =
    test.length > 0 ? await evaluateEnsemble(ensemble, test, { onProgress: progress }) : undefined;
  if (report) {
    console.log(`test (${test.length} held-out pairs):`);
    printReport(report);
    metrics.test = summary(report);
  }
  // The model, its report and metrics.json replace the folder together: a failure leaves the
  // previous run's folder as it was, and no report of an older model sits beside a new one.
  await replaceDirectory(out, async (dir) => {
    await ensemble.save(dir);
    if (report) {
      const { writeDisagreementReport } = await import('./disagreement-report.js');
      await writeDisagreementReport(report, join(dir, 'report'), {
        intro: `Ensemble of ${report.k} heads on ${backbone.name}, trained on ${trainPairs.length} pairs of ${file.path}; evaluated on ${test.length} held-out pairs.`,
      });
    }
    await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  });
  logger.info(
    `saved the ensemble to ${out}${report ? `; report ${join(out, 'report', 'REPORT.md')}` : ''}`,
  );
  await ensemble.dispose();
}

async function analyze(settings: Settings): Promise<void> {
  const dir = need(settings, 'model');
  await checkInputFile(need(settings, 'data'), { label: '--data' });
  const out = await checkOutputDir(settings.out ?? join(dir, 'analysis'), {
    label: '--out',
    replaces: 'REPORT.md',
  });
  const ensemble = await RewardEnsemble.load(dir);
  const file = await readPairs(settings);
  const report = await evaluateEnsemble(ensemble, file.pairs, { onProgress: progress });
  printReport(report);
  const { writeDisagreementReport } = await import('./disagreement-report.js');
  await replaceDirectory(out, async (tmp) => {
    await writeDisagreementReport(report, tmp, {
      intro: `Ensemble ${ensemble.name} from ${dir}, on ${file.pairs.length} pairs of ${file.path}.`,
    });
    await writeFile(join(tmp, 'metrics.json'), `${JSON.stringify(summary(report), null, 2)}\n`);
  });
  logger.info(`wrote ${join(out, 'REPORT.md')}`);
  await ensemble.dispose();
}

/** `{prompt, response}` per non-blank line of a JSON Lines file, errors naming the file's own line. */
async function readQueries(path: string): Promise<{ prompt: string; response: string }[]> {
  const text = await readFile(await checkInputFile(path, { label: '--data' }), 'utf8');
  const queries: { prompt: string; response: string }[] = [];
  const shape = 'Fix: one {"prompt": "...", "response": "..."} object per line';
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let q: { prompt?: unknown; response?: unknown };
    try {
      q = JSON.parse(line);
    } catch (e) {
      throw new ResourceError(
        `${path} line ${i + 1}: not valid JSON (${(e as Error).message}). ${shape}`,
      );
    }
    if (typeof q?.prompt !== 'string' || typeof q.response !== 'string') {
      throw new ResourceError(
        `${path} line ${i + 1}: expected string fields prompt and response. ${shape}`,
      );
    }
    queries.push({ prompt: q.prompt, response: q.response });
  }
  if (queries.length === 0) throw new ResourceError(`${path} holds no queries. ${shape}`);
  return queries;
}

async function score(settings: Settings): Promise<void> {
  let queries: { prompt: string; response: string }[];
  if (settings.prompt !== null || settings.response !== null) {
    if (settings.prompt === null || settings.response === null) {
      throw new UsageError('--prompt and --response go together');
    }
    queries = [{ prompt: settings.prompt, response: settings.response }];
  } else {
    queries = await readQueries(need(settings, 'data'));
  }
  const ensemble = await RewardEnsemble.load(need(settings, 'model'));
  const scores = await ensemble.score(queries);
  for (const s of scores)
    console.log(JSON.stringify({ mean: s.mean, variance: s.variance, members: s.members }));
  await ensemble.dispose();
}

async function main(argv: readonly string[]): Promise<number | undefined> {
  const { values, positionals } = parseCommandLine(argv, {
    options: extraOptions,
    configs: [commandFlags, headFlags, stage1Flags],
    allowPositionals: true,
  });
  const [command, ...extra] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const settings = commandFlags.resolve(values);
  if (command === 'train') await train(settings, values);
  else if (command === 'analyze') await analyze(settings);
  else if (command === 'score') await score(settings);
  else throw new UsageError(`unknown command '${command}' (train, analyze or score)`);
  return undefined;
}

await runCommand('va-ensemble', () => main(process.argv.slice(2)));
