// The decoder stacks, read off Hugging Face's modeling_gpt2.py, modeling_llama.py (Qwen2 and Mistral
// are Llama with q/k/v biases or a sliding window) and modeling_gemma / gemma2 / gemma3 (text).

import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@va/core';
import type { Gpt2ModelConfig, LlamaModelConfig, ModelConfig } from './config.js';
import type { GemmaModelConfig } from './gemma-config.js';
import {
  applyRotary,
  attention,
  embed,
  geluErf,
  geluTanh,
  layerNorm,
  rmsNorm,
  silu,
  softcap,
} from './ops.js';
import { inverseFrequencies, rotaryTables } from './rotary.js';

/** What a stack needs from the model that owns the weights. */
export interface StackWeights {
  /** A parameter in our layout (Linear weights [in, out]). */
  param(name: string): tf.Tensor;
  /** `x @ W + b` of the Linear/Conv1D module `path` (e.g. `h.0.attn.c_attn`), LoRA included. */
  linear(path: string, x: tf.Tensor2D): tf.Tensor2D;
}

/** One forward call's inputs, prepared by the model. */
export interface StackInputs {
  /** Token ids, [batch * time] int32. */
  readonly ids: tf.Tensor1D;
  readonly batch: number;
  readonly time: number;
  /** Position ids [batch][time]. */
  readonly positions: readonly (readonly number[])[];
  /** Additive attention bias [batch, 1, time, past + time]. */
  readonly bias: tf.Tensor4D;
  /**
   * The bias with the sliding window as well, for models whose layers differ (Gemma 2/3's sliding
   * layers read it; absent when the window covers every key). Mistral's `bias` has the window.
   */
  readonly windowBias?: tf.Tensor4D;
  /** Keys and values of earlier positions per layer, [batch, kvHeads, past, headDim]. */
  readonly past?: {
    readonly keys: readonly tf.Tensor4D[];
    readonly values: readonly tf.Tensor4D[];
  };
}

/** The final hidden states (after the final norm) and each layer's keys/values so far. */
export interface StackOutputs {
  /** [batch * time, hidden] */
  readonly hidden: tf.Tensor2D;
  readonly keys: tf.Tensor4D[];
  readonly values: tf.Tensor4D[];
}

