// The Llama family (`llama`, `qwen2`, `mistral`), read off Hugging Face's modeling_llama.py: RMSNorm,
// rotary q/k, grouped-query attention, SwiGLU; Qwen2 adds q/k/v biases, Mistral a sliding window.

import { ConfigError, type ConfigSpec, defineConfig, is } from '@va/core';
import { silu } from '../ops.js';
import type { Architecture, CommonConfig } from './architecture.js';
import { causalBias, gatedMlp, rotary, rotarySelfAttention } from './blocks.js';
import {
  DECODER_LAYOUT,
  type DecoderKeys,
  decoderCommon,
  decoderFields,
  decoderStack,
} from './decoder.js';
import { optionalPositiveInteger, pick } from './fields.js';

/** The `config.json` keys of a Llama-family model (Llama, Qwen2, Mistral). */
export interface LlamaConfig extends DecoderKeys {
  head_dim: number | null;
  hidden_act: 'silu' | 'swish';
  mlp_bias: boolean;
  sliding_window: number | null;
  use_sliding_window: boolean;
}

/** A resolved Llama-family config. */
export interface LlamaModelConfig extends CommonConfig {
  readonly family: 'llama';
  readonly modelType: 'llama' | 'qwen2' | 'mistral';
  readonly hf: Readonly<LlamaConfig>;
  /** Biases on q/k/v projections (Qwen2 always, Llama with attention_bias). */
  readonly qkvBias: boolean;
  /** Bias on the output projection (Llama/Mistral with attention_bias; never Qwen2). */
  readonly oBias: boolean;
  /** Biases on the gate, up and down projections (mlp_bias). */
  readonly mlpBias: boolean;
  /**
   * Mistral's sliding window (keys at most this many positions back); undefined for Llama and for
   * Qwen2, whose configs carry a `sliding_window` that only `use_sliding_window` turns on.
   */
  readonly slidingWindow: number | undefined;
}

/** Llama-family config keys with Hugging Face's `LlamaConfig` defaults (Llama-2-7B's shape). */
export const LlamaConfig: ConfigSpec<LlamaConfig> = defineConfig<LlamaConfig>('LlamaConfig', {
  ...decoderFields(
    {
      vocab_size: 32000,
      hidden_size: 4096,
      intermediate_size: 11008,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      max_position_embeddings: 2048,
      tie_word_embeddings: false,
    },
    {
      intermediate_size: 'SwiGLU MLP width',
      rope_scaling:
        "rotary scaling: null, {rope_type: 'linear', factor} or Llama 3's {rope_type: 'llama3', ...}",
      attention_bias: 'biases on q, k, v and o (Llama); Qwen2: q, k, v only',
    },
  ),
  head_dim: {
    default: null,
    doc: 'width of one head; null means hidden_size / num_attention_heads',
    check: optionalPositiveInteger,
  },
  hidden_act: {
    default: 'silu',
    doc: 'gate activation of SwiGLU',
    check: is.oneOf('silu', 'swish'),
  },
  mlp_bias: { default: false, doc: 'biases on gate, up and down projections' },
  sliding_window: {
    default: null,
    doc: 'Mistral: attend to at most this many previous positions (Qwen2: only with use_sliding_window)',
    check: optionalPositiveInteger,
  },
  use_sliding_window: {
    default: false,
    doc: 'Qwen2: sliding-window attention (not supported)',
    check: (v) => (v ? 'Qwen2 sliding-window attention is not supported' : undefined),
  },
});

const parseConfig: Architecture<LlamaModelConfig>['parseConfig'] = (json, raw) => {
  const hf = LlamaConfig.resolve(pick(LlamaConfig, json));
  if (hf.head_dim === null && hf.hidden_size % hf.num_attention_heads !== 0) {
    throw new ConfigError(
      'LlamaConfig',
      'num_attention_heads',
      `${hf.num_attention_heads} must divide hidden_size ${hf.hidden_size} (or give head_dim)`,
    );
  }
  const modelType = json.model_type as LlamaModelConfig['modelType'];
  const headDim = hf.head_dim ?? hf.hidden_size / hf.num_attention_heads;
  const isQwen2 = modelType === 'qwen2';
  return Object.freeze({
    family: 'llama',
    modelType,
    hf,
    ...decoderCommon('LlamaConfig', hf, headDim, raw),
    qkvBias: isQwen2 || hf.attention_bias,
    oBias: !isQwen2 && hf.attention_bias,
    mlpBias: hf.mlp_bias,
    slidingWindow: modelType === 'mistral' ? (hf.sliding_window ?? undefined) : undefined,
  } satisfies LlamaModelConfig);
};

/** Llama / Qwen2 / Mistral: RMSNorm, rotary q/k, grouped-query attention, SwiGLU MLP. */
const stack: Architecture<LlamaModelConfig>['stack'] = (config, w, inp) => {
  const rope = rotary(inp.positions, config);
  // Mistral's window applies to every layer.
  const bias = causalBias(inp, config.slidingWindow);
  const scale = 1 / Math.sqrt(config.headDim);
  return decoderStack(config, w, inp, {
    normOffset: 0,
    attention: (layer, prefix, normed, cache) =>
      rotarySelfAttention(config, w, inp, normed, { prefix, layer, rope, bias, scale }, cache),
    midNorm: 'post_attention',
    mlp: (_layer, prefix, normed) => gatedMlp(w, prefix, normed, silu),
  });
};

export const llama: Architecture<LlamaModelConfig> = {
  family: 'llama',
  parseConfig,
  stack,
  modelTypes: {
    llama: 'LlamaForCausalLM',
    qwen2: 'Qwen2ForCausalLM',
    mistral: 'MistralForCausalLM',
  },
  ...DECODER_LAYOUT,
  normInit: 1,
};
