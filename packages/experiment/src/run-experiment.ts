// Runs every job of a run in worker processes (one per core by default), resuming where an earlier
// run stopped: a finished job is never redone, an interrupted one starts again (a PPO run from its
// last checkpoint), a worker that dies has its job retried by a fresh worker, a job that keeps
// failing is reported with its error. Then the report.

import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  checkInputFile,
  checkOutputDir,
  formatDuration,
  type Logger,
  silentLogger,
  VaError,
} from '@va/core';
import { ExperimentConfig, type ResolvedExperimentConfig } from './config.js';
import { runJob } from './jobs.js';
import { type Job, jobsOf, RunDir } from './run-dir.js';
import { loadTrueReward, readTaskPrompts } from './task.js';
import type { ParentMessage, WorkerMessage } from './worker-protocol.js';

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  /** The run folder (created, or resumed when it holds the same config). */
  readonly dir: string;
  readonly config?: Partial<ExperimentConfig>;
  readonly logger?: Logger;
  /** A line of progress (seeds done per method, running jobs' steps, time left), often. */
  readonly onStatus?: (status: RunStatus) => void;
  /** Run the jobs in this process, one after another (no workers). */
  readonly inProcess?: boolean;
  /** Attempts per job before it is reported as failed (default 3). */
  readonly maxAttempts?: number;
  /** Tests: worker processes get this job message field (stop a training job early). */
  readonly stopAfter?: number;
}

/** Where a run stands. */
export interface RunStatus {
  readonly total: number;
  readonly done: number;
  /** Done / total per variant and method (`ensemble/vanilla: 3/4`), and reference runs. */
  readonly byGroup: Readonly<Record<string, { done: number; total: number }>>;
  /** Jobs running now and their progress. */
  readonly running: readonly {
    id: string;
    /** Queued runs: the worker running it (`host:pid`). */
    worker?: string;
    pid?: number;
    done?: number;
    total?: number;
    unit?: string;
    detail?: string;
  }[];
  readonly failed: readonly { id: string; error: string; attempts: number }[];
  /** Seconds left, from the mean time of the jobs this run finished. */
  readonly eta?: number;
  /** Queued runs: the workers connected to the queue (`host:pid`), busy or idle. */
  readonly workers?: readonly string[];
}

/** What {@link runExperiment} returns. */
export interface RunExperimentResult {
  readonly run: RunDir;
  readonly config: ResolvedExperimentConfig;
  /** Jobs that were already done when it started (nothing was redone for them). */
  readonly skipped: number;
  /** Jobs it ran. */
  readonly ran: number;
  readonly failed: readonly { id: string; error: string; attempts: number }[];
  readonly seconds: number;
}

/** A run whose jobs failed after their retries; the finished jobs stay, a rerun resumes. */
export class RunFailedError extends VaError {}

function groupOf(job: Job): string {
  if (job.kind === 'prepare-ensemble') return 'ensemble reward model';
  if (job.kind === 'reference') return `${job.variant.name}/reference`;
  return `${job.variant.name}/${job.method}`;
}

function groupCounter(
  byGroup: Record<string, { done: number; total: number }>,
  group: string,
): { done: number; total: number } {
  const existing = byGroup[group];
  if (existing) return existing;
  const fresh = { done: 0, total: 0 };
  byGroup[group] = fresh;
  return fresh;
}

/** Which jobs of a run are done (`va experiment status`). */
export async function runStatus(run: RunDir, config: ResolvedExperimentConfig): Promise<RunStatus> {
  const jobs = jobsOf(config);
  const byGroup: Record<string, { done: number; total: number }> = {};
  let done = 0;
  for (const job of jobs) {
    const g = groupCounter(byGroup, groupOf(job));
    g.total += 1;
    if (await run.isDone(job)) {
      g.done += 1;
      done += 1;
    }
  }
  return { total: jobs.length, done, byGroup, running: [], failed: [] };
}

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

/** The worker script beside this module (TypeScript under tests, JavaScript when built). */
export function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts')
    ? { file: join(here, '..', 'worker.ts'), execArgv: ['--import', 'tsx'] }
    : { file: join(here, '..', 'worker.js'), execArgv: [] };
}

