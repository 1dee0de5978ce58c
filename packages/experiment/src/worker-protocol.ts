// The messages between a run and its worker processes.

/** Parent to worker: run this job of this run. */
export interface ParentMessage {
  readonly type: 'job';
  readonly runDir: string;
  readonly jobId: string;
  /** Tests: stop a training job after this many PPO steps (its checkpoint stays). */
  readonly stopAfter?: number;
  /** Queued runs: the folder relative paths of the config are read from (the worker's store). */
  readonly cwd?: string;
  /** Queued runs: the config the job was checked against; another one in the folder is refused. */
  readonly configHash?: string;
}

/** Worker to parent. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly pid: number; readonly backend: string }
  | {
      readonly type: 'progress';
      readonly jobId: string;
      readonly done: number;
      readonly total?: number;
      readonly unit?: string;
      readonly detail?: string;
    }
  | { readonly type: 'done'; readonly jobId: string }
  | {
      readonly type: 'failed';
      readonly jobId: string;
      readonly message: string;
      readonly stack?: string;
    };
