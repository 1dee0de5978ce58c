// Gemma, Gemma 2 and Gemma 3's text models (`gemma`, `gemma2`, `gemma3_text`), read off transformers'
// modeling_gemma / gemma2 / gemma3 and the defaults of GemmaConfig, Gemma2Config, Gemma3TextConfig.

import { ConfigError, type ConfigSpec, defineConfig, is } from '@va/core';
import { geluErf, geluTanh, softcap } from '../ops.js';
import type { Architecture, CommonConfig } from './architecture.js';
import { causalBias, gatedMlp, rotary, rotarySelfAttention } from './blocks.js';
import {
  DECODER_LAYOUT,
  type DecoderKeys,
  decoderCommon,
  decoderFields,
  decoderStack,
  namedNorm,
} from './decoder.js';
import { optionalPositive, optionalPositiveInteger, pick } from './fields.js';

/** The Gemma `model_type`s: Gemma (1, 1.1), Gemma 2, and Gemma 3's text-only models. */
export const GEMMA_MODEL_TYPES = ['gemma', 'gemma2', 'gemma3_text'] as const;
export type GemmaModelType = (typeof GEMMA_MODEL_TYPES)[number];

/** The `config.json` keys of a Gemma model (all three types; each reads the keys it knows). */
export interface GemmaConfig extends DecoderKeys {
  head_dim: number;
  hidden_activation: 'gelu_pytorch_tanh' | 'gelu_new' | 'gelu' | null;
  query_pre_attn_scalar: number | null;
  sliding_window: number | null;
  attn_logit_softcapping: number | null;
  final_logit_softcapping: number | null;
  rope_local_base_freq: number | null;
  sliding_window_pattern: number | null;
  layer_types: string[] | null;
  use_bidirectional_attention: boolean;
}

const LAYER_TYPES = ['sliding_attention', 'full_attention'];

/** A resolved Gemma config; the fields say how the shared stack runs this model type. */
export interface GemmaModelConfig extends CommonConfig {
  readonly family: 'gemma';
  readonly modelType: GemmaModelType;
  readonly hf: Readonly<GemmaConfig>;
  readonly qkvBias: boolean;
  readonly oBias: boolean;
  /** The GeGLU gate: tanh-approximated GELU (`gelu_pytorch_tanh`, `gelu_new`) or exact (`gelu`). */
  readonly activation: 'tanh' | 'exact';
  /** Attention scores are multiplied by it: head_dim^-1/2 (Gemma), query_pre_attn_scalar^-1/2. */
  readonly queryScale: number;
  readonly attnSoftcap: number | undefined;
  readonly finalSoftcap: number | undefined;
  /** Gemma 2/3: norms after attention and around the MLP (four per layer). */
  readonly sandwichNorms: boolean;
  /** Gemma 3: RMSNorm of each query and key head. */
  readonly qkNorm: boolean;
  readonly slidingWindow: number | undefined;
  /** Per layer: attends through the sliding window (always false without one). */
  readonly slidingLayers: readonly boolean[];
  /** Gemma 3: rotary base of the sliding layers (unscaled); undefined: every layer uses rope_theta. */
  readonly localRopeTheta: number | undefined;
  /** sqrt(hidden_size) rounded to float32, as `torch.tensor(hidden_size ** 0.5)` (embeddings' scale). */
  readonly embedScale: number;
}

/**
 * Gemma config keys. The defaults are transformers' `GemmaConfig` (Gemma-7B's shape); `gemma2` and
 * `gemma3_text` files fill the keys they omit from {@link GEMMA_TYPE_DEFAULTS} first.
 */
