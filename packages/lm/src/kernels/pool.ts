// More threads for the kernels' jobs: worker_threads that instantiate the threaded kernel binary
// on tfjs-backend-wasm's shared memory and watch a control word. The calling thread posts a job,
// wakes them, and takes tasks itself; a worker that arrives late finds the tasks taken and waits
// for the next, so a busy machine costs at most the tasks a descheduled worker holds, never a wait
// for it to start (csrc/job.c hands out tasks with atomic adds).

import { Worker } from 'node:worker_threads';
import type { JobPool } from './module.js';

/** Control words: [0] sequence number of the last job posted, [1] its record, [2] stop. */
const CONTROL_BYTES = 16;

// Workers sleep between jobs. Spinning through the gaps between a step's jobs (0.01-1 ms) would
// catch small jobs a sleeping worker wakes too late for, but measured a PPO step 2x slower at a
// load of 10 on two cores: the spinning thread takes the core the calling thread needs.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const words = new Int32Array(memory.buffer, control, 4);
let seen = 0;
for (;;) {
  Atomics.wait(words, 0, seen);
  seen = Atomics.load(words, 0);
  if (Atomics.load(words, 2)) break;
  instance.exports.run(Atomics.load(words, 1), index, seen);
}
`;

interface Instance {
  exports: { run(job: number, thread: number, seq: number): number };
}

/** A pool of `threads - 1` workers (the calling thread is the first). */
export class WorkerPool implements JobPool {
  private readonly words: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly memory: { buffer: ArrayBufferLike };

  constructor(
    readonly threads: number,
    module: unknown,
    memory: { buffer: ArrayBufferLike },
    malloc: (bytes: number) => number,
  ) {
    this.memory = memory;
    const control = malloc(CONTROL_BYTES);
    this.words = new Int32Array(memory.buffer, control, 4);
    this.words.fill(0);
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control, index },
      });
      // Workers wait on the control word forever; they must not keep the process alive.
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Runs the job record at `job` (its header and arguments written, see Kernels.run) here and, when
   * `wake`, on every worker, returning when all its tasks are done.
   */
  run(instance: Instance, job: number, seq: number, wake: boolean): void {
    const heap = new Int32Array(this.memory.buffer, job, 4);
    const ntasks = heap[1]!;
    if (wake) {
      Atomics.store(this.words, 1, job);
      Atomics.store(this.words, 0, seq);
      Atomics.notify(this.words, 0);
    }
    instance.exports.run(job, 0, seq);
    // The last tasks may still run on workers: spin briefly, then sleep until a task ends.
    for (let spin = 0; Atomics.load(heap, 3) < ntasks; spin++) {
      const done = Atomics.load(heap, 3);
      if (spin > 2000 && done < ntasks) Atomics.wait(heap, 3, done, 1);
    }
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.words, 2, 1);
    Atomics.store(this.words, 0, -1);
    Atomics.notify(this.words, 0);
    for (const w of this.workers) void w.terminate();
  }
}
