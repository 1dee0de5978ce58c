// The messages between a run and its job processes (worker.ts, driven by JobPool).

/** Parent to job process: run this job of this run. */
export interface JobMessage {
  readonly type: 'job';
  readonly runDir: string;
  readonly jobId: string;
  /** Queued runs: the folder relative paths of the config are read from (the worker's store). */
  readonly cwd?: string;
  /** Queued runs: the config the job was checked against; another one in the folder is refused. */
  readonly configHash?: string;
}

/** A job's progress, as its process reports it. */
export interface ProgressMessage {
  readonly type: 'progress';
  readonly jobId: string;
  readonly done: number;
  readonly total?: number;
  readonly unit?: string;
  readonly detail?: string;
}

/** Job process to parent. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly pid: number; readonly backend: string }
  | ProgressMessage
  | { readonly type: 'done'; readonly jobId: string }
  | {
      readonly type: 'failed';
      readonly jobId: string;
      readonly message: string;
      readonly stack?: string;
    };
