// Runs every job of a run in job processes (one per core by default), resuming where an earlier
// run stopped: a finished job is never redone, an interrupted one starts again (a PPO run from its
// last checkpoint), a process that dies has its job retried in a fresh one, a job that keeps
// failing is reported with its error. The order is schedule.ts's, the processes job-pool.ts's.

import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import {
  ConfigError,
  checkInputFile,
  checkOutputDir,
  formatDuration,
  type Logger,
  lockFolder,
  silentLogger,
  VaError,
  writeError,
} from '@va/core';
import { selectBackend } from '@va/lm';
import { ExperimentConfig, type ResolvedExperimentConfig } from './config.js';
import { JobPool } from './job-pool.js';
import { runJob } from './jobs.js';
import { type Job, jobsOf, RunDir } from './run-dir.js';
import { countDone, type FailedJob, type RunningJob, type RunStatus } from './run-status.js';
import { JobSchedule, runScheduled } from './schedule.js';
import { loadTrueReward, readTaskPrompts } from './task.js';
import { timeLeft } from './time-left.js';

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  /** The run folder (created, or resumed when it holds the same config). */
  readonly dir: string;
  readonly config?: Partial<ExperimentConfig>;
  readonly logger?: Logger;
  /** A line of progress (seeds done per method, running jobs' steps, time left), often. */
  readonly onStatus?: (status: RunStatus) => void;
  /** Run the jobs in this process, one after another (no job processes). */
  readonly inProcess?: boolean;
  /** Attempts per job before it is reported as failed (default 3). */
  readonly maxAttempts?: number;
  /**
   * Stops the run: no job starts after it, the running ones stop (their processes at once; in this
   * process, a training job after its current step) and runExperiment rejects with the signal's
   * reason. The folder stays as a killed run leaves it: the same call resumes it.
   */
  readonly signal?: AbortSignal;
}

/** What {@link runExperiment} returns. */
export interface RunExperimentResult {
  readonly run: RunDir;
  readonly config: ResolvedExperimentConfig;
  /** Jobs that were already done when it started (nothing was redone for them). */
  readonly skipped: number;
  /** Jobs it ran. */
  readonly ran: number;
  readonly failed: readonly FailedJob[];
  readonly seconds: number;
}

/** A run whose jobs failed after their retries; the finished jobs stay, a rerun resumes. */
export class RunFailedError extends VaError {}

/**
 * Checks, before any work, what the jobs will need: the run folder can be written, the prompts
 * read (with enough evaluation prompts), the true reward loaded, the files named exist.
 */
export async function preflight(run: RunDir, c: ResolvedExperimentConfig): Promise<void> {
  await checkOutputDir(run.root, { label: 'the run folder' });
  if (c.prompts) await checkInputFile(c.prompts, { label: 'prompts' });
  const prompts = await readTaskPrompts(c.prompts);
  if (prompts.eval.length < c.evalPrompts) {
    throw new ConfigError(
      'ExperimentConfig',
      'evalPrompts',
      `must be at most ${prompts.eval.length}, the evaluation prompts of ${c.prompts ?? 'the embedded task'} (got ${c.evalPrompts})`,
    );
  }
  await loadTrueReward(c.trueReward);
  if (c.settings.includes('ensemble') && c.ensemble.data) {
    await checkInputFile(c.ensemble.data, { label: 'ensemble.data' });
  }
  if (c.policy !== 'default' && (isAbsolute(c.policy) || c.policy.startsWith('.'))) {
    await checkInputFile(join(c.policy, 'config.json'), { label: 'policy' });
  }
}

/** The jobs running now, and the time each finished one took: the status line of a local run. */
class RunProgress {
  readonly #running = new Map<
    string,
    { -readonly [K in keyof RunningJob]: RunningJob[K] } & { kind: Job['kind']; start: number }
  >();
  readonly #finished = new Map<Job['kind'], number[]>();

  constructor(
    readonly jobs: readonly Job[],
    readonly schedule: JobSchedule,
    readonly workers: number,
  ) {}

  /** The job started (again, once `pid` took it: the time to start a process is not the job's). */
  start(job: Job, pid?: number): void {
    this.#running.set(job.id, { id: job.id, kind: job.kind, pid, start: performance.now() });
  }

  update(id: string, p: Progress): void {
    const r = this.#running.get(id);
    if (r) Object.assign(r, { done: p.done, total: p.total, unit: p.unit, detail: p.detail });
  }

  end(job: Job, ok: boolean): void {
    const r = this.#running.get(job.id);
    this.#running.delete(job.id);
    if (!ok || !r) return;
    const list = this.#finished.get(job.kind) ?? [];
    list.push((performance.now() - r.start) / 1000);
    this.#finished.set(job.kind, list);
  }

