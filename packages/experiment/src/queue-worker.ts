// `va worker`: takes a queued run's jobs from BullMQ and runs each with `runJob` in a job process of
// its own (worker.ts, as local runs do), while this process holds the job's lock, so that long
// synchronous tensor work never lets the lock lapse. A worker killed mid-job leaves its job to
// BullMQ's stalled-job recovery: another worker takes it and resumes from its last checkpoint.
// Before any work a job is checked: its run folder inside the store, the config it was queued with,
// every path the config names inside the store or the model cache; anything else is refused.

import { createWriteStream, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type Logger, silentLogger } from '@va/core';
import { resolveSourceOptions } from '@va/lm';
import { type Job as QueuedJob, UnrecoverableError, Worker } from 'bullmq';
import type { ResolvedExperimentConfig } from './config.js';
import { JobPool } from './job-pool.js';
import {
  enqueueReady,
  openRunQueue,
  type QueueJobData,
  type QueueProgress,
  type RunQueue,
} from './queue.js';
import { connected, type QueueTarget, REDIS_PASSWORD_ENV } from './queue-connection.js';
import { checkConfigPaths, runFolderIn } from './queue-paths.js';
import { type Job, jobsOf, RunDir } from './run-dir.js';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  readonly queue: QueueTarget;
  /** The folder that holds the run folders, the same for every worker (a shared folder). */
  readonly store: string;
  /** Where models are read from (default: the Hugging Face cache, as `@va/lm` finds it). */
  readonly modelCache?: string;
  /** Jobs at a time, each in its own process with its share of the cores (default 1). */
  readonly concurrency?: number;
  /**
   * Seconds a job's lock lasts without renewal, and between checks for stalled jobs (default 30):
   * how soon a killed worker's job is taken up again.
   */
  readonly lockSeconds?: number;
  readonly logger?: Logger;
  /**
   * Runs one checked job instead of a job process with `runJob` (tests of the queue's order and
   * failures, without training anything).
   */
  readonly execute?: (run: RunDir, config: ResolvedExperimentConfig, job: Job) => Promise<void>;
}

/** A running worker. */
export interface QueueWorker {
  /** `host:pid`, as status lines show it. */
  readonly name: string;
  /**
   * Stops taking jobs. Without `force`, waits for the running ones to finish; with it, stops them
   * now (their locks lapse, and another worker resumes them from their checkpoints).
   */
  close(force?: boolean): Promise<void>;
}

