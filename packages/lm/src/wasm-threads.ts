// Runs @tensorflow/tfjs-backend-wasm's threaded SIMD build in Node: XNNPACK's thread pool on
// worker_threads, so a matrix product uses every core (2 threads: 1024^3 products 26 -> 51 GFLOP/s).
// tfjs only loads that build in browsers (WASM_HAS_MULTITHREAD_SUPPORT is false in Node, tfjs issue
// 3830). What stops it in Node, and what this module does instead:
//  - tfjs hands Emscripten the main and worker scripts as Blob object URLs, which Node's workers
//    cannot load. Here the main script is the package's own wasm-out glue, loaded by path (workers
//    read it again by that path), and the worker script is assets/wasm-pthread-worker.cjs.
//  - backend.cc caps the pool at emscripten_num_logical_cores() / 2 (it takes every core for two
//    hyper-threads), so a 2-core machine gets 1 thread whatever setThreadsCount asks: that is why
//    getThreadsCount() said 1. The import that reports the cores reports 2 x the threads asked for.
//  - the pool's threads are ref'd workers that never end, so Node would not exit: they are unref'd.
// Every XNNPACK kernel of that build hands its work to the pool, and a parallel kernel waits for the
// slowest thread: on a machine whose cores are busy with other jobs, each small kernel then waits for
// the scheduler (a training step of the default model went from 2.3 s to 4.7 s under a load of 15).
// So the pool pointer the kernels read (`tfjs::backend::threadpool`, a C++ global) is found in the
// binary and left null, which XNNPACK reads as "run on the calling thread", and only matrix products
// of at least WASM_THREADED_MIN_WORK multiply-adds set it for their duration.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@va/core';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

/** The parts of an Emscripten module (the threaded glue's) this file touches. */
interface EmscriptenModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[] };
  wasmMemory: { buffer: ArrayBufferLike };
  tfjs?: unknown;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/** The parts of the WebAssembly global used here (the project's libs carry no DOM types). */
const WebAssemblyApi = (
  globalThis as unknown as {
    WebAssembly: {
      validate(bytes: Uint8Array): boolean;
      instantiate(
        bytes: Uint8Array,
        imports: object,
      ): Promise<{ instance: unknown; module: unknown }>;
    };
  }
).WebAssembly;

/** The most threads the build's pre-started worker pool (PTHREAD_POOL_SIZE) has. */
export const MAX_WASM_THREADS = 8;

/**
 * Multiply-adds (batch x m x k x n) from which a product runs on the pool's threads; smaller ones,
 * like attention's per-head products, stay on the calling thread, where no thread waits for another.
 */
export const WASM_THREADED_MIN_WORK = 1 << 22;

const WORKER = fileURLToPath(new URL('../assets/wasm-pthread-worker.cjs', import.meta.url));
const GLUE = 'wasm-out/tfjs-backend-wasm-threaded-simd.js';
const BINARY = 'wasm-out/tfjs-backend-wasm-threaded-simd.wasm';

/** How the wasm backend of this process runs, once initialised. */
export interface WasmThreading {
  /** Threads XNNPACK's pool runs products on (1: the single-threaded SIMD build). */
  threads: number;
  /** Which build runs and why. */
  detail: string;
}

let threading: WasmThreading | undefined;
let requested: number | undefined;

/**
 * The threads wasm starts with when `selectBackend` is not given any: `VA_LM_WASM_THREADS` (a count,
 * or `auto` for one per core, up to {@link MAX_WASM_THREADS}), else 1. Not one per core by default:
 * on a machine whose cores are busy with other jobs (this project's CI runs every package's tests
 * at once) a threaded training step measured 1.5-2.5x slower than a single-threaded one.
 */
export function defaultWasmThreads(): number {
  const env = process.env.VA_LM_WASM_THREADS;
  if (env === undefined || env === '') return 1;
  if (env === 'auto') return Math.min(availableParallelism(), MAX_WASM_THREADS);
  const n = Number(env);
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_WASM_THREADS)) {
    throw new ValidationError(
      'selectBackend',
      'VA_LM_WASM_THREADS',
      `an integer in [1, ${MAX_WASM_THREADS}] or 'auto'`,
      env,
    );
  }
  return n;
}

/** How the wasm backend runs, or undefined before its first initialisation. */
export function wasmThreading(): WasmThreading | undefined {
  return threading;
}