/** [batch * time, heads * headDim] -> [batch, heads, time, headDim]. */
function splitHeads(x: tf.Tensor2D, b: number, t: number, h: number, hd: number): tf.Tensor4D {
  return tf.transpose(tf.reshape(x, [b, t, h, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
}

function withPast(
  x: tf.Tensor4D,
  past: readonly tf.Tensor4D[] | undefined,
  layer: number,
): tf.Tensor4D {
  return past ? (tf.concat([past[layer]!, x], 2) as tf.Tensor4D) : x;
}

function gpt2Activation(config: Gpt2ModelConfig): (x: tf.Tensor) => tf.Tensor {
  switch (config.hf.activation_function) {
    case 'gelu':
      return geluErf;
    case 'relu':
      return tf.relu;
    default:
      return geluTanh;
  }
}

/** GPT-2: learned positions, pre-LayerNorm blocks, fused c_attn, GELU MLP. */
export function gpt2Stack(
  config: Gpt2ModelConfig,
  w: StackWeights,
  inp: StackInputs,
): StackOutputs {
  const { batch: b, time: t } = inp;
  const h = config.numHeads;
  const hd = config.headDim;
  const eps = config.normEps;
  const flat = inp.positions.flat();
  const maxPos = Math.max(...flat);
  if (maxPos >= config.maxPositions) {
    throw new ValidationError(
      'CausalLM.forward',
      'inputIds',
      `at most n_positions = ${config.maxPositions} positions (GPT-2 learns one embedding per position)`,
      `position ${maxPos}`,
      'Shorten the input or the number of new tokens.',
    );
  }
  const pos = tf.tensor1d(flat, 'int32');
  let x = tf.add(
    embed(w.param('wte.weight') as tf.Tensor2D, inp.ids),
    embed(w.param('wpe.weight') as tf.Tensor2D, pos),
  ) as tf.Tensor2D; // [b*t, d]
  const act = gpt2Activation(config);
  const keys: tf.Tensor4D[] = [];
  const values: tf.Tensor4D[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `h.${i}`;
    const a = layerNorm(x, w.param(`${p}.ln_1.weight`), w.param(`${p}.ln_1.bias`), eps);
    const qkv = w.linear(`${p}.attn.c_attn`, a as tf.Tensor2D); // [b*t, 3d]
    const [q, k, v] = tf.split(qkv, 3, 1).map((z) => splitHeads(z as tf.Tensor2D, b, t, h, hd)) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ];
    const kAll = withPast(k, inp.past?.keys, i);
    const vAll = withPast(v, inp.past?.values, i);
    keys.push(kAll);
    values.push(vAll);
    let scale = config.hf.scale_attn_weights ? 1 / Math.sqrt(hd) : 1;
    if (config.hf.scale_attn_by_inverse_layer_idx) scale /= i + 1;
    const attn = attention(q, kAll, vAll, inp.bias, scale); // [b*t, d]
    x = tf.add(x, w.linear(`${p}.attn.c_proj`, attn));
    const m = layerNorm(x, w.param(`${p}.ln_2.weight`), w.param(`${p}.ln_2.bias`), eps);
    const up = act(w.linear(`${p}.mlp.c_fc`, m as tf.Tensor2D)) as tf.Tensor2D;
    x = tf.add(x, w.linear(`${p}.mlp.c_proj`, up));
  }
  const hidden = layerNorm(x, w.param('ln_f.weight'), w.param('ln_f.bias'), eps) as tf.Tensor2D;
  return { hidden, keys, values };
}

const invFreqCache = new WeakMap<LlamaModelConfig, Float32Array>();

/** Llama / Qwen2 / Mistral: RMSNorm, rotary q/k, grouped-query attention, SwiGLU MLP. */
export function llamaStack(
  config: LlamaModelConfig,
  w: StackWeights,
  inp: StackInputs,
): StackOutputs {
  const { batch: b, time: t } = inp;
  const h = config.numHeads;
  const hkv = config.numKvHeads;
  const hd = config.headDim;
  const eps = config.normEps;
  let invFreq = invFreqCache.get(config);
  if (!invFreq) {
    invFreq = inverseFrequencies(config);
    invFreqCache.set(config, invFreq);
  }
  const tables = rotaryTables(inp.positions, invFreq);
  const cos = tf.tensor4d(tables.cos, tables.shape);
  const sin = tf.tensor4d(tables.sin, tables.shape);
  let x = embed(w.param('model.embed_tokens.weight') as tf.Tensor2D, inp.ids); // [b*t, d]
  const keys: tf.Tensor4D[] = [];
  const values: tf.Tensor4D[] = [];
  const scale = 1 / Math.sqrt(hd);
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`;
    const a = rmsNorm(x, w.param(`${p}.input_layernorm.weight`), eps) as tf.Tensor2D;
    const q = applyRotary(splitHeads(w.linear(`${p}.self_attn.q_proj`, a), b, t, h, hd), cos, sin);
    const k = applyRotary(
      splitHeads(w.linear(`${p}.self_attn.k_proj`, a), b, t, hkv, hd),
      cos,
      sin,
    );
    const v = splitHeads(w.linear(`${p}.self_attn.v_proj`, a), b, t, hkv, hd);
    const kAll = withPast(k, inp.past?.keys, i);
    const vAll = withPast(v, inp.past?.values, i);
    keys.push(kAll);
    values.push(vAll);
    const attn = attention(q, kAll, vAll, inp.bias, scale); // [b*t, h*hd]
    x = tf.add(x, w.linear(`${p}.self_attn.o_proj`, attn));
    const m = rmsNorm(x, w.param(`${p}.post_attention_layernorm.weight`), eps) as tf.Tensor2D;
    const gate = silu(w.linear(`${p}.mlp.gate_proj`, m));
    const up = tf.mul(gate, w.linear(`${p}.mlp.up_proj`, m)) as tf.Tensor2D;
    x = tf.add(x, w.linear(`${p}.mlp.down_proj`, up));
  }
  const hidden = rmsNorm(x, w.param('model.norm.weight'), eps) as tf.Tensor2D;
  return { hidden, keys, values };
}

const gemmaFreqCache = new WeakMap<
  GemmaModelConfig,
  { global: Float32Array; local: Float32Array | undefined }
>();

/**
 * Gemma / Gemma 2 / Gemma 3 (text): embeddings times sqrt(hidden), RMSNorm x * (1 + w), rotary q/k
 * (Gemma 3: after a norm of each head; sliding layers with their own unscaled base), grouped-query
 * attention scaled by query_pre_attn_scalar^-1/2 with optional soft-capping, GeGLU MLP (GELU tanh),
 * and Gemma 2/3's norms after attention and around the MLP. The caller soft-caps the logits.
 */
export function gemmaStack(
  config: GemmaModelConfig,
  w: StackWeights,
  inp: StackInputs,
): StackOutputs {
  const { batch: b, time: t } = inp;
  const h = config.numHeads;
  const hkv = config.numKvHeads;
  const hd = config.headDim;
  const eps = config.normEps;
  let freqs = gemmaFreqCache.get(config);
  if (!freqs) {
    const local = config.localRopeTheta;
    freqs = {
      global: inverseFrequencies(config),
      local:
        local === undefined
          ? undefined
          : inverseFrequencies({ headDim: hd, hf: { rope_theta: local, rope_scaling: null } }),
    };
    gemmaFreqCache.set(config, freqs);
  }
  const tablesOf = (inv: Float32Array) => {
    const tables = rotaryTables(inp.positions, inv);
    return {
      cos: tf.tensor4d(tables.cos, tables.shape),
      sin: tf.tensor4d(tables.sin, tables.shape),
    };
  };
  const globalRope = tablesOf(freqs.global);
  const localRope = freqs.local ? tablesOf(freqs.local) : globalRope;
  // Gemma's RMSNorm scales by (1 + w): the weights are stored centred on 0.
  const norm = (x: tf.Tensor, name: string) => rmsNorm(x, tf.add(w.param(name), 1), eps);
  const act = config.activation === 'exact' ? geluErf : geluTanh;
  const table = w.param('model.embed_tokens.weight') as tf.Tensor2D;
  let x = tf.mul(embed(table, inp.ids), config.embedScale) as tf.Tensor2D; // [b*t, d]
  const keys: tf.Tensor4D[] = [];
  const values: tf.Tensor4D[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`;
    const sliding = config.slidingLayers[i]!;
    const { cos, sin } = sliding ? localRope : globalRope;
    const a = norm(x, `${p}.input_layernorm.weight`) as tf.Tensor2D;
    let q = splitHeads(w.linear(`${p}.self_attn.q_proj`, a), b, t, h, hd);
    let k = splitHeads(w.linear(`${p}.self_attn.k_proj`, a), b, t, hkv, hd);
    const v = splitHeads(w.linear(`${p}.self_attn.v_proj`, a), b, t, hkv, hd);
    if (config.qkNorm) {
      q = norm(q, `${p}.self_attn.q_norm.weight`) as tf.Tensor4D;
      k = norm(k, `${p}.self_attn.k_norm.weight`) as tf.Tensor4D;
    }
    q = applyRotary(q, cos, sin);
    k = applyRotary(k, cos, sin);
    const kAll = withPast(k, inp.past?.keys, i);
    const vAll = withPast(v, inp.past?.values, i);
    keys.push(kAll);
    values.push(vAll);
    const bias = sliding ? (inp.windowBias ?? inp.bias) : inp.bias;
    const attn = attention(q, kAll, vAll, bias, config.queryScale, config.attnSoftcap);
    let o: tf.Tensor = w.linear(`${p}.self_attn.o_proj`, attn);
    let m: tf.Tensor2D;
    if (config.sandwichNorms) {
      o = norm(o, `${p}.post_attention_layernorm.weight`);
      x = tf.add(x, o);
      m = norm(x, `${p}.pre_feedforward_layernorm.weight`) as tf.Tensor2D;
    } else {
      x = tf.add(x, o);
      m = norm(x, `${p}.post_attention_layernorm.weight`) as tf.Tensor2D;
    }
    const gate = act(w.linear(`${p}.mlp.gate_proj`, m));
    const up = tf.mul(gate, w.linear(`${p}.mlp.up_proj`, m)) as tf.Tensor2D;
    let f: tf.Tensor = w.linear(`${p}.mlp.down_proj`, up);
    if (config.sandwichNorms) f = norm(f, `${p}.post_feedforward_layernorm.weight`);
    x = tf.add(x, f);
  }
  const hidden = norm(x, 'model.norm.weight') as tf.Tensor2D;
  return { hidden, keys, values };
}

/** The stack of `config`'s family. */
export function runStack(config: ModelConfig, w: StackWeights, inp: StackInputs): StackOutputs {
  if (config.family === 'gemma') return gemmaStack(config, w, inp);
  return config.family === 'gpt2' ? gpt2Stack(config, w, inp) : llamaStack(config, w, inp);
}

/** Logits after the output head: Gemma 2's final soft-capping, when the config has one. */
export function finishLogits(config: ModelConfig, logits: tf.Tensor): tf.Tensor {
  const cap = config.family === 'gemma' ? config.finalSoftcap : undefined;
  return cap === undefined ? logits : softcap(logits, cap);
}

/** Linear module paths of a model (LoRA targets), e.g. `h.0.attn.c_attn`. */
export function linearModules(config: ModelConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    if (config.family === 'gpt2') {
      for (const m of ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'])
        out.push(`h.${i}.${m}`);
    } else {
      for (const m of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) {
        out.push(`model.layers.${i}.self_attn.${m}`);
      }
      for (const m of ['gate_proj', 'up_proj', 'down_proj']) out.push(`model.layers.${i}.mlp.${m}`);
    }
  }
  return out;
}