/** Starts a worker on the queue; it runs until closed. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const logger = options.logger ?? silentLogger;
  const target = options.queue;
  const store = resolve(options.store);
  const modelCache = resolve(options.modelCache ?? resolveSourceOptions().cacheDir);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const lockMs = Math.round((options.lockSeconds ?? 30) * 1000);
  const name = `${hostname()}:${process.pid}`;
  const q: RunQueue = await openRunQueue(target);
  // Job processes need no Redis: they never see its password.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[REDIS_PASSWORD_ENV];
  const pool = new JobPool({ size: concurrency, env });

  const process_ = async (job: QueuedJob<QueueJobData>): Promise<unknown> => {
    const data = checkJobData(job.data);
    const refused = (why: string) =>
      new UnrecoverableError(target.redact(`refused by ${name}: ${why}`));
    let dir: string;
    try {
      dir = await runFolderIn(store, data.run);
    } catch (error) {
      throw refused((error as Error).message);
    }
    const run = new RunDir(dir);
    // A missing run folder is this worker's problem (its store is not the shared one): the job fails
    // this attempt only, and another worker may take it.
    const { config, hash } = await run.readConfigWithHash().catch((error: Error) => {
      throw new Error(
        target.redact(`${name}: ${error.message} (is --store ${store} the shared store?)`),
      );
    });
    if (hash !== data.configHash) {
      throw refused(
        `the config of ${run.root} changed after this job was queued (config.json is not the one the run was started with); ` +
          `run 'va experiment run --queue ...' again for the new config, or use another --dir`,
      );
    }
    try {
      await checkConfigPaths(config, { store, modelCache });
    } catch (error) {
      throw refused((error as Error).message);
    }
    if (data.kind === 'release') {
      const e = await enqueueReady(q, run, config, data, {
        attempts: job.opts.attempts,
        retryFailed: false,
      });
      return { released: e.added };
    }
    const jobs = jobsOf(config);
    const vaJob = jobs.find((j) => j.id === data.job);
    if (!vaJob) throw refused(`the run in ${run.root} has no job ${JSON.stringify(data.job)}`);
    const done = await run.doneJobs(jobs.filter((j) => j === vaJob || vaJob.needs.includes(j.id)));
    if (done.has(vaJob.id)) return { skipped: true };
    // Never while the run is on the queue as `va experiment run` put it (a release adds the job
    // once what it needs is done); a later attempt finds it done.
    const missing = vaJob.needs.find((n) => !done.has(n));
    if (missing) throw new Error(`needs ${missing}, which is not done yet`);
    if (options.execute) {
      await options.execute(run, config, vaJob);
      return { worker: name };
    }
    mkdirSync(run.logsDir, { recursive: true });
    const log = createWriteStream(join(run.logsDir, `${name.replace(/[^\w.-]/g, '-')}.log`), {
      flags: 'a',
    });
    log.write(`${new Date().toISOString()} ${data.job} (attempt ${job.attemptsMade + 1})\n`);
    let last = 0;
    let lastDone = -1;
    const started = performance.now();
    try {
      await pool.run(
        { type: 'job', runDir: run.root, jobId: vaJob.id, cwd: store, configHash: hash },
        {
          log,
          onProgress: (m, pid) => {
            const now = Date.now();
            // Every new step, and otherwise twice a second at most.
            if (now - last < 500 && m.done === lastDone) return;
            last = now;
            lastDone = m.done;
            const progress: QueueProgress = {
              worker: name,
              pid,
              done: m.done,
              total: m.total,
              unit: m.unit,
              detail: m.detail,
            };
            job.updateProgress(progress as unknown as object).catch(() => {});
          },
        },
      );
    } catch (error) {
      throw new Error(target.redact(`${(error as Error).message} (on ${name}; log: ${log.path})`));
    } finally {
      log.end();
    }
    return { worker: name, seconds: Math.round((performance.now() - started) / 1000) };
  };

  const worker = new Worker<QueueJobData>(target.name, process_, {
    connection: target.connection,
    name,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // A worker killed twice on the same job (out of memory, a node lost): then it is reported.
    maxStalledCount: 2,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (error) => {
    const text = target.redact(error.message);
    if (text !== lastError) logger.warn(`va worker ${name}: ${text}`);
    lastError = text;
  });
  worker.on('active', (job) =>
    logger.info(
      `va worker ${name}: ${job.data.kind === 'release' ? 'releasing jobs after' : 'running'} ${job.data.job} (${job.data.run})`,
    ),
  );
  worker.on('completed', (job) => logger.info(`va worker ${name}: done ${job.data.job}`));
  worker.on('failed', (job, error) =>
    logger.warn(
      `va worker ${name}: ${job?.data.job ?? 'a job'} failed (attempt ${job?.attemptsMade ?? '?'} of ${job?.opts.attempts ?? 1}): ${target.redact(error.message)}`,
    ),
  );
  try {
    await connected(target, worker);
  } catch (error) {
    await Promise.allSettled([worker.close(true), q.close()]);
    throw error;
  }
  void worker.run();
  logger.info(
    `va worker ${name}: queue '${target.name}' at ${target.shown}, store ${store}, model cache ${modelCache}, ${concurrency} job(s) at a time`,
  );

  return {
    name,
    close: async (force = false) => {
      if (force) {
        // Now, even with Redis gone: the job processes stop, their locks lapse, and other
        // workers resume the jobs from their checkpoints.
        const settled = Promise.allSettled([
          pool.close({ force: true }),
          worker.close(true),
          q.close(),
        ]);
        await Promise.race([settled, new Promise((r) => setTimeout(r, 3000).unref())]);
        return;
      }
      await worker.close();
      await Promise.all([pool.close(), q.close()]);
    },
  };
}

/** The fields of a queued job, checked (a job is data from the network: trust nothing). */
function checkJobData(data: unknown): QueueJobData {
  const d = data as Partial<QueueJobData> | null;
  const ok =
    d !== null &&
    typeof d === 'object' &&
    d.format === 1 &&
    (d.kind === 'job' || d.kind === 'release') &&
    typeof d.run === 'string' &&
    typeof d.job === 'string' &&
    typeof d.configHash === 'string' &&
    /^[0-9a-f]{64}$/.test(d.configHash);
  if (!ok) {
    throw new UnrecoverableError(
      'refused: not a va job (expected { format: 1, kind, run, configHash, job }); was it queued by another program?',
    );
  }
  return d as QueueJobData;
}
