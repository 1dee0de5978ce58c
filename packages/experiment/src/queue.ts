// Runs on several machines: a run's jobs on a BullMQ queue in Redis, taken by `va worker`s anywhere
// that reach the same store. Jobs carry ids and the config's fingerprint, never paths outside the
// store nor secrets. Job ids are deterministic, so enqueueing a run twice adds nothing; a job whose
// `needs` are not done waits in a BullMQ flow (a `release` parent over the job it needs) and is
// added when that job completes. A job is done exactly when its result file exists, as locally.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { silentLogger, writeJsonAtomic } from '@va/core';
import { resolveSourceOptions } from '@va/lm';
import { FlowProducer, type JobsOptions, Queue, type Job as QueuedJob } from 'bullmq';
import { ExperimentConfig, type ResolvedExperimentConfig } from './config.js';
import { connected, type QueueTarget } from './queue-connection.js';
import { checkConfigPaths, runPathIn } from './queue-paths.js';
import { configHash, jobsOf, RunDir } from './run-dir.js';
import {
  preflight,
  type RunExperimentOptions,
  type RunExperimentResult,
  type RunStatus,
  runStatus,
} from './run-experiment.js';

/** What a queued job carries: where its run is (relative to the store) and which config it is. */
export interface QueueJobData {
  readonly format: 1;
  /** `job`: run the va job `job`; `release`: `job` completed, add the jobs that needed it. */
  readonly kind: 'job' | 'release';
  /** The run folder, relative to the store. */
  readonly run: string;
  /** sha256 of the run's config.json when the job was queued; a worker refuses any other. */
  readonly configHash: string;
  readonly job: string;
}

/** What a worker publishes as a job's progress (BullMQ job progress and its `progress` event). */
export interface QueueProgress {
  /** `host:pid` of the `va worker`. */
  readonly worker: string;
  /** The process running the job. */
  readonly pid?: number;
  readonly done: number;
  readonly total?: number;
  readonly unit?: string;
  readonly detail?: string;
}

/** A run's place on a queue. */
export interface QueueRunRef {
  readonly run: string;
  readonly configHash: string;
}

/** Attempts per job before it is reported as failed. */
export const QUEUE_ATTEMPTS = 3;

/** The prefix of a run's job ids: the run folder and its config, hashed. */
export function runKeyOf(ref: QueueRunRef): string {
  return createHash('sha256').update(`${ref.run}\n${ref.configHash}`).digest('hex').slice(0, 16);
}

/** The BullMQ id of va job `id` of a run. */
export const queuedJobId = (ref: QueueRunRef, id: string) => `${runKeyOf(ref)}/${id}`;
const releaseId = (ref: QueueRunRef, id: string) => `${runKeyOf(ref)}/release/${id}`;

/** A connected queue and flow producer. */
export interface RunQueue {
  readonly target: QueueTarget;
  readonly queue: Queue<QueueJobData>;
  readonly flows: FlowProducer;
  close(): Promise<void>;
}

