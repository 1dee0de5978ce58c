#!/usr/bin/env node
// va-ensemble: train a reward ensemble on a preference file, score (prompt, response) pairs with it,
// and analyse its accuracy and disagreement (the paper's Appendix B, Figure 8). Progress on stderr.

import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { streamLogger, streamProgress, VaError } from '@va/core';
import { createBackbone } from './create-backbone.js';
import type { DisagreementReport } from './disagreement.js';
import type { EnsembleHeads } from './ensemble-heads.js';
import { FeatureCache } from './feature-cache.js';
import { HeadTrainingConfig } from './head-trainer.js';
import { LmBackbone } from './lm-backbone.js';
import { readPreferencePairs } from './preference-file.js';
import { RewardEnsemble } from './reward-ensemble.js';
import { evaluateEnsemble, splitPairs, trainEnsemble } from './train-ensemble.js';

const HELP = `va-ensemble: reward ensembles with their disagreement (variance-aware alignment, Appendix B)

Usage:
  va-ensemble train   --data <pairs> [--backbone hashed] [--k 10] [--out out/ensemble] [options]
  va-ensemble analyze --model <dir> --data <pairs> [--out <dir>]
  va-ensemble score   --model <dir> (--prompt <text> --response <text> | --data <queries.jsonl>)

<pairs>: .jsonl, .jsonl.gz, .json or .parquet preference pairs (HH-RLHF, message lists, RewardBench).
--backbone: hashed | default (the embedded @va/lm model) | lm:<folder or hub id> | onnx:<folder or hub id>

train options:
  --k <n>               members (10)          --seed <n>            seed (0)
  --test-fraction <f>   held-out test share (0.2); accuracy and Figure 8 are reported on it
  --limit <n>           use the first n valid pairs
  --epochs <f>          head-training epochs  --lr <f>              learning rate
  --batch-size <n>      pairs per step (32)   --weight-decay <f>    AdamW decay (0.001)
  --patience <n>        early stopping (0: off)  --bootstrap        a resample per member
  --validation-fraction <f>  share of training pairs for validation (0.1)
  --pooling last|mean   --max-length <n>      --offline            never use the network
  --cache <dir>         feature cache (.va-cache/reward-ensemble)   --no-cache
  --on-malformed skip|throw   (skip)
  --stage1              the paper's first stage (lm backbones): train one head with the backbone
                        unfrozen, then the K heads on the frozen result (head 0 starts from it)
  --stage1-epochs <f> (1)  --stage1-lr <f> (1e-5)  --stage1-batch-size <n> (32)
  --stage1-stop-loss <f>   stop stage 1 when the moving-average loss reaches this (0: off)
Writes <out>/ensemble.json + heads.safetensors, <out>/report/REPORT.md with the Figure 8 plots,
and <out>/metrics.json.`;

const options = {
  data: { type: 'string' },
  backbone: { type: 'string', default: 'hashed' },
  model: { type: 'string' },
  out: { type: 'string' },
  k: { type: 'string' },
  seed: { type: 'string' },
  'test-fraction': { type: 'string', default: '0.2' },
  limit: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  'weight-decay': { type: 'string' },
  patience: { type: 'string' },
  bootstrap: { type: 'boolean', default: false },
  'validation-fraction': { type: 'string' },
  pooling: { type: 'string' },
  'max-length': { type: 'string' },
  offline: { type: 'boolean', default: false },
  cache: { type: 'string', default: '.va-cache/reward-ensemble' },
  'no-cache': { type: 'boolean', default: false },
  'on-malformed': { type: 'string', default: 'skip' },
  stage1: { type: 'boolean', default: false },
  'stage1-epochs': { type: 'string' },
  'stage1-lr': { type: 'string' },
  'stage1-batch-size': { type: 'string' },
  'stage1-stop-loss': { type: 'string' },
  prompt: { type: 'string' },
  response: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof options; allowPositionals: true }>
>['values'];

class UsageError extends Error {}

