// @va/lm's WebAssembly SIMD kernels (csrc/, built by scripts/build-wasm.sh into assets/wasm/),
// instantiated on tfjs-backend-wasm's own memory: the module imports the backend's
// WebAssembly.Memory, so kernels read and write tensors where they are, without copies (the
// alternative, a memory of its own, costs a copy in and out of every input and output; see the
// README's Performance section). A kernel call is a job: JavaScript writes its arguments into a
// record on the heap and calls `run`, which takes its tasks (see csrc/job.c).

import type * as tf from '@tensorflow/tfjs';
import { wasmThreading } from '../wasm-threads.js';
import { compiledKernels } from './binary.js';
import { WorkerPool } from './pool.js';

export { compiledKernels, kernelAsset } from './binary.js';

/** Kernel ids of csrc/kernels.h. */
export const K = {
  matmul: 1,
  attention: 2,
  attentionGrad: 3,
  layerNorm: 4,
  layerNormGrad: 5,
  rmsNorm: 6,
  rmsNormGrad: 7,
  sumParts: 8,
  gelu: 9,
  geluGrad: 10,
  gated: 11,
  gatedGrad: 12,
  pick: 13,
  pickGrad: 14,
  adamw: 15,
  sumSquares: 16,
  colSum: 17,
  add: 18,
  entropy: 19,
  entropyGrad: 20,
  embed: 21,
  embedGrad: 22,
} as const;

/** The ABI version csrc/job.c reports; a binary built from other sources is refused. */
const ABI_VERSION = 2;
/** Bytes of a job record: 4 header words and 60 arguments. */
const JOB_BYTES = 256;
/**
 * Work (multiply-adds, or elements of element-wise kernels) from which a job runs on the pool: a
 * thread takes 10-50 us to wake, the work of 10-50 us on one core.
 */
export const POOL_MIN_WORK = 1 << 18;

/** The parts of tfjs-backend-wasm's BackendWasm (and its Emscripten module) used here. */
export interface WasmBackendLike {
  wasm: {
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    asm?: { memory?: WebAssemblyMemory };
    wasmMemory?: WebAssemblyMemory;
  };
  getMemoryOffset(dataId: tf.DataId): number;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

interface WebAssemblyMemory {
  readonly buffer: ArrayBufferLike;
}
interface Instance {
  exports: { run(job: number, thread: number, seq: number): number; abi_version(): number };
}
/** The parts of the WebAssembly global used here (the project's libs carry no DOM types). */
const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => unknown;
      Instance: new (module: unknown, imports: object) => Instance;
    };
  }
).WebAssembly;

/** Runs the tasks of a job on more threads than the caller's (pool.ts). */
export interface JobPool {
  readonly threads: number;
  /**
   * Runs the job at `job` on the calling thread, and on the pool's when `wake`; returns when all its
   * tasks are done.
   */
  run(instance: Instance, job: number, seq: number, wake: boolean): void;
  close(): void;
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
/** The int32 bits of a float32 argument. */
export function bits(x: number): number {
  f32[0] = x;
  return i32[0]!;
}

/** The kernels of one wasm backend instance. */
export class Kernels {
  readonly memory: WebAssemblyMemory;
  readonly shared: boolean;
  readonly instance: Instance;
  private readonly job: number;
  private view: Int32Array;
  private scratchPtr = 0;
  private seq = 0;
  private scratchBytes = 0;
  readonly pool: JobPool | undefined;

  constructor(readonly backend: WasmBackendLike) {
    const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
    if (!memory) throw new Error('tfjs-backend-wasm exposes no WebAssembly.Memory');
    this.memory = memory;
    this.shared = memory.buffer.constructor.name === 'SharedArrayBuffer';
    this.instance = new WA.Instance(compiledKernels(this.shared), { env: { memory } });
    const version = this.instance.exports.abi_version();
    if (version !== ABI_VERSION) {
      throw new Error(
        `assets/wasm kernels have ABI ${version}, expected ${ABI_VERSION}: rebuild them`,
      );
    }
    this.job = backend.wasm._malloc(JOB_BYTES) >>> 0;
    this.view = new Int32Array(memory.buffer, this.job, JOB_BYTES / 4);
    const threads = wasmThreading()?.threads ?? 1;
    if (this.shared && threads > 1) {
      this.pool = new WorkerPool(
        threads,
        compiledKernels(true),
        memory,
        (n) => backend.wasm._malloc(n) >>> 0,
      );
    }
  }

  /** Threads a job's tasks run on. */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Heap offset of a tensor's data. */
  offset(t: tf.TensorInfo): number {
    return this.backend.getMemoryOffset(t.dataId);
  }

  /**
   * A heap block of at least `bytes`, valid until the next call (one grow-only block per backend):
   * per-thread buffers and per-task partial sums.
   */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchPtr) this.backend.wasm._free(this.scratchPtr);
      this.scratchBytes = Math.max(bytes, 2 * this.scratchBytes);
      // `>>> 0`: _malloc returns a signed int32, negative above 2 GiB (as tfjs-wasm reads it too).
      this.scratchPtr = this.backend.wasm._malloc(this.scratchBytes) >>> 0;
    }
    return this.scratchPtr;
  }

  /**
   * Runs `kernel` on `ntasks` tasks; `args` are int32s (floats through {@link bits}). On the pool
   * when `work` (about the job's multiply-adds or elements) is at least {@link POOL_MIN_WORK}:
   * smaller jobs do not pay for waking a thread.
   */
  run(kernel: number, ntasks: number, args: readonly number[], work = Infinity): void {
    if (ntasks <= 0) return;
    if (this.view.buffer !== this.memory.buffer) {
      this.view = new Int32Array(this.memory.buffer, this.job, JOB_BYTES / 4);
    }
    if (ntasks > 0xffff) throw new Error(`Kernels.run: ${ntasks} tasks, at most 65535`);
    const v = this.view;
    v[0] = kernel;
    v[1] = ntasks;
    v[3] = 0;
    for (let i = 0; i < args.length; i++) v[4 + i] = args[i]!;
    this.seq = (this.seq + 1) & 0x7fff;
    // Opening the job (its sequence number into `next`) comes last, with a fence.
    Atomics.store(v, 2, this.seq << 16);
    if (this.pool) {
      this.pool.run(
        this.instance,
        this.job,
        this.seq,
        poolEnabled && work >= POOL_MIN_WORK && ntasks > 1,
      );
    } else {
      this.instance.exports.run(this.job, 0, this.seq);
    }
  }
}

let poolEnabled = true;
/** Lets jobs run on the pool's threads (default) or only on the calling thread (benchmarks). */
export function useKernelThreads(on: boolean): void {
  poolEnabled = on;
}

const byBackend = new WeakMap<object, Kernels>();
/** The kernels of a wasm backend (instantiated on its memory at the first call). */
export function kernelsOf(backend: unknown): Kernels {
  let k = byBackend.get(backend as object);
  if (!k) {
    k = new Kernels(backend as WasmBackendLike);
    byBackend.set(backend as object, k);
  }
  return k;
}