/**
 * Sets the threads the wasm backend starts with (`undefined`: keep the request, by default
 * {@link defaultWasmThreads}). After the backend's first initialisation a different count cannot take effect, and asking
 * for one throws.
 */
export function requestWasmThreads(threads: number | undefined, where: string): void {
  if (threads === undefined) {
    if (threading === undefined) requested ??= defaultWasmThreads();
    return;
  }
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_WASM_THREADS)) {
    throw new ValidationError(
      where,
      'options.threads',
      `an integer in [1, ${MAX_WASM_THREADS}]`,
      threads,
    );
  }
  if (threading !== undefined && threads !== (requested ?? 1)) {
    throw new ValidationError(
      where,
      'options.threads',
      `${requested ?? 1} (the wasm backend of this process started with that request: ${threading.detail})`,
      threads,
      'Pass threads in the first selectBackend call of the process, before wasm is first used.',
    );
  }
  requested = threads;
}

/** Whether this runtime can run wasm threads (shared memory and atomics). */
function threadsSupported(): boolean {
  try {
    new MessageChannel().port1.postMessage(new SharedArrayBuffer(1));
    // A module with a shared memory and an atomic load (wasm-feature-detect's threads probe).
    return WebAssemblyApi.validate(
      new Uint8Array([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9,
        0, 65, 0, 254, 16, 2, 0, 26, 11,
      ]),
    );
  } catch {
    return false;
  }
}

/**
 * The address of the build's thread pool pointer: the one `get_threads_count` loads. Its body must be
 * `(local i32) i32.const ADDR; i32.load; local.tee 0; i32.eqz; if; i32.const -1; return; end ...`,
 * else undefined (another build).
 */
export function poolPointerAddress(binary: Uint8Array): number | undefined {
  let p = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = binary[p++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const name = () => {
    const n = leb();
    p += n;
    return Buffer.from(binary.subarray(p - n, p)).toString('utf8');
  };
  let imported = 0;
  let exported: number | undefined;
  let code = -1;
  while (p < binary.length) {
    const id = binary[p++]!;
    const end = leb() + p;
    if (id === 2) {
      for (let i = leb(); i > 0; i--) {
        name();
        name();
        const kind = binary[p++]!;
        if (kind === 0) {
          leb();
          imported++;
        } else if (kind === 3) p += 2;
        else {
          if (kind === 1) p++;
          const flags = leb();
          leb();
          if (flags & 1) leb();
        }
      }
    } else if (id === 7) {
      for (let i = leb(); i > 0; i--) {
        const n = name();
        const kind = binary[p++]!;
        const index = leb();
        if (kind === 0 && n === 'get_threads_count') exported = index;
      }
    } else if (id === 10) code = p;
    p = end;
  }
  if (exported === undefined || code < 0 || exported < imported) return undefined;
  p = code;
  leb();
  for (let i = exported - imported; i > 0; i--) {
    const size = leb(); // read before p moves on: `p += leb()` would add to the old p
    p += size;
  }
  leb();
  if (binary[p] !== 1 || binary[p + 1] !== 1 || binary[p + 2] !== 0x7f || binary[p + 3] !== 0x41) {
    return undefined;
  }
  p += 4;
  const address = leb();
  const rest = [0x28, 2, 0, 0x22, 0, 0x45, 0x04, 0x40, 0x41, 0x7f, 0x0f, 0x0b];
  return rest.every((b, i) => binary[p + i] === b) ? address : undefined;
}

/** The pool pointer's cell in the wasm heap and its value, when found and checked. */
let pool: { heap: Int32Array; index: number; pointer: number } | undefined;

/** Runs `f` with the pool on (only while the threaded build runs with a found pool pointer). */
function onPool<T>(f: () => T): T {
  if (!pool) return f();
  pool.heap[pool.index] = pool.pointer;
  try {
    return f();
  } finally {
    pool.heap[pool.index] = 0;
  }
}

/**
 * Finds and checks the pool pointer of a started threaded module: with it cleared,
 * get_threads_count says -1 (no pool), with it restored, `threads`. Leaves it cleared.
 */
function takePool(module: EmscriptenModule, binary: Uint8Array, threads: number): boolean {
  const address = poolPointerAddress(binary);
  if (address === undefined || address % 4 !== 0) return false;
  const heap = new Int32Array(module.wasmMemory.buffer);
  const index = address / 4;
  const pointer = heap[index]!;
  const count = module.cwrap('get_threads_count', 'number', []);
  heap[index] = 0;
  const off = count();
  heap[index] = pointer;
  if (pointer === 0 || off !== -1 || count() !== threads) return false;
  heap[index] = 0;
  pool = { heap, index, pointer };
  return true;
}

let gated = false;

/** Wraps wasm's matrix-product kernels so that large products run on the pool. */
function gateProducts(): void {
  if (gated) return;
  gated = true;
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...kernel,
      kernelFunc: (args) => {
        const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
        const r = b.shape.length;
        const n = (args.attrs as { transposeB?: boolean }).transposeB
          ? b.shape[r - 2]!
          : b.shape[r - 1]!;
        const work = tf.util.sizeFromShape(a.shape) * n;
        return work >= WASM_THREADED_MIN_WORK
          ? onPool(() => kernel.kernelFunc(args))
          : kernel.kernelFunc(args);
      },
    });
  }
}

