// Pieces the families' stacks share (modeling_llama.py's attention and MLP, which Gemma and Qwen2
// reuse): heads, the KV cache, the causal bias, rotary tables, rotary self-attention, gated MLPs.

import * as tf from '@tensorflow/tfjs';
import { attentionBias } from '../mask.js';
import { applyRotary, attention, gated } from '../ops.js';
import { inverseFrequencies, type RotaryConfig, rotaryTables } from '../rotary.js';
import type { CommonConfig, Rows, StackInputs, StackWeights } from './architecture.js';

/** [batch * time, heads * headDim] -> [batch, heads, time, headDim]. */
export function splitHeads(
  x: tf.Tensor2D,
  b: number,
  t: number,
  h: number,
  hd: number,
): tf.Tensor4D {
  return tf.transpose(tf.reshape(x, [b, t, h, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
}

/**
 * Additive attention bias [batch, 1, time, past + time] of the inputs' mask: causal, padding
 * masked, and with a sliding window, keys at most `slidingWindow - 1` positions back.
 */
export function causalBias(inp: StackInputs, slidingWindow?: number): tf.Tensor4D {
  const shape: [number, number, number, number] = [inp.batch, 1, inp.time, inp.mask[0]!.length];
  return tf.tensor4d(attentionBias(inp.mask, inp.time, slidingWindow), shape);
}

const invFreqCache = new WeakMap<RotaryConfig, Map<number | undefined, Float32Array>>();

/**
 * cos and sin [batch, 1, time, headDim] of the positions under `config`'s rotary (its rope_theta and
 * rope_scaling) or, given `base`, an unscaled rotary of that base (Gemma 3's sliding layers). The
 * frequencies are computed once per config (configs are frozen).
 */
export function rotary(
  positions: Rows,
  config: RotaryConfig,
  base?: number,
): { cos: tf.Tensor4D; sin: tf.Tensor4D } {
  let byBase = invFreqCache.get(config);
  if (!byBase) {
    byBase = new Map();
    invFreqCache.set(config, byBase);
  }
  let invFreq = byBase.get(base);
  if (!invFreq) {
    const unscaled = (theta: number) => ({ rope_theta: theta, rope_scaling: null });
    invFreq = inverseFrequencies(
      base === undefined ? config : { headDim: config.headDim, hf: unscaled(base) },
    );
    byBase.set(base, invFreq);
  }
  const tables = rotaryTables(positions, invFreq);
  return { cos: tf.tensor4d(tables.cos, tables.shape), sin: tf.tensor4d(tables.sin, tables.shape) };
}

/** Each layer's keys and values so far (this call's after the cached ones). */
export interface LayerCache {
  readonly keys: tf.Tensor4D[];
  readonly values: tf.Tensor4D[];
}

/**
 * Attention of layer `layer` over the cached keys and values followed by this call's, which join
 * `cache`: softmax(scale * q k^T + bias) v (scores soft-capped when `softcap` is given),
 * [batch * time, heads * headDim].
 */
export function attend(
  inp: StackInputs,
  layer: number,
  cache: LayerCache,
  qkv: readonly [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D],
  bias: tf.Tensor4D,
  scale: number,
  softcap?: number,
): tf.Tensor2D {
  const [q, k, v] = qkv;
  const kAll = inp.past ? (tf.concat([inp.past.keys[layer]!, k], 2) as tf.Tensor4D) : k;
  const vAll = inp.past ? (tf.concat([inp.past.values[layer]!, v], 2) as tf.Tensor4D) : v;
  cache.keys.push(kAll);
  cache.values.push(vAll);
  return attention(q, kAll, vAll, bias, scale, softcap);
}

/** How one layer of a rotary family attends. */
export interface RotaryLayer {
  /** Module prefix, e.g. `model.layers.3`. */
  readonly prefix: string;
  readonly layer: number;
  readonly rope: { readonly cos: tf.Tensor4D; readonly sin: tf.Tensor4D };
  readonly bias: tf.Tensor4D;
  readonly scale: number;
  readonly softcap?: number;
  /** A norm of each query and key head before rotary (Gemma 3's `q_norm` / `k_norm`). */
  readonly headNorm?: (x: tf.Tensor4D, name: string) => tf.Tensor4D;
}

/**
 * `self_attn` of the Llama layout on the normed input `a` [batch * time, hidden]: q/k/v projections,
 * rotary q and k, grouped-query attention, `o_proj`. Returns [batch * time, hidden].
 */
export function rotarySelfAttention(
  config: CommonConfig,
  w: StackWeights,
  inp: StackInputs,
  a: tf.Tensor2D,
  at: RotaryLayer,
  cache: LayerCache,
): tf.Tensor2D {
  const { batch: b, time: t } = inp;
  const hd = config.headDim;
  const p = `${at.prefix}.self_attn`;
  let q = splitHeads(w.linear(`${p}.q_proj`, a), b, t, config.numHeads, hd);
  let k = splitHeads(w.linear(`${p}.k_proj`, a), b, t, config.numKvHeads, hd);
  const v = splitHeads(w.linear(`${p}.v_proj`, a), b, t, config.numKvHeads, hd);
  if (at.headNorm) {
    q = at.headNorm(q, `${p}.q_norm.weight`);
    k = at.headNorm(k, `${p}.k_norm.weight`);
  }
  q = applyRotary(q, at.rope.cos, at.rope.sin);
  k = applyRotary(k, at.rope.cos, at.rope.sin);
  const attn = attend(inp, at.layer, cache, [q, k, v], at.bias, at.scale, at.softcap);
  return w.linear(`${p}.o_proj`, attn);
}

/** The Llama layout's `mlp`: down_proj(act(gate_proj(m)) * up_proj(m)) (SwiGLU, GeGLU). */
export function gatedMlp(
  w: StackWeights,
  prefix: string,
  m: tf.Tensor2D,
  act: (x: tf.Tensor) => tf.Tensor,
): tf.Tensor2D {
  const gate = w.linear(`${prefix}.mlp.gate_proj`, m);
  const up = gated(gate, w.linear(`${prefix}.mlp.up_proj`, m), act) as tf.Tensor2D;
  return w.linear(`${prefix}.mlp.down_proj`, up);
}

/**
 * The weight of the norm after layer `i`'s residual stream: the next layer's input norm, or the
 * final one after the last (the Llama layout's names), which a layer's closing residual add feeds.
 */
export function nextInputNorm(i: number, numLayers: number): string {
  return i + 1 < numLayers ? `model.layers.${i + 1}.input_layernorm.weight` : 'model.norm.weight';
}
