// A whole PPO training run in a folder: prompts drawn epoch by epoch from a pool, a JSONL log of
// every step's stats, checkpoints every `saveEvery` steps, resumption from the last checkpoint,
// and the trained policy with its value head in `final/` once every step is done. An abort signal
// stops it between steps, checkpointed, to be resumed by the same call.

import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type Logger,
  type ProgressCallback,
  ResourceError,
  type RewardModel,
  silentLogger,
  ValidationError,
  writeError,
  writeFileAtomic,
} from '@va/core';
import type { CausalLM, LoraOptions } from '@va/lm';
import { readCheckpointState, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import { PPOConfig } from './config.js';
import type { PenaltyFunction, ScoreTransformFunction } from './penalty.js';
import { promptIndices } from './prompt-order.js';
import { type PPOStepStats, PPOTrainer, type Prompt } from './trainer.js';

export { promptIndices } from './prompt-order.js';

/** Options of {@link trainPolicy}. */
export interface TrainPolicyOptions {
  /**
   * Loads the initial policy (called once for a fresh run, and again on resume: for the reference
   * of a full-model run whose source folder is unknown, and as the base of a LoRA run).
   */
  readonly loadPolicy: () => Promise<CausalLM>;
  readonly reward: RewardModel;
  /** The prompt pool; each step takes `batchSize` of them, in a seeded order per pass. */
  readonly prompts: readonly Prompt[];
  readonly config?: Partial<PPOConfig>;
  /** The run's folder: `log.jsonl`, `checkpoints/`, `final/`, `config.json`. */
  readonly outDir: string;
  /** Attach a LoRA adapter to a fresh policy and train only it. */
  readonly lora?: LoraOptions;
  readonly penalty?: PenaltyFunction;
  readonly transform?: ScoreTransformFunction;
  readonly logger?: Logger;
  readonly onProgress?: ProgressCallback;
  /** Called after every step (after its checkpoint, when one was due). */
  readonly onStep?: (step: number, stats: PPOStepStats) => void;
  /**
   * Stops the run once the step under way is done (its log line and a checkpoint written): the
   * result says `stopped: true` and the same call resumes it. Aborted before the first step, no
   * step runs and no model is loaded.
   */
  readonly signal?: AbortSignal;
}

/** What {@link trainPolicy} returns. */
export interface TrainPolicyResult {
  /** `outDir/final`: the policy (Hugging Face layout, or `adapter/`) and `value_head.safetensors`. */
  readonly finalDir: string;
  /** Every step's stats, from the log (resumed runs included). */
  readonly history: PPOStepStats[];
  /** Whether the run was already complete (nothing was trained). */
  readonly alreadyDone: boolean;
  /** The step the run started from (0, or the checkpoint it resumed). */
  readonly resumedFrom: number;
  /**
   * Whether `signal` stopped the run before its last step (then `finalDir` does not exist yet and
   * the newest checkpoint holds the last step done).
   */
  readonly stopped: boolean;
}

const CHECKPOINTS = 'checkpoints';
const stepDir = (step: number) => `step-${String(step).padStart(6, '0')}`;

/** The newest complete checkpoint under `outDir/checkpoints`, if any. */
export async function latestCheckpoint(
  outDir: string,
): Promise<{ dir: string; step: number } | undefined> {
  const root = join(outDir, CHECKPOINTS);
  const names = await readdir(root).catch(() => [] as string[]);
  const steps = names
    .map((n) => /^step-(\d{6,})$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  for (const step of steps) {
    const dir = join(root, stepDir(step));
    try {
      await readCheckpointState(dir);
      return { dir, step };
    } catch {
      // An unreadable checkpoint is skipped; an older one may do.
    }
  }
  return undefined;
}

async function readLog(path: string, upTo: number): Promise<PPOStepStats[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const rows: PPOStepStats[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as PPOStepStats;
      if (typeof row.step === 'number' && row.step <= upTo) rows.push(row);
    } catch {
      // A line cut short by a crash mid-append.
    }
  }
  return rows;
}

/** Checks before long work: the folder is writable. */
async function checkWritable(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
    const probe = join(outDir, `.write-test-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (cause) {
    throw new ResourceError(
      `trainPolicy: cannot write to outDir '${outDir}' (${(cause as Error).message}); choose a writable folder`,
      { cause },
    );
  }
}

/**
 * Trains a policy with PPO for `config.steps` steps in `outDir`, resuming from its newest checkpoint
 * when there is one, and returns at once when `final/` is already there. A step that diverges
 * throws (`DivergenceError`); the checkpoints before it stay, `final/` is not written.
 */
export async function trainPolicy(options: TrainPolicyOptions): Promise<TrainPolicyResult> {
  const where = 'trainPolicy';
  const config = PPOConfig.resolve(options.config ?? {});
  const logger = options.logger ?? silentLogger;
  const outDir = resolve(options.outDir);
  if (!Array.isArray(options.prompts) || options.prompts.length === 0) {
    throw new ValidationError(where, 'prompts', 'a non-empty array of prompts', options.prompts);
  }
  const finalDir = join(outDir, 'final');
  const logPath = join(outDir, 'log.jsonl');
  const configPath = join(outDir, 'config.json');
  const recorded = await readFile(configPath, 'utf8').catch(() => undefined);
  const configJson = `${JSON.stringify(config, null, 2)}\n`;
  if (recorded !== undefined && recorded !== configJson) {
    throw new ValidationError(
      where,
      'config',
      `the config this run started with (${configPath})`,
      'a different config',
      'Use a new outDir for a new config, or delete the old run',
    );
  }
  if (await stat(join(finalDir, 'trainer_state.json')).catch(() => undefined)) {
    const history = await readLog(logPath, Number.POSITIVE_INFINITY);
    logger.info(`trainPolicy: ${finalDir} exists; the run is complete`);
    return { finalDir, history, alreadyDone: true, resumedFrom: config.steps, stopped: false };
  }
  await checkWritable(outDir);
  await writeFileAtomic(configPath, configJson);

  // Fresh, or resumed from the newest checkpoint.
  const latest = await latestCheckpoint(outDir);
  if (options.signal?.aborted) {
    const from = latest?.step ?? 0;
    const history = await readLog(logPath, from);
    return { finalDir, history, alreadyDone: false, resumedFrom: from, stopped: true };
  }
  let trainer: PPOTrainer;
  let base: CausalLM | undefined;
  if (latest) {
    const state = await readCheckpointState(latest.dir);
    if (state.policy === 'lora') base = await options.loadPolicy();
    trainer = await restoreCheckpoint(latest.dir, {
      reward: options.reward,
      base,
      penalty: options.penalty,
      transform: options.transform,
      logger,
    });
    logger.info(`trainPolicy: resumed from ${latest.dir} (step ${latest.step})`);
  } else {
    const policy = await options.loadPolicy();
    if (options.lora) policy.addLora(options.lora);
    base = policy;
    trainer = await PPOTrainer.create({
      policy,
      reward: options.reward,
      config: options.config,
      penalty: options.penalty,
      transform: options.transform,
      logger,
    });
  }
  const resumedFrom = trainer.stepCount;
  const history = await readLog(logPath, resumedFrom);
  // Steps logged after the checkpoint are redone: rewrite the log without them.
  await writeFileAtomic(logPath, history.map((h) => `${JSON.stringify(h)}\n`).join(''));

  const started = performance.now();
  try {
    while (trainer.stepCount < config.steps) {
      const step = trainer.stepCount;
      const indices = promptIndices(step, config.batchSize, options.prompts.length, config.seed);
      const stats = await trainer.step(indices.map((i) => options.prompts[i]!));
      const row = { step: step + 1, ...stats };
      history.push(row);
      await appendFile(logPath, `${JSON.stringify(row)}\n`).catch((e) => {
        throw writeError(logPath, e);
      });
      const done = step + 1;
      const due = config.saveEvery > 0 && done % config.saveEvery === 0 && done < config.steps;
      if (due) {
        const dir = join(outDir, CHECKPOINTS, stepDir(done));
        await saveCheckpoint(trainer, dir);
        await pruneCheckpoints(outDir, done);
      }
      options.onStep?.(done, row);
      options.onProgress?.({
        task: 'ppo',
        done,
        total: config.steps,
        unit: 'steps',
        detail: `score ${stats['ppo/mean_scores']!.toFixed(3)}, kl ${stats['objective/kl']!.toFixed(3)}`,
      });
      if (options.signal?.aborted && done < config.steps) {
        if (!due) {
          await saveCheckpoint(trainer, join(outDir, CHECKPOINTS, stepDir(done)));
          await pruneCheckpoints(outDir, done);
        }
        logger.info(
          `trainPolicy: stopped after step ${done} of ${config.steps}; run again to resume`,
        );
        return { finalDir, history, alreadyDone: false, resumedFrom, stopped: true };
      }
    }
    await saveCheckpoint(trainer, finalDir);
    await rm(join(outDir, CHECKPOINTS), { recursive: true, force: true });
    logger.info(
      `trainPolicy: ${config.steps - resumedFrom} steps in ${((performance.now() - started) / 1000).toFixed(1)} s; policy in ${finalDir}`,
    );
    return { finalDir, history, alreadyDone: false, resumedFrom, stopped: false };
  } finally {
    const policy = trainer.policy;
    trainer.dispose();
    policy.dispose();
    if (base && base !== policy) base.dispose();
  }
}

/** Keeps only the checkpoint of `keep` (older ones are superseded). */
async function pruneCheckpoints(outDir: string, keep: number): Promise<void> {
  const root = join(outDir, CHECKPOINTS);
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (name !== stepDir(keep)) await rm(join(root, name), { recursive: true, force: true });
  }
}
