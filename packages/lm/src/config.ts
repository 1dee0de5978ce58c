// Model configs read from a Hugging Face `config.json`: the GPT-2 family (`model_type: 'gpt2'`), the
// Llama family (`llama`, `qwen2`, `mistral`) and Gemma (gemma-config.ts), validated by defineConfig.

import { ConfigError, type ConfigSpec, defineConfig, describeValue, is } from '@va/core';
import {
  allIds,
  checkRopeScaling,
  decoderCommon,
  firstId,
  optionalPositiveInteger,
  pick,
  type TokenIds,
  tokenIds,
} from './config-fields.js';
import { GEMMA_MODEL_TYPES, type GemmaModelConfig, parseGemmaConfig } from './gemma-config.js';

export { SUPPORTED_ROPE_TYPES } from './config-fields.js';

/** The `model_type`s this package runs. */
export const SUPPORTED_MODEL_TYPES = [
  'gpt2',
  'llama',
  'qwen2',
  'mistral',
  ...GEMMA_MODEL_TYPES,
] as const;
export type ModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/** The `config.json` keys of a GPT-2 model (names as Hugging Face writes them). */
export interface Gpt2Config {
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
  bos_token_id: TokenIds;
  eos_token_id: TokenIds;
  pad_token_id: TokenIds;
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
  bos_token_id: { default: null, doc: 'beginning-of-sequence token', check: tokenIds },
  eos_token_id: { default: null, doc: 'end-of-sequence token(s)', check: tokenIds },
  pad_token_id: { default: null, doc: 'padding token', check: tokenIds },
});

/** The `config.json` keys of a Llama-family model (Llama, Qwen2, Mistral). */
export interface LlamaConfig {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number | null;
  head_dim: number | null;
  hidden_act: 'silu' | 'swish';
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta: number;
  rope_scaling: Record<string, unknown> | null;
  attention_bias: boolean;
  mlp_bias: boolean;
  tie_word_embeddings: boolean;
  sliding_window: number | null;
  use_sliding_window: boolean;
  bos_token_id: TokenIds;
  eos_token_id: TokenIds;
  pad_token_id: TokenIds;
}

/** Llama-family config keys with Hugging Face's `LlamaConfig` defaults (Llama-2-7B's shape). */
export const LlamaConfig: ConfigSpec<LlamaConfig> = defineConfig<LlamaConfig>('LlamaConfig', {
  vocab_size: { default: 32000, doc: 'tokens in the vocabulary', check: is.positiveInteger },
  hidden_size: { default: 4096, doc: 'width of the residual stream', check: is.positiveInteger },
  intermediate_size: { default: 11008, doc: 'SwiGLU MLP width', check: is.positiveInteger },
  num_hidden_layers: { default: 32, doc: 'transformer blocks', check: is.positiveInteger },
  num_attention_heads: { default: 32, doc: 'query heads', check: is.positiveInteger },
  num_key_value_heads: {
    default: null,
    doc: 'key/value heads (grouped-query attention); null means num_attention_heads',
    check: optionalPositiveInteger,
  },
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
  max_position_embeddings: { default: 2048, doc: 'longest input', check: is.positiveInteger },
  rms_norm_eps: { default: 1e-6, doc: 'RMSNorm epsilon', check: is.positive },
  rope_theta: { default: 10000, doc: 'rotary base', check: is.positive },
  rope_scaling: {
    default: null,
    doc: "rotary scaling: null, {rope_type: 'linear', factor} or Llama 3's {rope_type: 'llama3', ...}",
    check: checkRopeScaling,
  },
  attention_bias: { default: false, doc: 'biases on q, k, v and o (Llama); Qwen2: q, k, v only' },
  mlp_bias: { default: false, doc: 'biases on gate, up and down projections' },
  tie_word_embeddings: { default: false, doc: 'the output head is embed_tokens' },
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
  bos_token_id: { default: null, doc: 'beginning-of-sequence token', check: tokenIds },
  eos_token_id: { default: null, doc: 'end-of-sequence token(s)', check: tokenIds },
  pad_token_id: { default: null, doc: 'padding token', check: tokenIds },
});

/** What every model needs, in one shape for all families (derived once from the HF keys). */
export interface CommonConfig {
  readonly modelType: ModelType;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly intermediateSize: number;
  readonly maxPositions: number;
  readonly normEps: number;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number | undefined;
  /** Every end-of-sequence id (Llama 3 lists several). */
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number | undefined;
  /** The original `config.json` object, written back (updated) on save. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface Gpt2ModelConfig extends CommonConfig {
  readonly family: 'gpt2';
  readonly hf: Readonly<Gpt2Config>;
}

export interface LlamaModelConfig extends CommonConfig {
  readonly family: 'llama';
  readonly hf: Readonly<LlamaConfig>;
  /** Biases on q/k/v projections (Qwen2 always, Llama with attention_bias). */
  readonly qkvBias: boolean;
  /** Bias on the output projection (Llama/Mistral with attention_bias; never Qwen2). */
  readonly oBias: boolean;
  /**
   * Mistral's sliding window (keys at most this many positions back); undefined for Llama and for
   * Qwen2, whose configs carry a `sliding_window` that only `use_sliding_window` turns on.
   */
  readonly slidingWindow: number | undefined;
}