function num(values: Values, key: keyof Values, integer = false): number | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${key} must be ${integer ? 'an integer' : 'a number'}, got '${raw}'`);
  }
  return v;
}

function need(values: Values, key: 'data' | 'model'): string {
  const v = values[key];
  if (!v) throw new UsageError(`--${key} is required`);
  return v;
}

const logger = streamLogger(process.stderr);
const progress = streamProgress(process.stderr);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

async function readPairs(values: Values) {
  const onMalformed = values['on-malformed'] as 'skip' | 'throw';
  if (onMalformed !== 'skip' && onMalformed !== 'throw')
    throw new UsageError("--on-malformed must be 'skip' or 'throw'");
  const file = await readPreferencePairs(need(values, 'data'), {
    onMalformed,
    limit: num(values, 'limit', true),
  });
  logger.info(
    `read ${file.pairs.length} pairs from ${file.path} (${JSON.stringify(file.formats)})`,
  );
  for (const m of file.malformed.slice(0, 10)) logger.warn(`skipped row ${m.row}: ${m.reason}`);
  if (file.malformed.length > 10)
    logger.warn(`... and ${file.malformed.length - 10} more malformed rows`);
  return file;
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

async function train(values: Values): Promise<void> {
  const out = resolve(values.out ?? 'out/ensemble');
  const file = await readPairs(values);
  const seed = num(values, 'seed', true) ?? 0;
  const { train: trainPairs, test } = splitPairs(
    file.pairs,
    num(values, 'test-fraction') ?? 0.2,
    seed,
  );
  const pooling = values.pooling as 'last' | 'mean' | undefined;
  if (pooling && pooling !== 'last' && pooling !== 'mean')
    throw new UsageError("--pooling must be 'last' or 'mean'");
  const backbone = await createBackbone(values.backbone!, {
    pooling,
    maxLength: num(values, 'max-length', true),
    offline: values.offline,
  });
  logger.info(
    `backbone ${backbone.name}; ${trainPairs.length} training pairs, ${test.length} test pairs`,
  );
  const heads: Partial<HeadTrainingConfig> = Object.fromEntries(
    Object.entries({
      k: num(values, 'k', true),
      seed,
      epochs: num(values, 'epochs'),
      learningRate: num(values, 'lr'),
      batchSize: num(values, 'batch-size', true),
      weightDecay: num(values, 'weight-decay'),
      patience: num(values, 'patience', true),
      bootstrap: values.bootstrap,
      validationFraction: num(values, 'validation-fraction'),
    }).filter(([, v]) => v !== undefined),
  );
  const cache = values['no-cache'] ? undefined : new FeatureCache(resolve(values.cache!));
  let initialHeads: EnsembleHeads | undefined;
  let stage1: Record<string, unknown> | undefined;
  if (values.stage1) {
    if (!(backbone instanceof LmBackbone)) {
      throw new UsageError(
        '--stage1 trains the backbone: use an lm backbone (default or lm:<source>)',
      );
    }
    const { finetuneLmBackbone, twoStageInitialHeads } = await import('./finetune-backbone.js');
    const config = Object.fromEntries(
      Object.entries({
        seed,
        epochs: num(values, 'stage1-epochs'),
        learningRate: num(values, 'stage1-lr'),
        batchSize: num(values, 'stage1-batch-size', true),
        stopAtLoss: num(values, 'stage1-stop-loss'),
      }).filter(([, v]) => v !== undefined),
    );
    const result = await finetuneLmBackbone(backbone, trainPairs, config, {
      logger,
      onProgress: progress,
    });
    initialHeads = twoStageInitialHeads(
      result.head,
      heads.k ?? HeadTrainingConfig.defaults.k,
      seed,
    );
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
    `validation (${training.validationPairs} pairs): ensemble mean ${pct(training.ensembleAccuracy)}, members ${training.reports
      .map((r) => pct(r.valAccuracy))
      .join(' ')}`,
  );
  await ensemble.save(out);
  logger.info(`saved the ensemble to ${out}`);
  const metrics: Record<string, unknown> = {
    data: file.path,
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
  if (test.length > 0) {
    const report = await evaluateEnsemble(ensemble, test, { onProgress: progress });
    console.log(`test (${test.length} held-out pairs):`);
    printReport(report);
    const { writeDisagreementReport } = await import('./disagreement-report.js');
    const files = await writeDisagreementReport(report, join(out, 'report'), {
      intro: `Ensemble of ${report.k} heads on ${backbone.name}, trained on ${trainPairs.length} pairs of ${file.path}; evaluated on ${test.length} held-out pairs.`,
    });
    logger.info(`wrote ${files.report}`);
    metrics.test = summary(report);
  }
  await writeFile(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  await ensemble.dispose();
}

async function analyze(values: Values): Promise<void> {
  const dir = need(values, 'model');
  const ensemble = await RewardEnsemble.load(dir);
  const file = await readPairs(values);
  const report = await evaluateEnsemble(ensemble, file.pairs, { onProgress: progress });
  printReport(report);
  const out = resolve(values.out ?? join(dir, 'analysis'));
  const { writeDisagreementReport } = await import('./disagreement-report.js');
  const files = await writeDisagreementReport(report, out, {
    intro: `Ensemble ${ensemble.name} from ${dir}, on ${file.pairs.length} pairs of ${file.path}.`,
  });
  await writeFile(join(out, 'metrics.json'), `${JSON.stringify(summary(report), null, 2)}\n`);
  logger.info(`wrote ${files.report}`);
  await ensemble.dispose();
}

async function score(values: Values): Promise<void> {
  const ensemble = await RewardEnsemble.load(need(values, 'model'));
  let queries: { prompt: string; response: string }[];
  if (values.prompt !== undefined || values.response !== undefined) {
    if (values.prompt === undefined || values.response === undefined) {
      throw new UsageError('--prompt and --response go together');
    }
    queries = [{ prompt: values.prompt, response: values.response }];
  } else {
    const text = await readFile(need(values, 'data'), 'utf8');
    queries = text
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => {
        const q = JSON.parse(l);
        if (typeof q.prompt !== 'string' || typeof q.response !== 'string') {
          throw new UsageError(
            `line ${i + 1} of ${values.data}: expected {"prompt": "...", "response": "..."}`,
          );
        }
        return q;
      });
  }
  const scores = await ensemble.score(queries);
  for (const s of scores)
    console.log(JSON.stringify({ mean: s.mean, variance: s.variance, members: s.members }));
  await ensemble.dispose();
}

async function main(argv: string[]): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const [command] = parsed.positionals;
  if (parsed.values.help || !command) {
    console.log(HELP);
    return command || parsed.values.help ? 0 : 2;
  }
  try {
    if (command === 'train') await train(parsed.values);
    else if (command === 'analyze') await analyze(parsed.values);
    else if (command === 'score') await score(parsed.values);
    else throw new UsageError(`unknown command '${command}'`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`va-ensemble: ${e.message}\n\n${HELP}`);
      return 2;
    }
    if (e instanceof VaError) {
      console.error(`va-ensemble: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
