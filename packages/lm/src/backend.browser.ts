// Browser build of backend.ts: WebGPU where the browser has it and the page registered
// @tensorflow/tfjs-backend-webgpu (import it once), then WebAssembly (tfjs-backend-wasm's SIMD
// build; its threaded build where the page is cross-origin isolated), then plain JavaScript. The
// page tells tfjs where the .wasm files are (`setWasmPaths` of @tensorflow/tfjs-backend-wasm) when
// its bundler moves them.

import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { type Logger, ResourceError, silentLogger, ValidationError } from '@va/core';
import type * as Node from './backend.js';
import { preloadKernels } from './kernels/binary.js';
import { ensureWasmKernels } from './wasm-kernels.js';

export type { Availability, BackendChoice, BackendName, PackageLoader } from './backend.js';

type BackendName = Node.BackendName;
type Availability = Node.Availability;

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

async function activate(name: BackendName): Promise<boolean> {
  if (tf.getBackend() === name) return true;
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  }
}

export const selectWith: typeof Node.selectWith = async (
  forced: BackendName | undefined,
  logger: Logger,
  check: (name: BackendName) => Promise<Availability> = probeBackend,
) => {
  const candidates = forced ? [forced] : BACKENDS;
  const skipped: string[] = [];
  for (const name of candidates) {
    const found = await check(name);
    if (found.ok && (await activate(name))) {
      const reason = forced
        ? `forced by the caller (${found.detail})`
        : skipped.length
          ? `best available: ${skipped.join('; ')}; ${found.detail}`
          : `best available (${found.detail})`;
      logger.info(`@va/lm backend: ${name} (${reason})`);
      return name === 'wasm'
        ? { backend: name, reason, threads: getThreadsCount() }
        : { backend: name, reason };
    }
    const detail = found.ok
      ? `${name} failed to initialise${name === 'wasm' ? ' (are the .wasm files where setWasmPaths says?)' : ''}`
      : found.detail;
    if (forced) {
      const fix = found.ok ? `force another backend (${BACKENDS.join(', ')})` : found.fix;
      throw new ResourceError(
        `selectBackend: backend '${name}' is not available: ${detail}; ${fix}`,
      );
    }
    skipped.push(detail);
  }
  throw new ResourceError(`selectBackend: no TensorFlow.js backend works (${skipped.join('; ')})`);
};

let queue: Promise<unknown> = Promise.resolve();
let wasmThreads: number | undefined;

export const selectBackend: typeof Node.selectBackend = (options = {}) => {
  const { backend, logger = silentLogger, threads } = options;
  if (backend !== undefined && !BACKENDS.includes(backend)) {
    return Promise.reject(
      new ValidationError(
        'selectBackend',
        'options.backend',
        `one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}`,
        backend,
      ),
    );
  }
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
  const run = queue.then(() => selectWith(backend, logger));
  queue = run.catch(() => undefined);
  return run;
};