/**
 * Runs (or resumes) the experiment in `dir`: every job not yet done, in worker processes, then
 * returns. Writing the report is the caller's next step (`writeReport`).
 */
export async function runExperiment(options: RunExperimentOptions): Promise<RunExperimentResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const run = new RunDir(options.dir);
  const config = ExperimentConfig.resolve(options.config ?? {});
  await preflight(run, config);
  const state = await run.init(config);
  const jobs = jobsOf(config);
  const done = new Set<string>();
  for (const job of jobs) if (await run.isDone(job)) done.add(job.id);
  const skipped = done.size;
  logger.info(
    `va experiment: ${state === 'resumed' ? 'resuming' : 'starting'} ${run.root}: ${jobs.length} jobs, ${skipped} already done`,
  );
  const pending = jobs.filter((j) => !done.has(j.id));
  const attempts = new Map<string, number>();
  const failed: { id: string; error: string; attempts: number }[] = [];
  /** Seconds each finished job took, by kind (a reference run takes seconds, a policy minutes). */
  const durations = new Map<Job['kind'], number[]>();
  const kindOf = new Map(jobs.map((j) => [j.id, j.kind]));
  const running = new Map<
    string,
    {
      id: string;
      pid?: number;
      done?: number;
      total?: number;
      unit?: string;
      detail?: string;
      start: number;
    }
  >();
  const maxAttempts = options.maxAttempts ?? 3;
  const isFailed = (id: string) => failed.some((f) => f.id === id);

  const status = (): RunStatus => {
    const byGroup: Record<string, { done: number; total: number }> = {};
    for (const job of jobs) {
      const g = groupCounter(byGroup, groupOf(job));
      g.total += 1;
      if (done.has(job.id)) g.done += 1;
    }
    return {
      total: jobs.length,
      done: done.size,
      byGroup,
      running: [...running.values()].map(({ start: _s, ...r }) => r),
      failed: [...failed],
      eta: timeLeft(),
    };
  };
  /**
   * Seconds left: each job's expected time (the mean of finished jobs of its kind, else a running
   * job's pace extrapolated over its steps), the running ones less what they have done, spread
   * over the workers.
   */
  const timeLeft = (): number | undefined => {
    const now = performance.now();
    const expected = (kind: Job['kind']): number | undefined => {
      const d = durations.get(kind);
      if (d?.length) return d.reduce((a, b) => a + b, 0) / d.length;
      const paced = [...running.values()].filter(
        (r) => kindOf.get(r.id) === kind && r.done && r.total,
      );
      if (!paced.length) return undefined;
      return (
        paced.reduce((a, r) => a + ((now - r.start) / 1000) * (r.total! / r.done!), 0) /
        paced.length
      );
    };
    let total = 0;
    for (const job of pending) {
      const e = expected(job.kind);
      if (e === undefined) return undefined;
      total += e;
    }
    for (const r of running.values()) {
      const e = expected(kindOf.get(r.id)!);
      if (e === undefined) return undefined;
      total += Math.max(0, e - (now - r.start) / 1000);
    }
    return total / Math.max(1, workerCount);
  };
  let workerCount = 1;
  const report = () => options.onStatus?.(status());

  /** The next job whose dependencies are done (a job whose dependency failed is failed too). */
  const next = (): Job | undefined => {
    for (let i = 0; i < pending.length; i++) {
      const job = pending[i]!;
      const needs = job.needs;
      const blocked = needs.find(isFailed);
      if (blocked) {
        pending.splice(i, 1);
        failed.push({ id: job.id, error: `needs ${blocked}, which failed`, attempts: 0 });
        i--;
        continue;
      }
      if (needs.every((n) => done.has(n))) {
        pending.splice(i, 1);
        return job;
      }
    }
    return undefined;
  };

  const finish = (job: Job, error?: string) => {
    const r = running.get(job.id);
    running.delete(job.id);
    if (!error) {
      done.add(job.id);
      if (r) {
        const list = durations.get(job.kind) ?? [];
        list.push((performance.now() - r.start) / 1000);
        durations.set(job.kind, list);
      }
      return;
    }
    const n = (attempts.get(job.id) ?? 0) + 1;
    attempts.set(job.id, n);
    if (n < maxAttempts) {
      logger.warn(`${job.id}: attempt ${n} failed (${error}); trying again`);
      pending.unshift(job);
    } else {
      logger.warn(`${job.id}: failed after ${n} attempts: ${error}`);
      failed.push({ id: job.id, error, attempts: n });
    }
  };

  if (options.inProcess) {
    const { selectBackend } = await import('@va/lm');
    await selectBackend({ logger });
    for (let job = next(); job; job = next()) {
      running.set(job.id, { id: job.id, start: performance.now() });
      report();
      try {
        await runJob(run, config, job, {
          logger,
          onProgress: (p) => {
            Object.assign(running.get(job!.id) ?? {}, {
              done: p.done,
              total: p.total,
              unit: p.unit,
              detail: p.detail,
            });
            report();
          },
        });
        finish(job);
      } catch (error) {
        finish(job, (error as Error).message);
      }
      report();
    }
  } else {
    const cores = availableParallelism();
    const workers = Math.max(1, Math.min(config.workers ?? cores, pending.length || 1));
    // Each worker's wasm backend gets its share of the cores for its threaded matrix products.
    const threadsPerWorker = Math.max(1, Math.floor(cores / workers));
    workerCount = workers;
    mkdirSync(run.logsDir, { recursive: true });
    await new Promise<void>((resolveAll) => {
      const entry = workerEntry();
      const idle: { child: ChildProcess; assign: (job: Job) => void }[] = [];
      let alive = 0;
      /** Hands ready jobs to idle workers; lets them go once nothing is left to wait for. */
      const dispatch = () => {
        while (idle.length > 0) {
          const job = next();
          if (!job) break;
          idle.shift()!.assign(job);
        }
        if (pending.length === 0 && running.size === 0) {
          for (const w of idle.splice(0)) w.child.disconnect();
        }
      };
      const startWorker = (slot: number) => {
        const log = createWriteStream(join(run.logsDir, `worker-${slot}.log`), { flags: 'a' });
        const child: ChildProcess = fork(entry.file, [], {
          execArgv: entry.execArgv,
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
          env: { ...process.env, VA_WORKER_THREADS: String(threadsPerWorker) },
        });
        child.stdout?.pipe(log);
        child.stderr?.pipe(log);
        alive += 1;
        let current: Job | undefined;
        const worker = {
          child,
          assign: (job: Job) => {
            current = job;
            running.set(job.id, { id: job.id, pid: child.pid, start: performance.now() });
            const message: ParentMessage = {
              type: 'job',
              runDir: run.root,
              jobId: job.id,
              ...(options.stopAfter !== undefined ? { stopAfter: options.stopAfter } : {}),
            };
            child.send(message);
            report();
          },
        };
        child.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') {
            idle.push(worker);
            dispatch();
          } else if (m.type === 'progress') {
            const r = running.get(m.jobId);
            if (r)
              Object.assign(r, { done: m.done, total: m.total, unit: m.unit, detail: m.detail });
            report();
          } else if (m.type === 'done' || m.type === 'failed') {
            const job = current!;
            current = undefined;
            if (m.type === 'failed' && m.stack) log.write(`${m.stack}\n`);
            finish(job, m.type === 'failed' ? m.message : undefined);
            report();
            idle.push(worker);
            dispatch();
          }
        });
        child.on('exit', (code, signal) => {
          alive -= 1;
          log.end();
          const at = idle.indexOf(worker);
          if (at >= 0) idle.splice(at, 1);
          if (current) {
            // The worker died mid-job (killed, out of memory): its job goes back to the queue, a
            // fresh worker takes its place.
            const job = current;
            current = undefined;
            finish(
              job,
              `worker ${child.pid} exited (${signal ?? `code ${code}`}) while running it`,
            );
            report();
            startWorker(slot);
            return;
          }
          dispatch();
          if (alive === 0) resolveAll();
        });
      };
      for (let slot = 0; slot < workers; slot++) startWorker(slot);
    });
  }
  report();
  const seconds = (performance.now() - started) / 1000;
  logger.info(
    `va experiment: ${done.size - skipped} jobs in ${formatDuration(seconds)}; ${done.size}/${jobs.length} done${failed.length ? `, ${failed.length} failed` : ''}`,
  );
  return { run, config, skipped, ran: done.size - skipped, failed, seconds };
}
