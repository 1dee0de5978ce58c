// The job processes of a machine (worker.ts, one tfjs backend each), for local runs and `va worker`
// alike: a job goes to an idle process, or a new one once ready, and ends with its `done` or
// `failed`; a process that dies mid-job (killed, out of memory) fails that attempt and is replaced.

import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { JobMessage, ProgressMessage, WorkerMessage } from './worker-protocol.js';

/** The worker script beside this module (TypeScript under tests, JavaScript when built). */
export function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts')
    ? { file: join(here, '..', 'worker.ts'), execArgv: ['--import', 'tsx'] }
    : { file: join(here, '..', 'worker.js'), execArgv: [] };
}

/** Options of {@link JobPool}. */
export interface JobPoolOptions {
  /** Processes (and jobs) at a time; each gets its share of the cores for wasm's threads. */
  readonly size: number;
  /** The processes' environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** The script the processes run (default: {@link workerEntry}). */
  readonly entry?: { readonly file: string; readonly execArgv: readonly string[] };
}

/** How one job is run in the pool. */
export interface PoolRunOptions {
  /** Takes the process's output while it runs the job (its start-up too), and a failure's stack. */
  readonly log?: Writable;
  /** The job was handed to process `pid`. */
  readonly onStart?: (pid: number) => void;
  readonly onProgress?: (progress: ProgressMessage, pid: number) => void;
  /** Stops the job's process at once; the run then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

interface JobProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  log?: Writable;
}

const alive = (p: JobProcess) =>
  p.child.exitCode === null && p.child.signalCode === null && p.child.connected;

const how = (code: number | null, signal: NodeJS.Signals | null) => signal ?? `code ${code}`;

/** Up to `size` job processes, started when first needed and kept for the next jobs. */
export class JobPool {
  readonly size: number;
  readonly #env: NodeJS.ProcessEnv;
  readonly #entry: { readonly file: string; readonly execArgv: readonly string[] };
  readonly #all = new Set<JobProcess>();
  #idle: JobProcess[] = [];
  #busy = 0;
  /** Runs waiting for a free process. */
  readonly #waiting: (() => void)[] = [];
  #closed = false;

  constructor(options: JobPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size));
    const threads = Math.max(1, Math.floor(availableParallelism() / this.size));
    this.#env = { ...(options.env ?? process.env), VA_WORKER_THREADS: String(threads) };
    this.#entry = options.entry ?? workerEntry();
  }

  /** The pids of the processes alive now. */
  get pids(): number[] {
    return [...this.#all].map((p) => p.child.pid!).filter((pid) => pid !== undefined);
  }

  /**
   * Runs `message`'s job in a process of the pool (waiting for one to be free); resolves when it is
   * done, rejects with its error, or when its process dies or the signal aborts.
   */
  async run(message: JobMessage, options: PoolRunOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const p = await this.#acquire(options.log);
    try {
      options.signal?.throwIfAborted();
      await this.#runIn(p, message, options);
    } finally {
      this.#release(p);
    }
  }

  /**
   * Stops the pool: without `force`, each process ends once its job has (the idle ones now); with
   * it, every process is stopped now (SIGTERM) and its job rejects. Resolves once all have exited.
   */
  async close(options: { readonly force?: boolean } = {}): Promise<void> {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake();
    for (const p of this.#idle.splice(0)) if (p.child.connected) p.child.disconnect();
    if (options.force) for (const p of this.#all) p.child.kill('SIGTERM');
    await Promise.all([...this.#all].map((p) => p.exited));
  }

  async #acquire(log: Writable | undefined): Promise<JobProcess> {
    while (this.#busy >= this.size && !this.#closed) {
      await new Promise<void>((wake) => this.#waiting.push(wake));
    }
    if (this.#closed) throw new Error('JobPool.run: the pool is closed');
    this.#busy += 1;
    try {
      // One that died while idle is left behind.
      for (let p = this.#idle.pop(); p; p = this.#idle.pop()) {
        if (!alive(p)) continue;
        p.log = log;
        return p;
      }
      return await this.#spawn(log);
    } catch (error) {
      this.#busy -= 1;
      this.#waiting.shift()?.();
      throw error;
    }
  }

  #release(p: JobProcess): void {
    p.log = undefined;
    this.#busy -= 1;
    if (alive(p)) {
      if (this.#closed) p.child.disconnect();
      else this.#idle.push(p);
    }
    this.#waiting.shift()?.();
  }

  #spawn(log: Writable | undefined): Promise<JobProcess> {
    const child = fork(this.#entry.file, [], {
      execArgv: [...this.#entry.execArgv],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: this.#env,
    });
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      // Never started (no exit follows).
      child.once('error', () => child.pid === undefined && resolve());
    });
    const p: JobProcess = { child, exited, log };
    this.#all.add(p);
    void exited.then(() => this.#all.delete(p));
    child.stdout?.on('data', (d) => p.log?.write(d));
    child.stderr?.on('data', (d) => p.log?.write(d));
    return new Promise((resolveReady, reject) => {
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        fail(new Error(`the job process exited (${how(code, signal)}) before it was ready`));
      const onError = (error: Error) => {
        fail(new Error(`the job process could not start: ${error.message}`));
        child.kill('SIGKILL');
      };
      const fail = (error: Error) => {
        child.off('message', onMessage);
        reject(error);
      };
      const onMessage = (m: WorkerMessage) => {
        child.off('exit', onExit);
        child.off('error', onError);
        child.on('error', (error) => p.log?.write(`${error.message}\n`));
        if (m.type === 'ready') resolveReady(p);
        else {
          child.kill('SIGTERM');
          reject(new Error(`the job process said ${m.type} before it was ready`));
        }
      };
      child.once('exit', onExit);
      child.once('error', onError);
      child.once('message', onMessage);
    });
  }

  #runIn(p: JobProcess, message: JobMessage, options: PoolRunOptions): Promise<void> {
    const { child } = p;
    const pid = child.pid!;
    const signal = options.signal;
    return new Promise<void>((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'progress') options.onProgress?.(m, pid);
        else if (m.type === 'done') end(resolve);
        else if (m.type === 'failed') {
          if (m.stack) options.log?.write(`${m.stack}\n`);
          end(() => reject(new Error(m.message)));
        }
      };
      const onExit = (code: number | null, sig: NodeJS.Signals | null) =>
        end(() =>
          reject(
            signal?.aborted
              ? signal.reason
              : new Error(`its job process ${pid} exited (${how(code, sig)}) while running it`),
          ),
        );
      const onAbort = () => child.kill('SIGTERM');
      const end = (settle: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A process that died just now: its exit ends the run.
      child.send(message, (error) => {
        if (error) child.kill('SIGKILL');
      });
      options.onStart?.(pid);
    });
  }
}
