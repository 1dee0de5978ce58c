// Keys and values of earlier positions, per layer, so that generation computes each new token's
// attention without recomputing the prefix (Hugging Face's `past_key_values`).

import type * as tf from '@tensorflow/tfjs';

/** A KV cache: pass the same object to successive `CausalLM.forward` calls; dispose it after. */
export class KVCache {
  /** Per layer, [batch, kvHeads, length, headDim]. */
  keys: tf.Tensor4D[] = [];
  values: tf.Tensor4D[] = [];

  /** Positions cached so far. */
  get length(): number {
    return this.keys[0]?.shape[2] ?? 0;
  }

  /** Rows in the cache (0 when empty). */
  get batch(): number {
    return this.keys[0]?.shape[0] ?? 0;
  }

  /** Takes ownership of the new tensors and frees the old ones. */
  replace(keys: tf.Tensor4D[], values: tf.Tensor4D[]): void {
    const keep = new Set<tf.Tensor>([...keys, ...values]);
    for (const t of [...this.keys, ...this.values]) if (!keep.has(t)) t.dispose();
    this.keys = keys;
    this.values = values;
  }

  dispose(): void {
    this.replace([], []);
  }
}
