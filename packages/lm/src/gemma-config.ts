// Gemma configs (`gemma`, `gemma2`, `gemma3_text`) read from a Hugging Face `config.json`, with the
// defaults of transformers' GemmaConfig, Gemma2Config and Gemma3TextConfig for keys a file omits.

import { ConfigError, type ConfigSpec, defineConfig, is } from '@va/core';
import type { CommonConfig } from './config.js';
import {
  checkRopeScaling,
  decoderCommon,
  optionalPositive,
  optionalPositiveInteger,
  pick,
  type TokenIds,
  tokenIds,
} from './config-fields.js';

/** The Gemma `model_type`s: Gemma (1, 1.1), Gemma 2, and Gemma 3's text-only models. */
export const GEMMA_MODEL_TYPES = ['gemma', 'gemma2', 'gemma3_text'] as const;
export type GemmaModelType = (typeof GEMMA_MODEL_TYPES)[number];

/** The `config.json` keys of a Gemma model (all three types; each reads the keys it knows). */
export interface GemmaConfig {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number | null;
  head_dim: number;
  hidden_activation: 'gelu_pytorch_tanh' | 'gelu_new' | 'gelu' | null;
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta: number;
  rope_scaling: Record<string, unknown> | null;
  attention_bias: boolean;
  tie_word_embeddings: boolean;
  query_pre_attn_scalar: number | null;
  sliding_window: number | null;
  attn_logit_softcapping: number | null;
  final_logit_softcapping: number | null;
  rope_local_base_freq: number | null;
  sliding_window_pattern: number | null;
  layer_types: string[] | null;
  use_bidirectional_attention: boolean;
  bos_token_id: TokenIds;
  eos_token_id: TokenIds;
  pad_token_id: TokenIds;
}

const LAYER_TYPES = ['sliding_attention', 'full_attention'];

/**
 * Gemma config keys. The defaults are transformers' `GemmaConfig` (Gemma-7B's shape); `gemma2` and
 * `gemma3_text` files fill the keys they omit from {@link GEMMA_TYPE_DEFAULTS} first.
 */
export const GemmaConfig: ConfigSpec<GemmaConfig> = defineConfig<GemmaConfig>('GemmaConfig', {
  vocab_size: { default: 256000, doc: 'tokens in the vocabulary', check: is.positiveInteger },
  hidden_size: { default: 3072, doc: 'width of the residual stream', check: is.positiveInteger },
  intermediate_size: { default: 24576, doc: 'GeGLU MLP width', check: is.positiveInteger },
  num_hidden_layers: { default: 28, doc: 'transformer blocks', check: is.positiveInteger },
  num_attention_heads: { default: 16, doc: 'query heads', check: is.positiveInteger },
  num_key_value_heads: {
    default: null,
    doc: 'key/value heads (1: multi-query, Gemma-2B); null means num_attention_heads',
    check: optionalPositiveInteger,
  },
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
  max_position_embeddings: { default: 8192, doc: 'longest input', check: is.positiveInteger },
  rms_norm_eps: { default: 1e-6, doc: 'RMSNorm epsilon', check: is.positive },
  rope_theta: {
    default: 10000,
    doc: 'rotary base (Gemma 3: of the global layers)',
    check: is.positive,
  },
  rope_scaling: {
    default: null,
    doc: "rotary scaling (Gemma 3: global layers only): null or {rope_type: 'linear', factor}",
    check: checkRopeScaling,
  },
  attention_bias: { default: false, doc: 'biases on q, k, v and o' },
  tie_word_embeddings: { default: true, doc: 'the output head is embed_tokens' },
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
  bos_token_id: { default: null, doc: 'beginning-of-sequence token (Gemma: 2)', check: tokenIds },
  eos_token_id: { default: null, doc: 'end-of-sequence token(s) (Gemma: 1)', check: tokenIds },
  pad_token_id: { default: null, doc: 'padding token (Gemma: 0)', check: tokenIds },
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
export function parseGemmaConfig(
  raw: Record<string, unknown>,
  frozenRaw: Readonly<Record<string, unknown>>,
): GemmaModelConfig {
  const type = raw.model_type as GemmaModelType;
  const hf = GemmaConfig.resolve({ ...GEMMA_TYPE_DEFAULTS[type], ...pick(GemmaConfig, raw) });
  const later = type !== 'gemma';
  const sliding = slidingLayers(type, hf);
  return Object.freeze({
    family: 'gemma',
    modelType: type,
    hf,
    ...decoderCommon('GemmaConfig', hf, hf.head_dim, frozenRaw),
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
}
