// The Llama layout that llama.ts and gemma.ts share (modeling_llama.py's names): the config.json keys
// both read under the same names, the parameters of `model.embed_tokens` ... `model.norm`, and the
// stack around the layers (embeddings, the residual adds with the RMSNorm after each).

import type * as tf from '@tensorflow/tfjs';
import { ConfigError, type ConfigSchema, is } from '@va/core';
import { addRmsNorm, embed, rmsNorm } from '../ops.js';
import {
  type CommonConfig,
  type ParamSpec,
  type StackInputs,
  type StackOutputs,
  type StackWeights,
  specList,
} from './architecture.js';
import { type LayerCache, nextInputNorm } from './blocks.js';
import {
  checkRopeScaling,
  optionalPositiveInteger,
  TOKEN_ID_FIELDS,
  type TokenIdKeys,
  tokenIdsOf,
} from './fields.js';

/** The `config.json` keys the Llama family and Gemma share, under the same names. */
export interface DecoderKeys extends TokenIdKeys {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number | null;
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta: number;
  rope_scaling: Record<string, unknown> | null;
  attention_bias: boolean;
  tie_word_embeddings: boolean;
}

/** The defaults that differ between transformers' `LlamaConfig` and `GemmaConfig`. */
export type DecoderDefaults = Pick<
  DecoderKeys,
  | 'vocab_size'
  | 'hidden_size'
  | 'intermediate_size'
  | 'num_hidden_layers'
  | 'num_attention_heads'
  | 'max_position_embeddings'
  | 'tie_word_embeddings'
>;

/** The shared keys' fields, with a family's defaults and, where its meaning differs, its docs. */
export function decoderFields(
  defaults: DecoderDefaults,
  docs: Partial<Record<keyof DecoderKeys, string>> = {},
): ConfigSchema<DecoderKeys> {
  const d = defaults;
  return {
    vocab_size: {
      default: d.vocab_size,
      doc: 'tokens in the vocabulary',
      check: is.positiveInteger,
    },
    hidden_size: {
      default: d.hidden_size,
      doc: 'width of the residual stream',
      check: is.positiveInteger,
    },
    intermediate_size: {
      default: d.intermediate_size,
      doc: docs.intermediate_size ?? 'gated MLP width',
      check: is.positiveInteger,
    },
    num_hidden_layers: {
      default: d.num_hidden_layers,
      doc: 'transformer blocks',
      check: is.positiveInteger,
    },
    num_attention_heads: {
      default: d.num_attention_heads,
      doc: 'query heads',
      check: is.positiveInteger,
    },
    num_key_value_heads: {
      default: null,
      doc:
        docs.num_key_value_heads ??
        'key/value heads (grouped-query attention); null means num_attention_heads',
      check: optionalPositiveInteger,
    },
    max_position_embeddings: {
      default: d.max_position_embeddings,
      doc: 'longest input',
      check: is.positiveInteger,
    },
    rms_norm_eps: { default: 1e-6, doc: 'RMSNorm epsilon', check: is.positive },
    rope_theta: { default: 10000, doc: docs.rope_theta ?? 'rotary base', check: is.positive },
    rope_scaling: {
      default: null,
      doc: docs.rope_scaling ?? "rotary scaling: null or {rope_type: 'linear', factor}",
      check: checkRopeScaling,
    },
    attention_bias: {
      default: false,
      doc: docs.attention_bias ?? 'biases on q, k, v and o',
    },
    tie_word_embeddings: {
      default: d.tie_word_embeddings,
      doc: 'the output head is embed_tokens',
    },
    ...TOKEN_ID_FIELDS,
  };
}

/**
 * The family-independent fields of a Llama-family or Gemma config, after checking that the
 * key/value heads divide the query heads and that rotary gets an even `headDim`.
 */
export function decoderCommon(
  specName: string,
  hf: Readonly<DecoderKeys>,
  headDim: number,
  raw: Readonly<Record<string, unknown>>,
): Omit<CommonConfig, 'family' | 'modelType' | 'hf'> {
  const numKvHeads = hf.num_key_value_heads ?? hf.num_attention_heads;
  if (hf.num_attention_heads % numKvHeads !== 0) {
    throw new ConfigError(
      specName,
      'num_key_value_heads',
      `${numKvHeads} must divide num_attention_heads ${hf.num_attention_heads}`,
    );
  }
  if (headDim % 2 !== 0) {
    throw new ConfigError(specName, 'head_dim', `rotary needs an even head_dim, got ${headDim}`);
  }
  return {
    vocabSize: hf.vocab_size,
    hiddenSize: hf.hidden_size,
    numLayers: hf.num_hidden_layers,
    numHeads: hf.num_attention_heads,
    numKvHeads,
    headDim,
    intermediateSize: hf.intermediate_size,
    maxPositions: hf.max_position_embeddings,
    normEps: hf.rms_norm_eps,
    tieWordEmbeddings: hf.tie_word_embeddings,
    ...tokenIdsOf(hf),
    raw,
  };
}

/** What varies in the layout: biases (Qwen2, Llama's `attention_bias` / `mlp_bias`), Gemma's norms. */
export interface DecoderLayout {
  readonly qkvBias: boolean;
  readonly oBias: boolean;
  readonly mlpBias?: boolean;
  /** Gemma 3: `q_norm` / `k_norm` of each head. */
  readonly qkNorm?: boolean;
  /** Gemma 2/3: `pre_feedforward_layernorm` / `post_feedforward_layernorm`. */
  readonly sandwichNorms?: boolean;
}