/** A resolved model config: `family` tells which architecture runs it. */
export type ModelConfig = Gpt2ModelConfig | LlamaModelConfig | GemmaModelConfig;

const ARCHITECTURES: Record<ModelType, string> = {
  gpt2: 'GPT2LMHeadModel',
  llama: 'LlamaForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  mistral: 'MistralForCausalLM',
  gemma: 'GemmaForCausalLM',
  gemma2: 'Gemma2ForCausalLM',
  gemma3_text: 'Gemma3ForCausalLM',
};

/**
 * Reads a Hugging Face `config.json` object (or a previously resolved {@link ModelConfig}) into a
 * validated {@link ModelConfig}. Keys this package does not use (dropouts, `architectures`, ...) are
 * kept in `raw` and ignored; an unknown `model_type` is an error listing the supported ones.
 */
export function parseModelConfig(json: Record<string, unknown> | ModelConfig): ModelConfig {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(
      'ModelConfig',
      '(root)',
      `expected an object, got ${describeValue(json)}`,
    );
  }
  if ('family' in json && 'raw' in json) {
    return parseModelConfig({ ...(json.raw as Record<string, unknown>) });
  }
  const raw = json as Record<string, unknown>;
  const modelType = raw.model_type;
  if (!SUPPORTED_MODEL_TYPES.includes(modelType as ModelType)) {
    throw new ConfigError(
      'ModelConfig',
      'model_type',
      `${describeValue(modelType)} is not supported; supported model types: ${SUPPORTED_MODEL_TYPES.join(', ')}`,
    );
  }
  const frozenRaw = Object.freeze(structuredClone(raw));
  if ((GEMMA_MODEL_TYPES as readonly string[]).includes(modelType as string)) {
    return parseGemmaConfig(raw, frozenRaw);
  }
  if (modelType === 'gpt2') {
    const hf = Gpt2Config.resolve(pick(Gpt2Config, raw));
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
      bosTokenId: firstId(hf.bos_token_id),
      eosTokenIds: allIds(hf.eos_token_id),
      padTokenId: firstId(hf.pad_token_id),
      raw: frozenRaw,
    } satisfies Gpt2ModelConfig);
  }
  const hf = LlamaConfig.resolve(pick(LlamaConfig, raw));
  if (hf.head_dim === null && hf.hidden_size % hf.num_attention_heads !== 0) {
    throw new ConfigError(
      'LlamaConfig',
      'num_attention_heads',
      `${hf.num_attention_heads} must divide hidden_size ${hf.hidden_size} (or give head_dim)`,
    );
  }
  const headDim = hf.head_dim ?? hf.hidden_size / hf.num_attention_heads;
  const isQwen2 = modelType === 'qwen2';
  return Object.freeze({
    family: 'llama',
    modelType: modelType as 'llama' | 'qwen2' | 'mistral',
    hf,
    ...decoderCommon('LlamaConfig', hf, headDim, frozenRaw),
    qkvBias: isQwen2 || hf.attention_bias,
    oBias: !isQwen2 && hf.attention_bias,
    slidingWindow: modelType === 'mistral' ? (hf.sliding_window ?? undefined) : undefined,
  } satisfies LlamaModelConfig);
}

/**
 * The `config.json` object to write beside saved weights: the original keys, with the resolved
 * values and `architectures` / `model_type` as Hugging Face's `from_pretrained` expects them.
 */
export function modelConfigToJson(
  config: ModelConfig,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const resolved = Object.entries(config.hf).filter(([k, v]) => v !== null || k in config.raw);
  return {
    ...config.raw,
    architectures: [ARCHITECTURES[config.modelType]],
    model_type: config.modelType,
    ...Object.fromEntries(resolved),
    ...extra,
  };
}

/** Parameters of a model of this config (embeddings counted once when tied). */
export function countParameters(config: ModelConfig): number {
  const d = config.hiddenSize;
  const v = config.vocabSize;
  const f = config.intermediateSize;
  if (config.family === 'gpt2') {
    const block = 2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * f + f) + (f * d + d);
    return v * d + config.maxPositions * d + config.numLayers * block + 2 * d;
  }
  const q = config.numHeads * config.headDim;
  const kv = config.numKvHeads * config.headDim;
  const mlpBias = config.family === 'llama' && config.hf.mlp_bias ? 2 * f + d : 0;
  // Gemma 2/3 add two norms per layer, Gemma 3 a norm of each query and key head.
  const gemmaNorms =
    config.family === 'gemma'
      ? (config.sandwichNorms ? 2 * d : 0) + (config.qkNorm ? 2 * config.headDim : 0)
      : 0;
  const block =
    2 * d +
    gemmaNorms +
    d * q +
    2 * d * kv +
    q * d +
    (config.qkvBias ? q + 2 * kv : 0) +
    (config.oBias ? d : 0) +
    3 * d * f +
    mlpBias;
  return v * d * (config.tieWordEmbeddings ? 1 : 2) + config.numLayers * block + d;
}
