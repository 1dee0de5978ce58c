// GPT-2 (`model_type: 'gpt2'`), read off Hugging Face's configuration_gpt2.py and modeling_gpt2.py:
// learned positions, pre-LayerNorm blocks, a fused `c_attn`, GELU MLP, the head tied to `wte`.

import * as tf from '@tensorflow/tfjs';
import { ConfigError, type ConfigSpec, defineConfig, is, ValidationError } from '@va/core';
import { simdKernelsActive } from '../kernels/index.js';
import { addLayerNorm, embed, geluErf, geluTanh, layerNorm, packedAttention } from '../ops.js';
import { type Architecture, type CommonConfig, type ParamSpec, specList } from './architecture.js';
import { attend, causalBias, type LayerCache, splitHeads } from './blocks.js';
import {
  optionalPositiveInteger,
  pick,
  TOKEN_ID_FIELDS,
  type TokenIdKeys,
  tokenIdsOf,
} from './fields.js';

/** The `config.json` keys of a GPT-2 model (names as Hugging Face writes them). */
export interface Gpt2Config extends TokenIdKeys {
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  n_inner: number | null;
  activation_function: 'gelu_new' | 'gelu_pytorch_tanh' | 'gelu' | 'relu';
  layer_norm_epsilon: number;
  scale_attn_weights: boolean;
  scale_attn_by_inverse_layer_idx: boolean;
  tie_word_embeddings: boolean;
}

/** A resolved GPT-2 config. */
export interface Gpt2ModelConfig extends CommonConfig {
  readonly family: 'gpt2';
  readonly modelType: 'gpt2';
  readonly hf: Readonly<Gpt2Config>;
}

/** GPT-2's config keys with Hugging Face's defaults (the 124M `gpt2` checkpoint). */
export const Gpt2Config: ConfigSpec<Gpt2Config> = defineConfig<Gpt2Config>('Gpt2Config', {
  vocab_size: { default: 50257, doc: 'tokens in the vocabulary', check: is.positiveInteger },
  n_positions: {
    default: 1024,
    doc: 'learned positions (longest input)',
    check: is.positiveInteger,
  },
  n_embd: { default: 768, doc: 'width of the residual stream', check: is.positiveInteger },
  n_layer: { default: 12, doc: 'transformer blocks', check: is.positiveInteger },
  n_head: { default: 12, doc: 'attention heads (must divide n_embd)', check: is.positiveInteger },
  n_inner: {
    default: null,
    doc: 'MLP width; null means 4 * n_embd',
    check: optionalPositiveInteger,
  },
  activation_function: {
    default: 'gelu_new',
    doc: "MLP activation: 'gelu_new' (tanh approximation, GPT-2's), 'gelu_pytorch_tanh', 'gelu', 'relu'",
    check: is.oneOf('gelu_new', 'gelu_pytorch_tanh', 'gelu', 'relu'),
  },
  layer_norm_epsilon: { default: 1e-5, doc: 'LayerNorm epsilon', check: is.positive },
  scale_attn_weights: { default: true, doc: 'divide attention scores by sqrt(head_dim)' },
  scale_attn_by_inverse_layer_idx: {
    default: false,
    doc: 'also divide attention scores of layer i by i + 1',
  },
  tie_word_embeddings: {
    default: true,
    doc: 'the output head is wte (GPT-2 always ties)',
    check: (v) => (v ? undefined : 'untied GPT-2 heads are not supported'),
  },
  ...TOKEN_ID_FIELDS,
});

const parseConfig: Architecture<Gpt2ModelConfig>['parseConfig'] = (json, raw) => {
  const hf = Gpt2Config.resolve(pick(Gpt2Config, json));
  if (hf.n_embd % hf.n_head !== 0) {
    throw new ConfigError('Gpt2Config', 'n_head', `${hf.n_head} must divide n_embd ${hf.n_embd}`);
  }
  return Object.freeze({
    family: 'gpt2',
    modelType: 'gpt2',
    hf,
    vocabSize: hf.vocab_size,
    hiddenSize: hf.n_embd,
    numLayers: hf.n_layer,
    numHeads: hf.n_head,
    numKvHeads: hf.n_head,
    headDim: hf.n_embd / hf.n_head,
    intermediateSize: hf.n_inner ?? 4 * hf.n_embd,
    maxPositions: hf.n_positions,
    normEps: hf.layer_norm_epsilon,
    tieWordEmbeddings: true,
    ...tokenIdsOf(hf),
    raw,
  } satisfies Gpt2ModelConfig);
};