/** Every parameter of the Llama layout, in checkpoint order (Linear weights [out, in]). */
export function decoderSpecs(config: CommonConfig & DecoderLayout): ParamSpec[] {
  const d = config.hiddenSize;
  const q = config.numHeads * config.headDim;
  const kv = config.numKvHeads * config.headDim;
  const f = config.intermediateSize;
  const tied = config.tieWordEmbeddings;
  const { specs, add } = specList();
  const linear = (path: string, out: number, inp: number, bias: boolean, residual = false) => {
    add(`${path}.weight`, [out, inp], 'matrix', { transposed: true, residual });
    if (bias) add(`${path}.bias`, [out], 'bias');
  };
  add('model.embed_tokens.weight', [config.vocabSize, d], 'embedding', { head: tied });
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`;
    add(`${p}.input_layernorm.weight`, [d], 'norm');
    linear(`${p}.self_attn.q_proj`, q, d, config.qkvBias);
    linear(`${p}.self_attn.k_proj`, kv, d, config.qkvBias);
    linear(`${p}.self_attn.v_proj`, kv, d, config.qkvBias);
    linear(`${p}.self_attn.o_proj`, d, q, config.oBias, true);
    if (config.qkNorm) {
      add(`${p}.self_attn.q_norm.weight`, [config.headDim], 'norm');
      add(`${p}.self_attn.k_norm.weight`, [config.headDim], 'norm');
    }
    add(`${p}.post_attention_layernorm.weight`, [d], 'norm');
    if (config.sandwichNorms) {
      add(`${p}.pre_feedforward_layernorm.weight`, [d], 'norm');
      add(`${p}.post_feedforward_layernorm.weight`, [d], 'norm');
    }
    const mlpBias = config.mlpBias ?? false;
    linear(`${p}.mlp.gate_proj`, f, d, mlpBias);
    linear(`${p}.mlp.up_proj`, f, d, mlpBias);
    linear(`${p}.mlp.down_proj`, d, f, mlpBias, true);
  }
  add('model.norm.weight', [d], 'norm');
  if (!tied) add('lm_head.weight', [config.vocabSize, d], 'matrix', { head: true });
  return specs;
}

/**
 * What the Llama layout's families share in the registry: their parameters, checkpoint names
 * without a prefix, rotary `inv_freq` buffers to skip, PEFT's default targets.
 */
export const DECODER_LAYOUT = {
  parameterSpecs: decoderSpecs,
  checkpointPrefix: '',
  ignoredTensors: [/rotary_emb\.inv_freq$/],
  loraTargets: ['q_proj', 'v_proj'],
  learnedPositions: false,
} as const;

/** An RMSNorm by its weight's name. */
export type NamedNorm = <T extends tf.Tensor>(x: T, name: string) => T;

/** What a Llama-layout family's layers do differently; {@link decoderStack} does the rest. */
export interface DecoderLayers {
  /** RMSNorm's weight offset: 0 (`x * w`), or 1 (Gemma's `x * (1 + w)`, weights centred on 0). */
  readonly normOffset: 0 | 1;
  /** What the embeddings are multiplied by (Gemma: sqrt(hidden)); absent: 1. */
  readonly embedScale?: number;
  /** Layer `i`'s attention output from its normed input, before the residual add. */
  attention(i: number, prefix: string, normed: tf.Tensor2D, cache: LayerCache): tf.Tensor;
  /** The norm after the attention's residual add: `post_attention` (Gemma 2: `pre_feedforward`). */
  readonly midNorm: string;
  /** Layer `i`'s MLP output from its normed input, before the residual add. */
  mlp(i: number, prefix: string, normed: tf.Tensor2D): tf.Tensor;
}

/** The RMSNorm of a Llama-layout family (`offset` as {@link DecoderLayers.normOffset}). */
export function namedNorm(w: StackWeights, eps: number, offset: 0 | 1): NamedNorm {
  return (x, name) => rmsNorm(x, w.param(name), eps, offset) as typeof x;
}

/**
 * The Llama-layout stack: embeddings, then per layer `x + attention(norm(x))` and `+ mlp(norm(.))`,
 * each residual add fused with the norm after it (one pass on wasm), the last one `model.norm`.
 */
export function decoderStack(
  config: CommonConfig,
  w: StackWeights,
  inp: StackInputs,
  layers: DecoderLayers,
): StackOutputs {
  const norm = namedNorm(w, config.normEps, layers.normOffset);
  const addNorm = (x: tf.Tensor, delta: tf.Tensor, name: string) => {
    const r = addRmsNorm(x, delta, w.param(name), config.normEps, layers.normOffset);
    return { x: r.sum as tf.Tensor2D, normed: r.y as tf.Tensor2D };
  };
  const table = w.param('model.embed_tokens.weight') as tf.Tensor2D;
  let x = embed(table, inp.ids, { scale: layers.embedScale }); // [b*t, d]
  const cache: LayerCache = { keys: [], values: [] };
  let a = norm(x as tf.Tensor2D, 'model.layers.0.input_layernorm.weight');
  for (let i = 0; i < config.numLayers; i++) {
    const prefix = `model.layers.${i}`;
    const mid = addNorm(
      x,
      layers.attention(i, prefix, a, cache),
      `${prefix}.${layers.midNorm}_layernorm.weight`,
    );
    const next = addNorm(
      mid.x,
      layers.mlp(i, prefix, mid.normed),
      nextInputNorm(i, config.numLayers),
    );
    x = next.x;
    a = next.normed;
  }
  return { hidden: a, ...cache };
}
