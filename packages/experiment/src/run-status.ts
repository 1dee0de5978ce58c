// Where a run stands, as `va experiment status` and the progress line show it: jobs done per
// setting and method (from the run folder, RunDir.doneJobs), what runs, what failed, time left.

import type { ResolvedExperimentConfig } from './config.js';
import { type Job, jobsOf, type RunDir } from './run-dir.js';

/** A job running now and its progress. */
export interface RunningJob {
  readonly id: string;
  /** Queued runs: the worker running it (`host:pid`). */
  readonly worker?: string;
  /** The process running it. */
  readonly pid?: number;
  readonly done?: number;
  readonly total?: number;
  readonly unit?: string;
  readonly detail?: string;
}

/** A job that failed after its attempts (or whose need failed: 0 attempts). */
export interface FailedJob {
  readonly id: string;
  readonly error: string;
  readonly attempts: number;
}

/** Where a run stands. */
export interface RunStatus {
  readonly total: number;
  readonly done: number;
  /** Done / total per variant and method (`ensemble/vanilla: 3/4`), and reference runs. */
  readonly byGroup: Readonly<Record<string, { done: number; total: number }>>;
  /** Jobs running now and their progress. */
  readonly running: readonly RunningJob[];
  readonly failed: readonly FailedJob[];
  /** Seconds left, from the mean time of the jobs this run finished. */
  readonly eta?: number;
  /** Queued runs: the workers connected to the queue (`host:pid`), busy or idle. */
  readonly workers?: readonly string[];
}

function groupOf(job: Job): string {
  if (job.kind === 'prepare-ensemble') return 'ensemble reward model';
  if (job.kind === 'reference') return `${job.variant.name}/reference`;
  return `${job.variant.name}/${job.method}`;
}

/** The counts of a status: jobs done of all, and per group, given the ids of the done ones. */
export function countDone(
  jobs: readonly Job[],
  done: ReadonlySet<string>,
): Pick<RunStatus, 'total' | 'done' | 'byGroup'> {
  const byGroup: Record<string, { done: number; total: number }> = {};
  let count = 0;
  for (const job of jobs) {
    const group = groupOf(job);
    const g = byGroup[group] ?? { done: 0, total: 0 };
    byGroup[group] = g;
    g.total += 1;
    if (done.has(job.id)) {
      g.done += 1;
      count += 1;
    }
  }
  return { total: jobs.length, done: count, byGroup };
}

/** Which jobs of a run are done (`va experiment status`). */
export async function runStatus(run: RunDir, config: ResolvedExperimentConfig): Promise<RunStatus> {
  const jobs = jobsOf(config);
  return { ...countDone(jobs, await run.doneJobs(jobs)), running: [], failed: [] };
}
