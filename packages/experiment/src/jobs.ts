// The work of a run, one job at a time (SPEC 5, Algorithms 1-4): preparing the ensemble setting's
// reward model, training and evaluating one policy, sampling the reference once. Every job writes
// its result last and atomically, so a job that was interrupted is simply done again (a training
// job resumes from its PPO checkpoint).

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  deriveSeed,
  type Logger,
  type ProgressCallback,
  type RewardModel,
  Rng,
  silentLogger,
  writeJsonAtomic,
} from '@va/core';
import { type CausalLM, DEFAULT_MODEL_DIR, type GenerationConfig, loadCausalLM } from '@va/lm';
import { PPOConfig, type PPOStepStats, trainPolicy } from '@va/ppo';
import {
  createBackbone,
  evaluateEnsemble,
  type PreferencePair,
  readPreferencePairs,
  splitPairs,
  trainEnsemble,
} from '@va/reward-ensemble';
import { mean } from '@va/stats';
import { ppoFor, type ResolvedExperimentConfig } from './config.js';
import { rewardModels } from './rewards.js';
import type { Job, RunDir, Variant } from './run-dir.js';
import { loadTrueReward, readTaskPrompts, type TrueReward } from './task.js';

/** What a training job records: R(pi) and how it got there. */
export interface PolicyResult {
  readonly id: string;
  readonly variant: string;
  readonly method: 'vanilla' | 'variance-aware';
  readonly index: number;
  readonly seed: number;
  /** R(pi): the mean true reward of one response per evaluation prompt. */
  readonly trueReturn: number;
  /** The true reward of each evaluation prompt's response. */
  readonly trueRewards: number[];
  /** KL(pi || pi0) on the evaluation responses: mean over responses of sum(logp - logp_ref). */
  readonly evalKl: number;
  /** The training reward model's mean on the evaluation responses. */
  readonly rewardModelMean: number;
  /** `objective/kl` of the last training step. */
  readonly finalTrainKl: number;
  readonly steps: number;
  readonly seconds: number;
  /** A few evaluation responses, to read. */
  readonly samples: { prompt: string; response: string; trueReward: number }[];
}

/** What a reference job records: R(pi0) of one sampling run. */
export interface ReferenceResult {
  readonly id: string;
  readonly variant: string;
  readonly index: number;
  readonly seed: number;
  readonly trueReturn: number;
  readonly trueRewards: number[];
  readonly rewardModelMean: number;
  readonly samples: { prompt: string; response: string; trueReward: number }[];
}

/** What preparing the ensemble records (beside the saved ensemble). */
export interface EnsembleResult {
  readonly pairs: number;
  readonly source: string;
  readonly k: number;
  /** Accuracy of the ensemble mean on the held-out pairs, and of each member. */
  readonly testAccuracy: number;
  readonly memberAccuracy: number[];
  readonly testPairs: number;
  /** Median member variance of the chosen responses' rewards on the held-out pairs. */
  readonly medianChosenVariance: number;
  readonly seconds: number;
}

/** Options of {@link runJob}. */
export interface RunJobOptions {
  readonly logger?: Logger;
  /** Reports the job's progress (PPO steps for a training job). */
  readonly onProgress?: ProgressCallback;
  /** Stops the job: it rejects with the signal's reason (a training job after its current step). */
  readonly signal?: AbortSignal;
}

/** The policy source of a config: `default` is the embedded model. */
export function policySource(c: ResolvedExperimentConfig): string {
  return c.policy === 'default' ? DEFAULT_MODEL_DIR : c.policy;
}

async function loadPolicy(c: ResolvedExperimentConfig): Promise<CausalLM> {
  return loadCausalLM(policySource(c), { backend: 'current' });
}

/**
 * The reward model PPO trains against in `variant`: the run's ensemble, or the prompted setting's
 * judge (from {@link rewardModels}) with the variant's interval widths as its options.
 */
export async function trainingReward(
  run: RunDir,
  c: ResolvedExperimentConfig,
  variant: Variant,
  seed: number,
): Promise<RewardModel> {
  if (variant.setting === 'ensemble') {
    return rewardModels.create(`ensemble:${run.ensembleDir}`, { seed });
  }
  const { minWidth, maxWidth } = variant.widths ?? c.prompted;
  return rewardModels.create(c.prompted.judge, { seed, options: { minWidth, maxWidth } });
}

/**
 * The true reward of `variant`: the task's r* in the ensemble setting; in the prompted setting, as
 * in the paper, the judge's interval midpoint (its `mean`).
 */
async function trueScorer(
  c: ResolvedExperimentConfig,
  variant: Variant,
  reward: RewardModel,
): Promise<(prompts: readonly string[], responses: readonly string[]) => Promise<number[]>> {
  if (variant.setting === 'prompted') {
    return async (prompts, responses) =>
      (await reward.score(prompts.map((prompt, i) => ({ prompt, response: responses[i]! })))).map(
        (s) => s.mean,
      );
  }
  const r: TrueReward = await loadTrueReward(c.trueReward);
  return async (prompts, responses) => prompts.map((p, i) => r.score(p, responses[i]!));
}