export const GemmaConfig: ConfigSpec<GemmaConfig> = defineConfig<GemmaConfig>('GemmaConfig', {
  ...decoderFields(
    {
      vocab_size: 256000,
      hidden_size: 3072,
      intermediate_size: 24576,
      num_hidden_layers: 28,
      num_attention_heads: 16,
      max_position_embeddings: 8192,
      tie_word_embeddings: true,
    },
    {
      intermediate_size: 'GeGLU MLP width',
      num_key_value_heads:
        'key/value heads (1: multi-query, Gemma-2B); null means num_attention_heads',
      rope_theta: 'rotary base (Gemma 3: of the global layers)',
      rope_scaling:
        "rotary scaling (Gemma 3: global layers only): null or {rope_type: 'linear', factor}",
    },
  ),
  head_dim: {
    default: 256,
    doc: 'width of one head, independent of hidden_size / num_attention_heads',
    check: is.positiveInteger,
  },
  hidden_activation: {
    default: null,
    doc: "gate activation of GeGLU; null means 'gelu_pytorch_tanh' (transformers ignores hidden_act)",
    check: (v) =>
      v === null || ['gelu_pytorch_tanh', 'gelu_new', 'gelu'].includes(v)
        ? undefined
        : "must be null, 'gelu_pytorch_tanh', 'gelu_new' or 'gelu'",
  },
  query_pre_attn_scalar: {
    default: null,
    doc: 'Gemma 2/3: attention scores are scaled by its -1/2 power (Gemma: head_dim)',
    check: optionalPositive,
  },
  sliding_window: {
    default: null,
    doc: 'Gemma 2/3: the sliding layers see a token and the sliding_window - 1 before it',
    check: optionalPositiveInteger,
  },
  attn_logit_softcapping: {
    default: null,
    doc: 'Gemma 2/3: attention scores become cap * tanh(score / cap); null: no capping',
    check: optionalPositive,
  },
  final_logit_softcapping: {
    default: null,
    doc: 'Gemma 2/3: logits become cap * tanh(logit / cap); null: no capping',
    check: optionalPositive,
  },
  rope_local_base_freq: {
    default: null,
    doc: 'Gemma 3: rotary base of the sliding layers',
    check: optionalPositive,
  },
  sliding_window_pattern: {
    default: null,
    doc: 'Gemma 3: layer i slides unless (i + 1) is a multiple of it (when layer_types is absent)',
    check: optionalPositiveInteger,
  },
  layer_types: {
    default: null,
    doc: "per layer, 'sliding_attention' or 'full_attention' (newer files); null: from the model type",
    check: (v) =>
      v === null || (Array.isArray(v) && v.every((t) => LAYER_TYPES.includes(t)))
        ? undefined
        : `must be null or an array of ${LAYER_TYPES.map((t) => `'${t}'`).join(' / ')}`,
  },
  use_bidirectional_attention: {
    default: false,
    doc: 'EmbeddingGemma: attention in both directions (not supported: these are causal LMs)',
    check: (v) => (v ? 'bidirectional (embedding) Gemma models are not supported' : undefined),
  },
});

const GEMMA_TOKENS = { bos_token_id: 2, eos_token_id: 1, pad_token_id: 0 };

/**
 * What a config.json omits means, per model type (transformers' defaults for the type, where they
 * differ from {@link GemmaConfig}'s). An explicit null in the file stays null.
 */
export const GEMMA_TYPE_DEFAULTS: Readonly<Record<GemmaModelType, Partial<GemmaConfig>>> =
  Object.freeze({
    gemma: GEMMA_TOKENS,
    gemma2: {
      ...GEMMA_TOKENS,
      hidden_size: 2304,
      intermediate_size: 9216,
      num_hidden_layers: 26,
      num_attention_heads: 8,
      num_key_value_heads: 4,
      query_pre_attn_scalar: 256,
      sliding_window: 4096,
      attn_logit_softcapping: 50,
      final_logit_softcapping: 30,
    },
    gemma3_text: {
      ...GEMMA_TOKENS,
      vocab_size: 262208,
      hidden_size: 2304,
      intermediate_size: 9216,
      num_hidden_layers: 26,
      num_attention_heads: 8,
      num_key_value_heads: 4,
      max_position_embeddings: 131072,
      rope_theta: 1_000_000,
      query_pre_attn_scalar: 256,
      sliding_window: 4096,
      rope_local_base_freq: 10000,
      sliding_window_pattern: 6,
    },
  });

function slidingLayers(type: GemmaModelType, hf: Readonly<GemmaConfig>): boolean[] {
  const n = hf.num_hidden_layers;
  if (type === 'gemma' || hf.sliding_window === null) return new Array<boolean>(n).fill(false);
  if (hf.layer_types !== null) {
    if (hf.layer_types.length !== n) {
      throw new ConfigError(
        'GemmaConfig',
        'layer_types',
        `needs one entry per layer (${n}), got ${hf.layer_types.length}`,
      );
    }
    return hf.layer_types.map((t) => t === 'sliding_attention');
  }
  // Gemma 2: the even layers slide; Gemma 3: all but every sliding_window_pattern-th.
  const pattern = type === 'gemma2' ? 2 : (hf.sliding_window_pattern ?? 6);
  return Array.from({ length: n }, (_, i) => (i + 1) % pattern !== 0);
}

