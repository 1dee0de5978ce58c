// The training worker: tfjs on WebGPU (where the browser has it), else WebAssembly (SIMD; its
// threaded build when the page is cross-origin isolated); the embedded model, prompts and tfjs's
// .wasm files are the page's own assets, so nothing is fetched from another origin.

import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url';
import openings from '@va/experiment/assets/review-openings.jsonl?raw';
import { loadDefaultModel, selectBackend } from '@va/lm';
import type { FromWorker, ToWorker } from './protocol.js';
import { parseTaskPrompts, sentimentReward } from './task.js';
import { PlaygroundRun } from './training.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': plainWasm,
  'tfjs-backend-wasm-simd.wasm': simdWasm,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm,
});

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);

async function train(message: ToWorker): Promise<void> {
  const choice = await selectBackend(
    message.backend === 'auto' ? {} : { backend: message.backend },
  );
  post({ type: 'backend', choice });
  const run = await PlaygroundRun.start(
    {
      loadModel: () => loadDefaultModel({ backend: 'current' }),
      prompts: parseTaskPrompts(openings),
      truth: sentimentReward(),
      onProgress: (text) => post({ type: 'progress', text }),
    },
    message.settings,
  );
  try {
    while (run.stepCount < message.settings.steps) {
      const started = performance.now();
      const report = await run.step();
      post({ type: 'step', report, seconds: (performance.now() - started) / 1000 });
    }
  } finally {
    await run.dispose();
  }
  post({ type: 'done' });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  train(event.data).catch((error: unknown) =>
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
};
