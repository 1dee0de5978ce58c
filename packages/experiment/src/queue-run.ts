// A run on a queue from the side that starts it: checked as a local run is, its jobs put on the
// queue (enqueueReady), then the wait for the workers with their progress, until every job is done
// or failed; and the run folder's record of where its jobs went (queue.json).

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { silentLogger, writeJsonAtomic } from '@va/core';
import { resolveSourceOptions } from '@va/lm';
import { ExperimentConfig } from './config.js';
import {
  type Enqueued,
  enqueueReady,
  openRunQueue,
  type QueueRunRef,
  type QueueRunStatus,
  queueRunStatus,
} from './queue.js';
import type { QueueTarget } from './queue-connection.js';
import { checkConfigPaths, runPathIn } from './queue-paths.js';
import { configHash, jobsOf, RunDir } from './run-dir.js';
import {
  preflight,
  type RunExperimentOptions,
  type RunExperimentResult,
} from './run-experiment.js';
import type { FailedJob } from './run-status.js';

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
    let done = await run.doneJobs(jobs);
    const skipped = done.size;
    logger.info(
      `va experiment: ${state === 'resumed' ? 'resuming' : 'starting'} ${run.root} on the queue '${target.name}' at ${target.shown}: ` +
        `${jobs.length} jobs, ${skipped} done, ${queued.added} added, ${queued.retried} retried, ${queued.queued} already queued`,
    );
    const result = (failed: readonly FailedJob[], doneNow: number): RunOnQueueResult => ({
      run,
      config,
      skipped,
      ran: doneNow - skipped,
      failed,
      seconds: (performance.now() - started) / 1000,
      queued,
    });
    if (options.detach) return result([], skipped);

    const lostAfter = (options.lostAfterSeconds ?? 60) * 1000;
    const seen = new Map<string, number>();
    let lastEnqueue = Date.now();
    for (;;) {
      // Each poll looks only at the jobs not done at the last one.
      done = await run.doneJobs(jobs, done);
      const s = await queueRunStatus(q, run, config, ref, { done });
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
          `va experiment: ${s.done - skipped} jobs in ${Math.round((performance.now() - started) / 1000)} s; ${s.done}/${s.total} done${failed.length ? `, ${failed.length} failed` : ''}`,
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