/** The generation settings of evaluation: the same as training's. */
function evalGeneration(c: ResolvedExperimentConfig, method: 'vanilla' | 'variance-aware') {
  return PPOConfig.resolve(ppoFor(c, method)).generation;
}

interface Evaluation {
  prompts: string[];
  responses: string[];
  tokens: number[][];
  queries: number[][];
  trueRewards: number[];
  rewardModelMean: number;
}

async function evaluate(
  model: CausalLM,
  c: ResolvedExperimentConfig,
  generation: Readonly<GenerationConfig>,
  seed: number,
  score: (p: readonly string[], r: readonly string[]) => Promise<number[]>,
  reward: RewardModel,
): Promise<Evaluation> {
  const { eval: all } = await readTaskPrompts(c.prompts);
  const prompts = all.slice(0, c.evalPrompts);
  const out = await model.generate(prompts, { ...generation, seed });
  const responses = out.text ?? out.tokens.map((t) => t.join(' '));
  const trueRewards = await score(prompts, responses);
  const rm = await reward.score(
    prompts.map((prompt, i) => ({ prompt, response: responses[i]! })),
    {
      rng: new Rng(deriveSeed(seed, 'reward')),
    },
  );
  return {
    prompts,
    responses,
    tokens: out.tokens,
    queries: out.promptTokens,
    trueRewards,
    rewardModelMean: rm.reduce((a, s) => a + s.mean, 0) / rm.length,
  };
}

const samplesOf = (e: Evaluation) =>
  e.prompts
    .slice(0, 4)
    .map((prompt, i) => ({ prompt, response: e.responses[i]!, trueReward: e.trueRewards[i]! }));

/** KL(pi || pi0) on `e`'s responses: mean over responses of the summed log-ratio of their tokens. */
function klOnResponses(policy: CausalLM, reference: CausalLM, e: Evaluation): number {
  const sums: number[] = [];
  const size = 16;
  for (let s = 0; s < e.queries.length; s += size) {
    const q = e.queries.slice(s, s + size);
    const r = e.tokens.slice(s, s + size);
    const a = policy.continuationLogProbs(q, r);
    const b = reference.continuationLogProbs(q, r);
    const la = a.logprobs.arraySync();
    const lb = b.logprobs.arraySync();
    for (const t of [a, b]) for (const x of Object.values(t)) x?.dispose();
    r.forEach((row, i) => {
      let d = 0;
      for (let j = 0; j < row.length; j++) d += la[i]![j]! - lb[i]![j]!;
      sums.push(d);
    });
  }
  return mean(sums);
}

/** Runs one job and writes its result; returns the result. */
export async function runJob(
  run: RunDir,
  c: ResolvedExperimentConfig,
  job: Job,
  options: RunJobOptions = {},
): Promise<unknown> {
  options.signal?.throwIfAborted();
  const logger = options.logger ?? silentLogger;
  const started = performance.now();
  if (job.kind === 'prepare-ensemble')
    return prepareEnsemble(run, c, job, logger, options.onProgress);

  if (job.kind === 'reference') {
    const reward = await trainingReward(run, c, job.variant, job.seed);
    const reference = await loadPolicy(c);
    try {
      const score = await trueScorer(c, job.variant, reward);
      const e = await evaluate(reference, c, evalGeneration(c, 'vanilla'), job.seed, score, reward);
      const result: ReferenceResult = {
        id: job.id,
        variant: job.variant.name,
        index: job.index,
        seed: job.seed,
        trueReturn: mean(e.trueRewards),
        trueRewards: e.trueRewards,
        rewardModelMean: e.rewardModelMean,
        samples: samplesOf(e),
      };
      await run.writeResult(job, result);
      return result;
    } finally {
      reference.dispose();
      await reward.dispose?.();
    }
  }

  // A training job: PPO in the job's folder (resumable), then the evaluation.
  const dir = run.jobDir(job);
  const reward = await trainingReward(run, c, job.variant, job.seed);
  try {
    const config = { ...ppoFor(c, job.method), seed: job.seed };
    const { train } = await readTaskPrompts(c.prompts);
    const trained = await trainPolicy({
      loadPolicy: () => loadPolicy(c),
      reward,
      prompts: train,
      config,
      outDir: join(dir, 'ppo'),
      logger,
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ ...p, task: job.id }),
    });
    options.signal?.throwIfAborted();
    const policy = await loadCausalLM(join(trained.finalDir, 'policy'), { backend: 'current' });
    const reference = await loadPolicy(c);
    try {
      const score = await trueScorer(c, job.variant, reward);
      const e = await evaluate(
        policy,
        c,
        evalGeneration(c, job.method),
        deriveSeed(job.seed, 'eval'),
        score,
        reward,
      );
      const last: PPOStepStats | undefined = trained.history.at(-1);
      const result: PolicyResult = {
        id: job.id,
        variant: job.variant.name,
        method: job.method,
        index: job.index,
        seed: job.seed,
        trueReturn: mean(e.trueRewards),
        trueRewards: e.trueRewards,
        evalKl: klOnResponses(policy, reference, e),
        rewardModelMean: e.rewardModelMean,
        finalTrainKl: last?.['objective/kl'] ?? Number.NaN,
        steps: trained.history.length,
        seconds: (performance.now() - started) / 1000,
        samples: samplesOf(e),
      };
      await run.writeResult(job, result);
      if (!c.keepPolicies)
        await rm(join(dir, 'ppo', 'final', 'policy'), { recursive: true, force: true });
      return result;
    } finally {
      policy.dispose();
      reference.dispose();
    }
  } finally {
    await reward.dispose?.();
  }
}

