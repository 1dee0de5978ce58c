// The command lines of runs on several machines: `va worker`, and the `--queue` side of
// `va experiment run|status|report`.

import { resolve } from 'node:path';
import { type Logger, parseCommandLine, parseNumberFlag, UsageError } from '@va/core';
import type { ResolvedExperimentConfig } from './config.js';
import { openRunQueue, type QueueRunStatus, queueRunStatus } from './queue.js';
import { DEFAULT_QUEUE_NAME, queueTarget, REDIS_PASSWORD_ENV } from './queue-connection.js';
import { queueOfRun, type RunOnQueueResult, runOnQueue } from './queue-run.js';
import { startQueueWorker } from './queue-worker.js';
import type { RunDir } from './run-dir.js';

/** The options `va experiment` adds for queued runs. */
export const QUEUE_OPTIONS = {
  queue: { type: 'string' },
  'queue-name': { type: 'string' },
  store: { type: 'string' },
  detach: { type: 'boolean' },
} as const;

/** Their help lines. */
export const QUEUE_HELP = `  --queue <redis-url>             run on several machines: put the jobs on this BullMQ queue
                                  (redis://host:6379/0, rediss:// for TLS; password from
                                  ${REDIS_PASSWORD_ENV}) for 'va worker's; status and report read it
  --queue-name <name>             the queue (default: ${DEFAULT_QUEUE_NAME})
  --store <folder>                the folder every worker reaches that holds --dir (default: .)
  --detach                        return once the jobs are queued (run again to wait for them)`;

const WORKER_HELP = `va worker: runs queued jobs of 'va experiment run --queue' on this machine

Usage:
  va worker --queue <redis-url> [--store <folder>] [options]

The worker takes jobs until stopped (Ctrl-C: finish the running job, then stop; twice: stop now,
and another worker resumes the job from its last checkpoint). It reads and writes only under the
store and the model cache: a job naming any other path is refused.

Options:
  --queue <redis-url>             redis://host:6379/0, or rediss:// for TLS; the password is read
                                  from ${REDIS_PASSWORD_ENV}
  --queue-name <name>             the queue (default: ${DEFAULT_QUEUE_NAME})
  --store <folder>                the folder that holds the run folders, as this machine sees it
                                  (default: .); relative paths in a run's config are read from it
  --concurrency <n>               jobs at a time, each in its own process (default: 1)
  --lock-seconds <s>              a job's lock without renewal, and the stalled-job check period:
                                  how soon a killed worker's job is taken up again (default: 30)
  -h, --help                      this help
`;

/** `va experiment run --queue`: the run on the queue; waits unless --detach. */
export async function queueRunCommand(
  values: Record<string, unknown>,
  dir: string,
  config: ResolvedExperimentConfig,
  logger: Logger,
  onStatus?: (s: QueueRunStatus) => void,
): Promise<RunOnQueueResult> {
  const target = queueTarget(values.queue as string, {
    name: values['queue-name'] as string | undefined,
    logger,
  });
  try {
    return await runOnQueue({
      dir,
      store: values.store ? resolve(values.store as string) : undefined,
      queue: target,
      config,
      logger,
      onStatus,
      detach: values.detach === true,
    });
  } catch (error) {
    // Whatever Redis or BullMQ said, it is printed without the password.
    if (error instanceof Error) {
      error.message = target.redact(error.message);
      if (error.stack) error.stack = target.redact(error.stack);
    }
    throw error;
  }
}

/**
 * The status of a run on its queue (`--queue`, else the queue the run was put on), or `undefined`
 * for a run that is not queued. An unreachable queue is a warning: the files still tell what is done.
 */
export async function queueStatusOf(
  run: RunDir,
  config: ResolvedExperimentConfig,
  values: Record<string, unknown>,
  logger: Logger,
): Promise<QueueRunStatus | undefined> {
  const recorded = await queueOfRun(run);
  const url = (values.queue as string | undefined) ?? recorded?.queue;
  if (!url || !recorded) return undefined;
  const target = queueTarget(url, {
    name: (values['queue-name'] as string | undefined) ?? recorded.name,
    logger,
  });
  try {
    const q = await openRunQueue(target, 5);
    try {
      const { hash } = await run.readConfigWithHash();
      return await queueRunStatus(q, run, config, { run: recorded.run, configHash: hash });
    } finally {
      await q.close();
    }
  } catch (error) {
    logger.warn(
      `va experiment: ${target.redact((error as Error).message)}; showing the files only`,
    );
    return undefined;
  }
}

/** `va worker`: runs until SIGINT or SIGTERM. */
export async function workerCommand(
  argv: readonly string[],
  logger: Logger,
  out: { write(s: string): unknown },
): Promise<number> {
  const { values } = parseCommandLine(argv, {
    options: {
      queue: { type: 'string' },
      'queue-name': { type: 'string' },
      store: { type: 'string' },
      concurrency: { type: 'string' },
      'lock-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.write(WORKER_HELP);
    return 0;
  }
  if (typeof values.queue !== 'string') {
    throw new UsageError(
      '--queue <redis-url> is required (the queue of va experiment run --queue)',
    );
  }
  const positive = (flag: string, fallback: number, integer: boolean) => {
    const raw = values[flag] as string | undefined;
    const v = raw === undefined ? fallback : parseNumberFlag(flag, raw, integer);
    if (!(v >= 1)) throw new UsageError(`--${flag} must be at least 1, got '${raw}'`);
    return v;
  };
  const concurrency = positive('concurrency', 1, true);
  const lockSeconds = positive('lock-seconds', 30, false);
  const worker = await startQueueWorker({
    queue: queueTarget(values.queue, { name: values['queue-name'] as string | undefined, logger }),
    store: resolve((values.store as string | undefined) ?? '.'),
    concurrency,
    lockSeconds,
    logger,
  });
  await new Promise<void>((stopped) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (!stopping) {
        stopping = true;
        logger.info(
          `va worker ${worker.name}: ${signal}: finishing the running job (${signal} again: stop now; another worker resumes it)`,
        );
        void worker.close(false).then(() => stopped());
      } else {
        // A closing client may wait for Redis forever: stop now, whatever it says.
        void worker.close(true).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
