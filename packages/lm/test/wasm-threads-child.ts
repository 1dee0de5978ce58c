// Child process of wasm-threads.test.ts: starts wasm with the threads given on the command line, runs
// the gpt2-tiny fixture, prints what ran and how far its logits are from PyTorch's, and then simply
// ends (a process whose pool threads kept it alive would time out).

import { selectBackend } from '../src/backend.js';
import { fixtureModel, maxAbsDiff } from './helpers.js';

const choice = await selectBackend({ backend: 'wasm', threads: Number(process.argv[2]) });
const { model, expected } = await fixtureModel('gpt2-tiny');
const { logits, hiddenStates } = model.forward(expected.inputIds);
const diff = maxAbsDiff(logits.dataSync(), expected.logits);
const wasm = (await import(
  '@tensorflow/tfjs-backend-wasm'
)) as typeof import('@tensorflow/tfjs-backend-wasm');
process.stdout.write(
  `${JSON.stringify({ threads: choice.threads, pool: wasm.getThreadsCount(), diff })}\n`,
);
logits.dispose();
hiddenStates.dispose();
model.dispose();