/** Labels a pair by Bradley-Terry noise: `a` is chosen with probability sigmoid((ra - rb) / t). */
export function bradleyTerryLabel(ra: number, rb: number, temperature: number, rng: Rng): boolean {
  return rng.next() < 1 / (1 + Math.exp(-(ra - rb) / temperature));
}

async function prepareEnsemble(
  run: RunDir,
  c: ResolvedExperimentConfig,
  job: Job,
  logger: Logger,
  onProgress?: ProgressCallback,
): Promise<EnsembleResult> {
  const started = performance.now();
  const e = c.ensemble;
  let pairs: PreferencePair[];
  let source: string;
  if (e.data) {
    const file = await readPreferencePairs(e.data);
    pairs = file.pairs;
    source = file.path;
  } else {
    // Gao et al. (2022): the reference's own responses, labelled by the true reward through
    // Bradley-Terry noise.
    const policy = await loadPolicy(c);
    const truth = await loadTrueReward(c.trueReward);
    try {
      const { train } = await readTaskPrompts(c.prompts);
      const generation = evalGeneration(c, 'vanilla');
      pairs = [];
      const rng = new Rng(deriveSeed(c.seed, 'pairs', 'labels'));
      const batch = 32;
      for (let start = 0; start < e.pairs; start += batch) {
        const prompts = Array.from(
          { length: Math.min(batch, e.pairs - start) },
          (_, i) => train[(start + i) % train.length]!,
        );
        const seedOf = (side: string) => deriveSeed(c.seed, 'pairs', side, start);
        const a = await policy.generate(prompts, { ...generation, seed: seedOf('a') });
        const b = await policy.generate(prompts, { ...generation, seed: seedOf('b') });
        prompts.forEach((prompt, i) => {
          const ya = a.text![i]!;
          const yb = b.text![i]!;
          const first = bradleyTerryLabel(
            truth.score(prompt, ya),
            truth.score(prompt, yb),
            e.labelTemperature,
            rng,
          );
          pairs.push({
            prompt: [{ role: 'user', content: prompt }],
            chosen: first ? ya : yb,
            rejected: first ? yb : ya,
          });
        });
        onProgress?.({
          task: 'ensemble pairs',
          done: Math.min(start + batch, e.pairs),
          total: e.pairs,
          unit: 'pairs',
        });
      }
      source = `synthetic: ${e.pairs} pairs of reference responses labelled by ${truth.name}, Bradley-Terry temperature ${e.labelTemperature}`;
    } finally {
      policy.dispose();
    }
  }
  const { train, test } = splitPairs(pairs, 0.2, c.seed);
  const backbone = await createBackbone(e.backbone === 'default' ? 'default' : e.backbone, {
    pooling: e.pooling,
  });
  try {
    const { ensemble } = await trainEnsemble(backbone, train, {
      heads: {
        k: e.k,
        epochs: e.epochs,
        learningRate: e.learningRate,
        bootstrap: e.bootstrap,
        seed: c.seed,
      },
      logger,
      onProgress,
    });
    const report = await evaluateEnsemble(ensemble, test);
    await ensemble.save(run.ensembleDir);
    await writeJsonAtomic(join(run.ensembleDir, 'pairs.json'), {
      source,
      train: train.length,
      test: test.length,
    });
    const result: EnsembleResult = {
      pairs: pairs.length,
      source,
      k: e.k,
      testAccuracy: report.overall.ensembleAccuracy,
      memberAccuracy: [...report.overall.memberAccuracy],
      testPairs: test.length,
      medianChosenVariance: report.overall.chosenVarianceSummary.median,
      seconds: (performance.now() - started) / 1000,
    };
    await run.writeResult(job, result);
    return result;
  } finally {
    backbone.dispose?.();
  }
}