async function startThreaded(
  pkgDir: string,
  binary: Uint8Array,
  threads: number,
): Promise<EmscriptenModule> {
  const requireHere = createRequire(import.meta.url);
  const factory = requireHere(join(pkgDir, GLUE)) as Factory;
  return new Promise<EmscriptenModule>((resolve, reject) => {
    factory({
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.worker.js')
          ? WORKER
          : path.endsWith('.wasm')
            ? join(pkgDir, BINARY)
            : prefix + path,
      instantiateWasm: (
        imports: { env: Record<string, unknown> },
        receive: (instance: unknown, module: unknown) => void,
      ) => {
        imports.env.emscripten_num_logical_cores = () => 2 * threads;
        WebAssemblyApi.instantiate(binary, imports).then(
          ({ instance, module }) => receive(instance, module),
          reject,
        );
        return {};
      },
      onAbort: (what: unknown) => reject(new Error(`the threaded wasm build aborted: ${what}`)),
    }).then(resolve, reject);
  });
}

/**
 * Replaces the `wasm` backend's factory (before its first initialisation) by one that starts the
 * threaded SIMD build with the requested threads (see requestWasmThreads), falling back to the package's own single-threaded
 * build when `threads` is 1, when the runtime lacks wasm threads or when the threaded build fails to
 * start. `wasmThreading()` says afterwards which one runs and why.
 */
export function installWasmFactory(wasm: WasmPackage, pkgDir: string): void {
  const original = tf.findBackendFactory('wasm');
  if (!original || tf.engine().registry.wasm !== undefined) return;
  const single = async (detail: string) => {
    wasm.setThreadsCount(1);
    const backend = await original();
    threading = { threads: 1, detail };
    return backend;
  };
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const threads = requested ?? 1;
      if (threads <= 1) return single('single-threaded SIMD build: 1 thread asked');
      if (!threadsSupported()) {
        return single('single-threaded SIMD build: this runtime has no wasm threads');
      }
      let module: EmscriptenModule;
      let binary: Uint8Array;
      try {
        binary = await readFile(join(pkgDir, BINARY));
        module = await startThreaded(pkgDir, binary, threads);
      } catch (cause) {
        const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
        return single(
          `single-threaded SIMD build: the threaded build failed to start (${message})`,
        );
      }
      const c = module.cwrap.bind(module);
      module.tfjs = {
        init: c('init', null, []),
        initWithThreadsCount: c('init_with_threads_count', null, ['number']),
        getThreadsCount: c('get_threads_count', 'number', []),
        registerTensor: c('register_tensor', null, ['number', 'number', 'number']),
        disposeData: c('dispose_data', null, ['number']),
        dispose: c('dispose', null, []),
      };
      wasm.setThreadsCount(threads);
      const backend = new wasm.BackendWasm(module as never);
      for (const worker of module.PThread.runningWorkers) worker.unref();
      const got = wasm.getThreadsCount();
      const gatedNote = takePool(module, binary, got)
        ? `products of >= ${WASM_THREADED_MIN_WORK} multiply-adds on the pool, other kernels on the calling thread`
        : 'every kernel on the pool (its pointer was not found in this build)';
      if (pool) gateProducts();
      threading = {
        threads: got,
        detail: `threaded SIMD build, ${got} thread${got === 1 ? '' : 's'} on worker_threads (${gatedNote})`,
      };
      return backend;
    },
    2,
  );
}
