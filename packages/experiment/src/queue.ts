// Runs on several machines: a run's jobs on a BullMQ queue in Redis, taken by `va worker`s anywhere
// that reach the same store. Jobs carry ids and the config's fingerprint, never paths outside the
// store nor secrets. Job ids are deterministic, so enqueueing a run twice adds nothing; a job whose
// `needs` are not done waits in a BullMQ flow (a `release` parent over the job it needs) and is
// added when that job completes. A job is done exactly when its result file exists, as locally.

import { createHash } from 'node:crypto';
import { FlowProducer, type JobsOptions, Queue, type Job as QueuedJob } from 'bullmq';
import type { ResolvedExperimentConfig } from './config.js';
import { connected, type QueueTarget } from './queue-connection.js';
import { jobsOf, type RunDir } from './run-dir.js';
import { countDone, type FailedJob, type RunningJob, type RunStatus } from './run-status.js';

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
  const done = await run.doneJobs(jobs);
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

/**
 * The status of a queued run: files for what is done, the queue for the rest. `done`: the ids of
 * the jobs done as the caller just read them (RunDir.doneJobs), else read here.
 */
export async function queueRunStatus(
  q: RunQueue,
  run: RunDir,
  config: ResolvedExperimentConfig,
  ref: QueueRunRef,
  options: { readonly done?: ReadonlySet<string> } = {},
): Promise<QueueRunStatus> {
  const jobs = jobsOf(config);
  const done = options.done ?? (await run.doneJobs(jobs));
  const open = jobs.filter((j) => !done.has(j.id));
  const states = new Map(
    await Promise.all(
      open.map(async (j) => [j.id, await q.queue.getJobState(queuedJobId(ref, j.id))] as const),
    ),
  );
  const running: RunningJob[] = [];
  const failed: FailedJob[] = [];
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
    ...countDone(jobs, done),
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
