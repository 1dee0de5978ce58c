// A `module:` true reward, run in a worker thread and called synchronously (the caller waits on a
// shared flag with Atomics.wait, the answer comes by receiveMessageOnPort), so that every call has
// a time limit: a module that never answers (a busy loop, a promise that never settles) is stopped.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { checkTrueScore, ResourceError, rewardTimeLimitSeconds } from '@va/core';
import type { TrueReward } from './task.js';

/**
 * The worker: loads the module as every `module:` spec is loaded (`loadModuleDefault` of @va/core,
 * imported by URL), then answers each { prompt, response } on its port.
 */
const WORKER = `
const { workerData } = require('node:worker_threads');
const { core, file, port, flag } = workerData;
const answer = (message) => {
  try { port.postMessage(message); } catch (e) { port.postMessage({ error: 'its answer cannot be sent: ' + e.message }); }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
};
(async () => {
  let reward;
  try {
    const { loadModuleDefault } = await import(core);
    reward = await loadModuleDefault(file, { onImportError: (e) => e });
  } catch (e) {
    port.postMessage({ error: 'cannot import it (' + (e && e.message) + ')' });
    return;
  }
  if (!reward || typeof reward.score !== 'function') {
    port.postMessage({ error: 'its default export must be { name, score(prompt, response) } or a function returning one' });
    return;
  }
  port.postMessage({ name: typeof reward.name === 'string' ? reward.name : undefined });
  port.on('message', async ({ prompt, response }) => {
    try {
      answer({ value: await reward.score(prompt, response) });
    } catch (e) {
      answer({ error: String((e && e.message) || e) });
    }
  });
})();
`;

/** Where the worker imports @va/core from: the copy this package resolves. */
const CORE_URL = pathToFileURL(createRequire(import.meta.url).resolve('@va/core')).href;

interface Answer {
  readonly value?: unknown;
  readonly error?: string;
  readonly name?: string;
}

/**
 * The true reward of `module:<file>` (`spec`): its default export, `{ name, score(prompt,
 * response) }` or a function returning one, whose `score` may be async. Each call is checked
 * (`checkTrueScore`) and has `timeLimitSeconds` (default: `VA_REWARD_TIME_LIMIT`, else 600 s); a
 * call past it stops the module, and this and every later call fails naming it.
 */
export async function moduleTrueReward(
  spec: string,
  file: string,
  timeLimitSeconds: number = rewardTimeLimitSeconds(),
): Promise<TrueReward> {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { core: CORE_URL, file, port: port2, flag },
    transferList: [port2],
  });
  const ready = await new Promise<Answer>((resolve) => {
    port1.once('message', resolve);
    worker.once('error', (e) => resolve({ error: e.message }));
  });
  // From here on answers are read synchronously; nothing may listen for them.
  port1.removeAllListeners('message');
  worker.removeAllListeners('error');
  worker.on('error', () => undefined);
  worker.unref();
  port1.unref();
  if (ready.error !== undefined) {
    await worker.terminate();
    throw new ResourceError(`trueReward '${spec}': ${file}: ${ready.error}`);
  }
  let stopped: string | undefined;
  const ask = (prompt: string, response: string): unknown => {
    if (stopped) throw new ResourceError(stopped);
    Atomics.store(flag, 0, 0);
    port1.postMessage({ prompt, response });
    if (Atomics.wait(flag, 0, 0, timeLimitSeconds * 1000) === 'timed-out') {
      stopped = `trueReward '${spec}': score() gave no answer within ${timeLimitSeconds} s (the time limit of one call; VA_REWARD_TIME_LIMIT=<seconds> sets it); the module was stopped`;
      void worker.terminate();
      throw new ResourceError(stopped);
    }
    const answer = receiveMessageOnPort(port1)?.message as Answer | undefined;
    if (answer?.error !== undefined) throw new Error(answer.error);
    return answer?.value;
  };
  return {
    name: ready.name ?? spec,
    score: (prompt, response) => checkTrueScore(spec, () => ask(prompt, response)),
  };
}