  status(): RunStatus {
    const now = performance.now();
    const running = [...this.#running.values()];
    return {
      ...countDone(this.jobs, this.schedule.done),
      running: running.map(({ start: _s, kind: _k, ...r }) => r),
      failed: [...this.schedule.failed],
      eta: timeLeft({
        pending: this.schedule.pending.map((j) => j.kind),
        running: running.map((r) => ({ ...r, seconds: (now - r.start) / 1000 })),
        finished: this.#finished,
        workers: this.workers,
      }),
    };
  }
}

type Progress = Pick<RunningJob, 'done' | 'total' | 'unit' | 'detail'>;

/**
 * One attempt at a job, tracked in `progress`: in a process of `pool` (its output in the slot's
 * log, `logs/worker-<slot>.log`), or without a pool in this process.
 */
function attemptOf(a: {
  readonly run: RunDir;
  readonly config: ResolvedExperimentConfig;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly pool?: JobPool;
  readonly logs: WriteStream[];
  readonly progress: RunProgress;
  readonly report: () => void;
}): (job: Job, slot: number) => Promise<void> {
  const { run, progress, report } = a;
  const logOf = (slot: number) => {
    if (!a.logs[slot]) {
      mkdirSync(run.logsDir, { recursive: true });
      const path = join(run.logsDir, `worker-${slot}.log`);
      const log = createWriteStream(path, { flags: 'a' });
      // A full disk fails the jobs' own writes, which say so; the log only goes quiet.
      let warned = false;
      log.on('error', (e) => {
        if (!warned) a.logger.warn(`va experiment: ${(writeError(path, e) as Error).message}`);
        warned = true;
      });
      a.logs[slot] = log;
    }
    return a.logs[slot];
  };
  return async (job, slot) => {
    progress.start(job);
    report();
    const onProgress = (p: Progress) => {
      progress.update(job.id, p);
      report();
    };
    try {
      if (a.pool) {
        const onStart = (pid: number) => {
          progress.start(job, pid);
          report();
        };
        const message = { type: 'job', runDir: run.root, jobId: job.id } as const;
        await a.pool.run(message, { log: logOf(slot), signal: a.signal, onStart, onProgress });
      } else {
        await runJob(run, a.config, job, { logger: a.logger, signal: a.signal, onProgress });
      }
      progress.end(job, true);
    } catch (error) {
      progress.end(job, false);
      throw error;
    }
  };
}

/**
 * Runs (or resumes) the experiment in `dir`: every job not yet done, in job processes, then
 * returns. Writing the report is the caller's next step (`writeReport`).
 */
export async function runExperiment(options: RunExperimentOptions): Promise<RunExperimentResult> {
  options.signal?.throwIfAborted();
  const started = performance.now();
  const run = new RunDir(options.dir);
  const config = ExperimentConfig.resolve(options.config ?? {});
  await preflight(run, config);
  // One run per folder: a second one is refused at once, naming this one.
  const lock = await lockFolder(run.root, {
    command: 'va experiment run',
    label: 'the run folder',
    hint: `'va experiment status --dir ${run.root}' and 'va experiment report' work beside it`,
  });
  try {
    return await runLocked(run, config, options, started);
  } finally {
    await lock.release();
  }
}

async function runLocked(
  run: RunDir,
  config: ResolvedExperimentConfig,
  options: RunExperimentOptions,
  started: number,
): Promise<RunExperimentResult> {
  const { signal } = options;
  const logger = options.logger ?? silentLogger;
  const state = await run.init(config);
  const jobs = jobsOf(config);
  const schedule = new JobSchedule(jobs, await run.doneJobs(jobs), {
    maxAttempts: options.maxAttempts,
    logger,
  });
  const skipped = schedule.done.size;
  logger.info(
    `va experiment: ${state === 'resumed' ? 'resuming' : 'starting'} ${run.root}: ${jobs.length} jobs, ${skipped} already done`,
  );
  const slots = options.inProcess
    ? 1
    : Math.max(1, Math.min(config.workers ?? availableParallelism(), schedule.pending.length || 1));
  const progress = new RunProgress(jobs, schedule, slots);
  const report = () => options.onStatus?.(progress.status());
  const pool = options.inProcess ? undefined : new JobPool({ size: slots });
  const logs: WriteStream[] = [];
  const attempt = attemptOf({ run, config, logger, signal, pool, logs, progress, report });
  try {
    if (!pool) await selectBackend({ logger });
    await runScheduled(schedule, { slots, execute: attempt, signal, onFinish: report });
  } finally {
    await pool?.close({ force: signal?.aborted });
    for (const log of logs) log?.end();
  }
  report();
  signal?.throwIfAborted();
  const ran = schedule.done.size - skipped;
  const { failed } = schedule;
  const seconds = (performance.now() - started) / 1000;
  logger.info(
    `va experiment: ${ran} jobs in ${formatDuration(seconds)}; ${schedule.done.size}/${jobs.length} done${failed.length ? `, ${failed.length} failed` : ''}`,
  );
  return { run, config, skipped, ran, failed, seconds };
}