/** GPT-2's parameters; its `Conv1D` weights are [in, out] in the checkpoint, as we hold them. */
function parameterSpecs(config: Gpt2ModelConfig): ParamSpec[] {
  const d = config.hiddenSize;
  const f = config.intermediateSize;
  const { specs, add } = specList();
  const conv1d = (path: string, inp: number, out: number, residual = false) => {
    add(`${path}.weight`, [inp, out], 'matrix', { residual });
    add(`${path}.bias`, [out], 'bias');
  };
  const norm = (path: string) => {
    add(`${path}.weight`, [d], 'norm');
    add(`${path}.bias`, [d], 'bias');
  };
  add('wte.weight', [config.vocabSize, d], 'embedding', { head: true });
  add('wpe.weight', [config.maxPositions, d], 'embedding');
  for (let i = 0; i < config.numLayers; i++) {
    const p = `h.${i}`;
    norm(`${p}.ln_1`);
    conv1d(`${p}.attn.c_attn`, d, 3 * d);
    conv1d(`${p}.attn.c_proj`, d, d, true);
    norm(`${p}.ln_2`);
    conv1d(`${p}.mlp.c_fc`, d, f);
    conv1d(`${p}.mlp.c_proj`, f, d, true);
  }
  norm('ln_f');
  return specs;
}

function activation(config: Gpt2ModelConfig): (x: tf.Tensor) => tf.Tensor {
  switch (config.hf.activation_function) {
    case 'gelu':
      return geluErf;
    case 'relu':
      return tf.relu;
    default:
      return geluTanh;
  }
}

/** GPT-2's stack: learned positions, pre-LayerNorm blocks, fused c_attn, GELU MLP. */
const stack: Architecture<Gpt2ModelConfig>['stack'] = (config, w, inp) => {
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
  const norm = (x: tf.Tensor, path: string) =>
    layerNorm(x, w.param(`${path}.weight`), w.param(`${path}.bias`), eps) as tf.Tensor2D;
  // x + delta and the norm after it (one pass on wasm): each block's residual adds feed a norm.
  const addNorm = (x: tf.Tensor, delta: tf.Tensor, path: string) => {
    const r = addLayerNorm(x, delta, w.param(`${path}.weight`), w.param(`${path}.bias`), eps);
    return { x: r.sum as tf.Tensor2D, normed: r.y as tf.Tensor2D };
  };
  const pos = tf.tensor1d(flat, 'int32');
  let x = embed(w.param('wte.weight') as tf.Tensor2D, inp.ids, {
    positions: { table: w.param('wpe.weight') as tf.Tensor2D, ids: pos },
  }); // [b*t, d]
  const act = activation(config);
  const bias = causalBias(inp);
  const cache: LayerCache = { keys: [], values: [] };
  // Without a cache to fill, the wasm kernels attend on c_attn's output as it is.
  const inPlace = simdKernelsActive() && !inp.past && !inp.keepCache;
  let a = norm(x, 'h.0.ln_1');
  for (let i = 0; i < config.numLayers; i++) {
    const p = `h.${i}`;
    const qkv = w.linear(`${p}.attn.c_attn`, a); // [b*t, 3d]
    let scale = config.hf.scale_attn_weights ? 1 / Math.sqrt(hd) : 1;
    if (config.hf.scale_attn_by_inverse_layer_idx) scale /= i + 1;
    let attn: tf.Tensor2D;
    if (inPlace) {
      attn = packedAttention(qkv, bias, { batch: b, time: t, heads: h, headDim: hd }, scale);
    } else {
      const heads = tf.split(qkv, 3, 1).map((z) => splitHeads(z as tf.Tensor2D, b, t, h, hd));
      attn = attend(inp, i, cache, heads as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D], bias, scale);
    }
    const mid = addNorm(x, w.linear(`${p}.attn.c_proj`, attn), `${p}.ln_2`);
    const up = act(w.linear(`${p}.mlp.c_fc`, mid.normed)) as tf.Tensor2D;
    // The next block's ln_1, or ln_f after the last.
    const next = addNorm(
      mid.x,
      w.linear(`${p}.mlp.c_proj`, up),
      i + 1 < config.numLayers ? `h.${i + 1}.ln_1` : 'ln_f',
    );
    x = next.x;
    a = next.normed;
  }
  return { hidden: a, ...cache };
};

export const gpt2: Architecture<Gpt2ModelConfig> = {
  family: 'gpt2',
  parseConfig,
  parameterSpecs,
  stack,
  modelTypes: { gpt2: 'GPT2LMHeadModel' },
  checkpointPrefix: 'transformer.',
  // The causal-mask buffers older checkpoints carry.
  ignoredTensors: [/(^|\.)attn\.(masked_)?bias$/],
  normInit: 1,
  loraTargets: ['c_attn'],
  learnedPositions: true,
};
