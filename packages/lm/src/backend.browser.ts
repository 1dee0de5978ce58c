// Browser build of backend.ts: WebGPU where the browser has it and the page registered
// @tensorflow/tfjs-backend-webgpu (import it once), then WebAssembly (tfjs-backend-wasm's SIMD
// build; its threaded build where the page is cross-origin isolated), then plain JavaScript. The
// page tells tfjs where the .wasm files are (`setWasmPaths` of @tensorflow/tfjs-backend-wasm) when
// its bundler moves them.

import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { silentLogger, ValidationError } from '@va/core';
import type * as Node from './backend.js';
import { queuedSelection, type SelectionPlatform, selectFrom } from './backend-selection.js';
import { preloadKernels } from './kernels/binary.js';
import { ensureWasmKernels } from './wasm-kernels.js';

export type { Availability, BackendChoice, BackendName, PackageLoader } from './backend.js';

/** The backends `selectBackend` knows in a browser, best first. */
export const BACKENDS: typeof Node.BACKENDS = ['webgpu', 'wasm', 'cpu'];

const crossOriginIsolated = () =>
  (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

/** Whether the page can run `name`: its backend is registered (and, for WebGPU, the API exists). */
export const probeBackend: typeof Node.probeBackend = async (name) => {
  if (name === 'webgpu') {
    const nav = (globalThis as { navigator?: object }).navigator;
    if (!nav || !('gpu' in nav)) {
      return {
        ok: false,
        detail: 'this browser has no WebGPU (navigator.gpu)',
        fix: "use a browser with WebGPU, or force 'wasm'",
      };
    }
    if (tf.findBackendFactory('webgpu') === null) {
      return {
        ok: false,
        detail: '@tensorflow/tfjs-backend-webgpu is not imported',
        fix: `import '@tensorflow/tfjs-backend-webgpu' (${tf.version.tfjs}) once in the page`,
      };
    }
    return { ok: true, detail: 'WebGPU' };
  }
  if (name === 'wasm') {
    ensureWasmKernels();
    // @va/lm's SIMD kernels, as in Node; where they cannot load, the ops fall back to tfjs's own.
    await preloadKernels().catch(() => undefined);
    return {
      ok: true,
      detail: crossOriginIsolated()
        ? 'threaded SIMD build (the page is cross-origin isolated)'
        : 'SIMD build, 1 thread (threads need a cross-origin isolated page)',
    };
  }
  if (name === 'cpu') return { ok: true, detail: 'pure JavaScript, always available' };
  return {
    ok: false,
    detail: `${name} runs in Node only`,
    fix: `force one of ${BACKENDS.join(', ')}`,
  };
};

const BROWSER: SelectionPlatform = {
  backends: BACKENDS,
  tfName: (name) => name,
  chosen: (name) => (name === 'wasm' ? { threads: getThreadsCount() } : {}),
  initFailure: (name) =>
    `${name} failed to initialise${name === 'wasm' ? ' (are the .wasm files where setWasmPaths says?)' : ''}`,
};

export const selectWith: typeof Node.selectWith = (forced, logger, check = probeBackend) =>
  selectFrom(BROWSER, forced, logger, check);

const queued = queuedSelection(BROWSER, (forced, logger) => selectWith(forced, logger));
let wasmThreads: number | undefined;

export const selectBackend: typeof Node.selectBackend = (options = {}) => {
  const { backend, logger = silentLogger, threads } = options;
  if (threads !== undefined) {
    if (!(Number.isInteger(threads) && threads >= 1)) {
      return Promise.reject(
        new ValidationError('selectBackend', 'options.threads', 'an integer >= 1', threads),
      );
    }
    // Read by tfjs when the wasm backend first starts (threaded build only).
    if (wasmThreads === undefined) setThreadsCount(threads);
    wasmThreads = threads;
  }
  return queued(backend, logger);
};