/** Resolves a Gemma `config.json` object (its `model_type` one of {@link GEMMA_MODEL_TYPES}). */
const parseConfig: Architecture<GemmaModelConfig>['parseConfig'] = (json, raw) => {
  const type = json.model_type as GemmaModelType;
  const hf = GemmaConfig.resolve({ ...GEMMA_TYPE_DEFAULTS[type], ...pick(GemmaConfig, json) });
  const later = type !== 'gemma';
  const sliding = slidingLayers(type, hf);
  return Object.freeze({
    family: 'gemma',
    modelType: type,
    hf,
    ...decoderCommon('GemmaConfig', hf, hf.head_dim, raw),
    qkvBias: hf.attention_bias,
    oBias: hf.attention_bias,
    activation: hf.hidden_activation === 'gelu' ? 'exact' : 'tanh',
    queryScale: (later ? (hf.query_pre_attn_scalar ?? hf.head_dim) : hf.head_dim) ** -0.5,
    attnSoftcap: later ? (hf.attn_logit_softcapping ?? undefined) : undefined,
    finalSoftcap: later ? (hf.final_logit_softcapping ?? undefined) : undefined,
    sandwichNorms: later,
    qkNorm: type === 'gemma3_text',
    slidingWindow: sliding.some(Boolean) ? (hf.sliding_window ?? undefined) : undefined,
    slidingLayers: Object.freeze(sliding),
    localRopeTheta: type === 'gemma3_text' ? (hf.rope_local_base_freq ?? 10000) : undefined,
    embedScale: Math.fround(Math.sqrt(hf.hidden_size)),
  } satisfies GemmaModelConfig);
};

/**
 * Gemma / Gemma 2 / Gemma 3 (text): embeddings times sqrt(hidden), RMSNorm x * (1 + w), rotary q/k
 * (Gemma 3: after a norm of each head; sliding layers with their own unscaled base), grouped-query
 * attention scaled by query_pre_attn_scalar^-1/2 with optional soft-capping, GeGLU MLP (GELU tanh),
 * and Gemma 2/3's norms after attention and around the MLP.
 */
const stack: Architecture<GemmaModelConfig>['stack'] = (config, w, inp) => {
  const globalRope = rotary(inp.positions, config);
  const local = config.localRopeTheta;
  const localRope = local === undefined ? globalRope : rotary(inp.positions, config, local);
  // The sliding layers' bias differs only once a query has keys beyond the window.
  const bias = causalBias(inp);
  const window = config.slidingWindow;
  const windowBias =
    window !== undefined && inp.mask[0]!.length > window ? causalBias(inp, window) : bias;
  // Gemma's RMSNorm scales by (1 + w): the weights are stored centred on 0.
  const norm = namedNorm(w, config.normEps, 1);
  const act = config.activation === 'exact' ? geluErf : geluTanh;
  return decoderStack(config, w, inp, {
    normOffset: 1,
    embedScale: config.embedScale,
    attention(layer, prefix, normed, cache) {
      const sliding = config.slidingLayers[layer]!;
      const at = {
        prefix,
        layer,
        rope: sliding ? localRope : globalRope,
        bias: sliding ? windowBias : bias,
        scale: config.queryScale,
        ...(config.attnSoftcap !== undefined ? { softcap: config.attnSoftcap } : {}),
        ...(config.qkNorm ? { headNorm: norm } : {}),
      };
      const o = rotarySelfAttention(config, w, inp, normed, at, cache);
      // Gemma 2/3 norm the attention's output before the residual add, then again before the MLP.
      return config.sandwichNorms ? norm(o, `${prefix}.post_attention_layernorm.weight`) : o;
    },
    midNorm: config.sandwichNorms ? 'pre_feedforward' : 'post_attention',
    mlp(_layer, prefix, normed) {
      const f = gatedMlp(w, prefix, normed, act);
      return config.sandwichNorms ? norm(f, `${prefix}.post_feedforward_layernorm.weight`) : f;
    },
  });
};

export const gemma: Architecture<GemmaModelConfig> = {
  family: 'gemma',
  parseConfig,
  stack,
  finishLogits: (config, logits) =>
    config.finalSoftcap === undefined ? logits : softcap(logits, config.finalSoftcap),
  modelTypes: {
    gemma: 'GemmaForCausalLM',
    gemma2: 'Gemma2ForCausalLM',
    gemma3_text: 'Gemma3ForCausalLM',
  },
  ...DECODER_LAYOUT,
  normInit: 0,
};