/** Connects to the queue `target` names (fails within seconds, password never shown). */
export async function openRunQueue(target: QueueTarget, seconds = 15): Promise<RunQueue> {
  const queue = new Queue<QueueJobData>(target.name, { connection: target.connection });
  const flows = new FlowProducer({ connection: target.connection });
  const close = async () => {
    await Promise.allSettled([queue.close(), flows.close()]);
  };
  const checks = await Promise.allSettled([
    connected(target, queue, seconds),
    connected(target, flows, seconds),
  ]);
  const failed = checks.find((c) => c.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { target, queue, flows, close };
}

function jobOptions(ref: QueueRunRef, id: string, attempts: number): JobsOptions {
  return {
    jobId: queuedJobId(ref, id),
    attempts,
    backoff: { type: 'exponential', delay: 2000 },
  };
}

/** `failed` or `completed` for a job that ended, else `undefined`. */
async function isFinished(job: QueuedJob): Promise<'failed' | 'completed' | undefined> {
  const state = await job.getState();
  return state === 'failed' || state === 'completed' ? state : undefined;
}

/** What {@link enqueueReady} did. */
export interface Enqueued {
  readonly added: number;
  /** Failed jobs put back with fresh attempts. */
  readonly retried: number;
  /** Jobs that were on the queue already (waiting, running, or held until what they need is done). */
  readonly queued: number;
}

/**
 * Puts every job of the run that is not done on the queue: those whose needs are done as plain jobs,
 * each job that others need under a `release` parent that adds them once it completes. Ids are
 * deterministic: what is on the queue already is left alone, except that with `retryFailed` a job
 * that ended without its result (failed, or its result removed since) runs again with its attempts
 * afresh (`va experiment run` a second time retries what failed).
 */
export async function enqueueReady(
  q: RunQueue,
  run: RunDir,
  config: ResolvedExperimentConfig,
  ref: QueueRunRef,
  options: { readonly attempts?: number; readonly retryFailed: boolean },
): Promise<Enqueued> {
  const attempts = options.attempts ?? QUEUE_ATTEMPTS;
  const jobs = jobsOf(config);
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const done = new Set<string>();
  for (const job of jobs) if (await run.isDone(job)) done.add(job.id);
  const pending = jobs.filter((j) => !done.has(j.id));
  const needed = new Set(pending.flatMap((j) => j.needs.filter((n) => !done.has(n))));
  let added = 0;
  let retried = 0;
  let queued = 0;
  const data = (kind: QueueJobData['kind'], job: string): QueueJobData => ({
    format: 1,
    kind,
    run: ref.run,
    configHash: ref.configHash,
    job,
  });

  for (const job of pending) {
    if (needed.has(job.id) || job.needs.some((n) => !done.has(n))) continue;
    const existing = await q.queue.getJob(queuedJobId(ref, job.id));
    const ended = existing && options.retryFailed ? await isFinished(existing) : undefined;
    if (!existing) {
      await q.queue.add(job.kind, data('job', job.id), jobOptions(ref, job.id, attempts));
      added += 1;
    } else if (ended) {
      // Failed, or completed while its result is missing (removed to redo it, or written to a
      // store this folder is not): it runs again, with its attempts afresh.
      await existing.retry(ended, { resetAttemptsMade: true, resetAttemptsStarted: true });
      retried += 1;
    } else {
      queued += 1;
    }
  }

  for (const id of needed) {
    const need = byId.get(id)!;
    if (need.needs.length > 0) {
      throw new Error(`enqueueReady: ${id} is needed and needs ${need.needs.join(', ')} itself`);
    }
    const release = await q.queue.getJob(releaseId(ref, id));
    if (release) {
      const state = await release.getState();
      // Completed or failed while what it releases is not done: its job failed (or its result was
      // removed since); the flow starts over.
      if (state !== 'failed' && state !== 'completed') {
        queued += 1;
        continue;
      }
      if (!options.retryFailed) continue;
      await release.remove({ removeChildren: true });
      retried += 1;
    } else {
      added += 1;
    }
    await q.flows.add({
      name: 'release',
      queueName: q.target.name,
      data: data('release', id),
      opts: { jobId: releaseId(ref, id), attempts },
      children: [
        {
          name: need.kind,
          queueName: q.target.name,
          data: data('job', id),
          opts: { ...jobOptions(ref, id, attempts), failParentOnFailure: true },
        },
      ],
    });
  }
  return { added, retried, queued };
}

/** Where a queued run stands: what is done (files), running and failed (queue), and who works. */
export interface QueueRunStatus extends RunStatus {
  /** Jobs on the queue waiting for a worker, or for a job they need. */
  readonly waiting: number;
  /** Jobs that are not on the queue although everything they need is done. */
  readonly unqueued: readonly string[];
  /** Jobs the queue says completed but whose result is not in the run folder. */
  readonly completedElsewhere: readonly { id: string; worker?: string }[];
}

/** The status of a queued run: files for what is done, the queue for the rest. */
export async function queueRunStatus(
  q: RunQueue,
  run: RunDir,
  config: ResolvedExperimentConfig,
  ref: QueueRunRef,
): Promise<QueueRunStatus> {
  const base = await runStatus(run, config);
  const jobs = jobsOf(config);
  const done = new Set<string>();
  for (const job of jobs) if (await run.isDone(job)) done.add(job.id);
  const open = jobs.filter((j) => !done.has(j.id));
  const states = new Map(
    await Promise.all(
      open.map(async (j) => [j.id, await q.queue.getJobState(queuedJobId(ref, j.id))] as const),
    ),
  );
  const running: RunStatus['running'][number][] = [];
  const failed: RunStatus['failed'][number][] = [];
  const unqueued: string[] = [];
  const completedElsewhere: { id: string; worker?: string }[] = [];
  let waiting = 0;
  for (const job of open) {
    const state = states.get(job.id);
    if (state === 'active' || state === 'failed' || state === 'completed') {
      const queued = await q.queue.getJob(queuedJobId(ref, job.id));
      if (!queued) {
        waiting += 1;
      } else if (state === 'active') {
        const p = (
          typeof queued.progress === 'object' ? queued.progress : {}
        ) as Partial<QueueProgress>;
        running.push({
          id: job.id,
          worker: p.worker ?? queued.processedBy,
          pid: p.pid,
          done: p.done,
          total: p.total,
          unit: p.unit,
          detail: p.detail,
        });
      } else if (state === 'failed') {
        failed.push({
          id: job.id,
          error: q.target.redact(queued.failedReason ?? 'failed'),
          attempts: queued.attemptsMade,
        });
      } else {
        completedElsewhere.push({ id: job.id, worker: queued.processedBy });
      }
    } else if (state === 'unknown' || state === undefined) {
      const blocked = job.needs.find((n) => states.get(n) === 'failed');
      if (blocked)
        failed.push({ id: job.id, error: `needs ${blocked}, which failed`, attempts: 0 });
      else if (job.needs.every((n) => done.has(n))) unqueued.push(job.id);
      else waiting += 1;
    } else {
      waiting += 1;
    }
  }
  return {
    ...base,
    running,
    failed,
    workers: await workersOn(q),
    waiting,
    unqueued,
    completedElsewhere,
  };
}

/** `host:pid` of every worker connected to the queue (none where the server hides CLIENT LIST). */
async function workersOn(q: RunQueue): Promise<string[]> {
  try {
    const clients = (await q.queue.getWorkers()) as { rawname?: string }[];
    const names = clients.map((c) => c.rawname?.split(':w:')[1]).filter((n): n is string => !!n);
    return [...new Set(names)].sort();
  } catch {
    return [];
  }
}

/** Options of {@link runOnQueue}: those of a local run (`dir` inside the store), and the queue. */
export interface RunOnQueueOptions
  extends Pick<RunExperimentOptions, 'dir' | 'config' | 'logger' | 'maxAttempts'> {
  /** The folder every worker reaches that holds the run folder (default: the working directory). */
  readonly store?: string;
  readonly queue: QueueTarget;
  readonly onStatus?: (status: QueueRunStatus) => void;
  /** Return once the jobs are on the queue (the workers go on). */
  readonly detach?: boolean;
  /** How long a job may show as completed without its result appearing (default 60 s). */
  readonly lostAfterSeconds?: number;
}

/** What {@link runOnQueue} returns. */
export interface RunOnQueueResult extends RunExperimentResult {
  readonly queued: Enqueued;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs (or resumes) the experiment in `dir` on a queue: checks it as a local run would, puts its
 * jobs on the queue, and (unless `detach`) waits for the workers, reporting their progress, until
 * every job is done or failed after its attempts.
 */
export async function runOnQueue(options: RunOnQueueOptions): Promise<RunOnQueueResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const target = options.queue;
  const run = new RunDir(options.dir);
  const store = resolve(options.store ?? process.cwd());
  const config = ExperimentConfig.resolve(options.config ?? {});
  const ref: QueueRunRef = { run: runPathIn(store, run.root), configHash: configHash(config) };
  await preflight(run, config);
  await checkConfigPaths(
    config,
    { store, modelCache: resolveSourceOptions().cacheDir },
    { cwd: process.cwd() },
  );
  // Connected before the run folder is made: an unreachable queue leaves nothing behind.
  const q = await openRunQueue(target);
  try {
    const state = await run.init(config);
    const jobs = jobsOf(config);
    // Where `va experiment status` finds the queue (no password: that stays in the environment).
    const record: QueueRecord = { queue: target.shown, name: target.name, run: ref.run };
    await writeJsonAtomic(join(run.root, 'queue.json'), record);
    const queued = await enqueueReady(q, run, config, ref, {
      attempts: options.maxAttempts,
      retryFailed: true,
    });
    const first = await runStatus(run, config);
    logger.info(
      `va experiment: ${state === 'resumed' ? 'resuming' : 'starting'} ${run.root} on the queue '${target.name}' at ${target.shown}: ` +
        `${jobs.length} jobs, ${first.done} done, ${queued.added} added, ${queued.retried} retried, ${queued.queued} already queued`,
    );
    const result = (failed: RunStatus['failed'], done: number): RunOnQueueResult => ({
      run,
      config,
      skipped: first.done,
      ran: done - first.done,
      failed,
      seconds: (performance.now() - started) / 1000,
      queued,
    });
    if (options.detach) return result([], first.done);

    const lostAfter = (options.lostAfterSeconds ?? 60) * 1000;
    const seen = new Map<string, number>();
    let lastEnqueue = Date.now();
    for (;;) {
      const s = await queueRunStatus(q, run, config, ref);
      const now = Date.now();
      // A release the workers have not run yet, or a queue emptied by hand: put them on again.
      if (s.unqueued.length > 0 && now - lastEnqueue > 5000) {
        lastEnqueue = now;
        await enqueueReady(q, run, config, ref, {
          attempts: options.maxAttempts,
          retryFailed: false,
        });
      }
      const lost = s.completedElsewhere.filter((c) => {
        const since = seen.get(c.id) ?? now;
        seen.set(c.id, since);
        return now - since >= lostAfter;
      });
      const failed = [
        ...s.failed,
        ...lost.map((c) => ({
          id: c.id,
          error:
            `completed on ${c.worker ?? 'a worker'}, but its result is not in ${run.root}: ` +
            "that worker's --store is not the folder this run is in (is the store shared?)",
          attempts: 1,
        })),
      ];
      const status: QueueRunStatus = { ...s, failed };
      options.onStatus?.(status);
      if (s.done + failed.length >= s.total) {
        logger.info(
          `va experiment: ${s.done - first.done} jobs in ${Math.round((performance.now() - started) / 1000)} s; ${s.done}/${s.total} done${failed.length ? `, ${failed.length} failed` : ''}`,
        );
        return result(failed, s.done);
      }
      await sleep(1000);
    }
  } finally {
    await q.close();
  }
}

/** A run folder's `queue.json`: where its jobs were queued (never a password). */
export interface QueueRecord {
  /** The Redis URL without password. */
  readonly queue: string;
  readonly name: string;
  /** The run folder relative to the store, as its jobs name it. */
  readonly run: string;
}

/** Reads `queue.json` of a run folder, if the run was queued. */
export async function queueOfRun(run: RunDir): Promise<QueueRecord | undefined> {
  const text = await readFile(join(run.root, 'queue.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as QueueRecord);
}
