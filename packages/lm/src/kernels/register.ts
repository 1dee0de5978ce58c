// Registers the wasm SIMD kernels (csrc/) as tfjs kernels of the `wasm` backend, once, and says
// whether the model's ops should use them: on wasm, when the module instantiates on the backend's
// memory, unless switched off (benchmarks compare both ways).

import * as tf from '@tensorflow/tfjs';
import { registerActivations } from './activation.js';
import { registerAttention } from './attention.js';
import { registerEmbed } from './embed.js';
import { registerLoss } from './loss.js';
import { registerMatMul } from './matmul.js';
import { kernelsOf } from './module.js';
import { registerNorms } from './norm.js';

let registered = false;
let enabled = true;
const usable = new WeakMap<object, boolean>();

/** Registers every kernel for the `wasm` backend, once (nothing when wasm is not loaded). */
export function ensureSimdKernels(): void {
  if (registered || !tf.getKernel(tf.Add, 'wasm')) return;
  registered = true;
  registerMatMul();
  registerAttention();
  registerNorms();
  registerActivations();
  registerLoss();
  registerEmbed();
}

/**
 * Switches the kernels off (`false`: every backend runs the composed tfjs ops) or back on.
 * For benchmarks and tests that compare the two; results agree to float32 rounding.
 */
export function useSimdKernels(on: boolean): void {
  enabled = on;
}

/** Whether the model's ops run on the kernels now. */
export function simdKernelsActive(): boolean {
  if (!(enabled && registered && tf.getBackend() === 'wasm')) return false;
  const backend = tf.backend() as object;
  let ok = usable.get(backend);
  if (ok === undefined) {
    try {
      kernelsOf(backend);
      ok = true;
    } catch {
      ok = false;
    }
    usable.set(backend, ok);
  }
  return ok;
}
