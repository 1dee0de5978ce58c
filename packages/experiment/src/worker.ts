// A job process of a run (started by JobPool): takes jobs from its parent over IPC, runs each
// (runJob), reports progress, and answers `done` or `failed`. One tfjs backend per process: wasm
// is single-threaded in Node, so a machine's cores are used by running one process per core.

import { silentLogger } from '@va/core';
import { runJob } from './jobs.js';
import { jobsOf, RunDir } from './run-dir.js';
import type { JobMessage, WorkerMessage } from './worker-protocol.js';

const send = (message: WorkerMessage) => process.send?.(message);

async function handle(message: JobMessage): Promise<void> {
  const run = new RunDir(message.runDir);
  if (message.cwd) process.chdir(message.cwd);
  const { config, hash } = await run.readConfigWithHash();
  if (message.configHash && hash !== message.configHash) {
    throw new Error(`the config of ${run.root} changed while the job was being started; refused`);
  }
  const job = jobsOf(config).find((j) => j.id === message.jobId);
  if (!job) throw new Error(`no job '${message.jobId}' in the run ${run.root}`);
  await runJob(run, config, job, {
    logger: silentLogger,
    onProgress: (p) =>
      send({
        type: 'progress',
        jobId: job.id,
        done: p.done,
        total: p.total,
        unit: p.unit,
        detail: p.detail,
      }),
  });
  send({ type: 'done', jobId: job.id });
}

if (!process.send) {
  process.stderr.write('worker.js is started by `va experiment run`, not directly\n');
  process.exit(2);
}
// Each worker gets its share of the cores for wasm's threaded matrix products.
const threads = Number(process.env.VA_WORKER_THREADS) || undefined;
const { backend } = await import('@va/lm').then((lm) => lm.selectBackend({ threads }));
send({ type: 'ready', pid: process.pid, backend });
process.on('message', (message: JobMessage) => {
  handle(message).catch((error: Error) => {
    send({ type: 'failed', jobId: message.jobId, message: error.message, stack: error.stack });
  });
});
process.on('disconnect', () => process.exit(0));
