// The order a run's jobs go in: a job starts once every job it needs is done, in the order of
// jobsOf; a failed attempt goes again first, up to its attempts; a job whose need failed fails too.
// runScheduled keeps a number of jobs going at a time until none is left (or an abort).

import { type Logger, silentLogger } from '@va/core';
import type { Job } from './run-dir.js';
import type { FailedJob } from './run-status.js';

/** Options of {@link JobSchedule}. */
export interface JobScheduleOptions {
  /** Attempts per job before it is reported as failed (default 3). */
  readonly maxAttempts?: number;
  /** Warned of each failed attempt. */
  readonly logger?: Logger;
}

/** The jobs of a run still to do, what is done, and what failed. */
export class JobSchedule {
  /** Ids of the jobs done (those done before, and those finished since). */
  readonly done: Set<string>;
  readonly failed: FailedJob[] = [];
  readonly #pending: Job[];
  readonly #attempts = new Map<string, number>();
  readonly #maxAttempts: number;
  readonly #logger: Logger;

  /** `jobs` in the order of jobsOf; `done`: the ids done already (never run again). */
  constructor(jobs: readonly Job[], done: ReadonlySet<string>, options: JobScheduleOptions = {}) {
    this.done = new Set(done);
    this.#pending = jobs.filter((j) => !this.done.has(j.id));
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The jobs that wait (to be started, or for what they need). */
  get pending(): readonly Job[] {
    return this.#pending;
  }

  /**
   * Takes the first waiting job whose needs are done, or `undefined` when none is ready now. Jobs
   * whose need failed are moved to the failed ones on the way.
   */
  next(): Job | undefined {
    for (let i = 0; i < this.#pending.length; i++) {
      const job = this.#pending[i]!;
      const blocked = job.needs.find((n) => this.failed.some((f) => f.id === n));
      if (blocked) {
        this.#pending.splice(i, 1);
        this.failed.push({ id: job.id, error: `needs ${blocked}, which failed`, attempts: 0 });
        i--;
      } else if (job.needs.every((n) => this.done.has(n))) {
        this.#pending.splice(i, 1);
        return job;
      }
    }
    return undefined;
  }

  /** Records the end of an attempt at `job`: done, or failed with `error` (then tried again first). */
  finish(job: Job, error?: string): void {
    if (error === undefined) {
      this.done.add(job.id);
      return;
    }
    const n = (this.#attempts.get(job.id) ?? 0) + 1;
    this.#attempts.set(job.id, n);
    if (n < this.#maxAttempts) {
      this.#logger.warn(`${job.id}: attempt ${n} failed (${error}); trying again`);
      this.#pending.unshift(job);
    } else {
      this.#logger.warn(`${job.id}: failed after ${n} attempts: ${error}`);
      this.failed.push({ id: job.id, error, attempts: n });
    }
  }
}

/** Options of {@link runScheduled}. */
export interface RunScheduledOptions {
  /** Jobs at a time; each gets a slot number below this (its log, its process). */
  readonly slots: number;
  /** Runs one attempt at a job; rejects with the attempt's error. */
  readonly execute: (job: Job, slot: number) => Promise<void>;
  /** Starts nothing more once aborted; the attempts that end after it are not recorded. */
  readonly signal?: AbortSignal;
  /** After each attempt is recorded. */
  readonly onFinish?: () => void;
}

/** Runs the schedule's jobs, `slots` at a time, until nothing is left or ready (or an abort). */
export function runScheduled(schedule: JobSchedule, options: RunScheduledOptions): Promise<void> {
  const free = Array.from({ length: Math.max(1, options.slots) }, (_, i) => i);
  let active = 0;
  return new Promise((resolveAll) => {
    const fill = () => {
      while (free.length > 0 && !options.signal?.aborted) {
        const job = schedule.next();
        if (!job) break;
        const slot = free.shift()!;
        active += 1;
        const end = (error?: string) => {
          active -= 1;
          free.push(slot);
          free.sort((a, b) => a - b);
          if (error === undefined || !options.signal?.aborted) {
            schedule.finish(job, error);
            options.onFinish?.();
          }
          fill();
        };
        Promise.resolve()
          .then(() => options.execute(job, slot))
          .then(
            () => end(),
            (error: unknown) => end(error instanceof Error ? error.message : String(error)),
          );
      }
      if (active === 0) resolveAll();
    };
    fill();
  });
}
