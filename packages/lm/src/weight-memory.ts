// How much memory a model's float32 weights take, and whether a backend can hold them: the wasm
// backend's heap is 32-bit (at most 4 GiB) and, once full, hands out overlapping buffers without an
// error (measured with tfjs-backend-wasm 4.22), so a model too large for it is refused up front.

import { ResourceError } from '@va/core';
import type { ModelConfig } from './architectures/index.js';
import { countParameters } from './config.js';

/**
 * The largest float32 weights `loadCausalLM` / `createCausalLM` put on the wasm backend: 3 GiB of
 * its 4 GiB heap, leaving 1 GiB for activations, gradients and optimizer state: about 800M
 * parameters (GPT-2 and Qwen2.5-0.5B fit; Gemma-3-1B and Gemma-2B do not).
 */
export const WASM_MAX_WEIGHT_BYTES = 3 * 2 ** 30;

/** Bytes of a model's weights in float32 (how every backend holds them). */
export function weightBytes(config: ModelConfig): number {
  return countParameters(config) * 4;
}

export function formatGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** Whether the wasm backend can hold this model's weights (see {@link WASM_MAX_WEIGHT_BYTES}). */
export function fitsWasm(config: ModelConfig): boolean {
  return weightBytes(config) <= WASM_MAX_WEIGHT_BYTES;
}

/** Refuses to put a model on wasm whose weights do not fit its heap; says what to use instead. */
export function checkFitsBackend(config: ModelConfig, backend: string, where: string): void {
  if (backend !== 'wasm' || fitsWasm(config)) return;
  throw new ResourceError(
    `${where}: this ${config.modelType} model has ${countParameters(config).toLocaleString('en')} ` +
      `parameters, ${formatGiB(weightBytes(config))} in float32, and the wasm backend holds at most ` +
      `${formatGiB(WASM_MAX_WEIGHT_BYTES)} of weights (its heap is 32-bit, 4 GiB in all, and ` +
      'corrupts tensors silently when full). Load it with { backend: "cpu" } (pure JavaScript: ' +
      'slow, but no size limit beyond RAM), or install @tensorflow/tfjs-node next to ' +
      '@tensorflow/tfjs (native; the default choice when present), or use a smaller model.',
  );
}
