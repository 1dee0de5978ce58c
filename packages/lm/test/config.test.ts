// Configs from real Hugging Face config.json files (gpt2, Qwen2.5-0.5B, Mistral-7B-v0.1,
// Llama-3.1-8B, Gemma-2B-it, Gemma-2-2B-it, Gemma-3-1B-it): parsed, validated, counted (the
// published parameter counts), written back.

import { describe, expect, it } from 'vitest';
import { countParameters, modelConfigToJson, parseModelConfig } from '../src/config.js';

const GPT2 = {
  activation_function: 'gelu_new',
  architectures: ['GPT2LMHeadModel'],
  attn_pdrop: 0.1,
  bos_token_id: 50256,
  embd_pdrop: 0.1,
  eos_token_id: 50256,
  initializer_range: 0.02,
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  resid_pdrop: 0.1,
  summary_activation: null,
  summary_first_dropout: 0.1,
  summary_proj_to_labels: true,
  summary_type: 'cls_index',
  summary_use_proj: true,
  task_specific_params: { 'text-generation': { do_sample: true, max_length: 50 } },
  vocab_size: 50257,
};
const QWEN25_05B = {
  architectures: ['Qwen2ForCausalLM'],
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151643,
  hidden_act: 'silu',
  hidden_size: 896,
  initializer_range: 0.02,
  intermediate_size: 4864,
  max_position_embeddings: 32768,
  max_window_layers: 24,
  model_type: 'qwen2',
  num_attention_heads: 14,
  num_hidden_layers: 24,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  transformers_version: '4.40.1',
  use_cache: true,
  use_mrope: false,
  use_sliding_window: false,
  vocab_size: 151936,
};
const MISTRAL_7B = {
  architectures: ['MistralForCausalLM'],
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: 'silu',
  hidden_size: 4096,
  initializer_range: 0.02,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: 'mistral',
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 10000.0,
  sliding_window: 4096,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  transformers_version: '4.34.0.dev0',
  use_cache: true,
  vocab_size: 32000,
};
const LLAMA31_8B = {
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  bos_token_id: 128000,
  eos_token_id: [128001, 128008, 128009],
  hidden_act: 'silu',
  hidden_size: 4096,
  initializer_range: 0.02,
  intermediate_size: 14336,
  max_position_embeddings: 131072,
  mlp_bias: false,
  model_type: 'llama',
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  pretraining_tp: 1,
  rms_norm_eps: 1e-5,
  rope_scaling: {
    factor: 8.0,
    low_freq_factor: 1.0,
    high_freq_factor: 4.0,
    original_max_position_embeddings: 8192,
    rope_type: 'llama3',
  },
  rope_theta: 500000.0,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  transformers_version: '4.43.0.dev0',
  use_cache: true,
  vocab_size: 128256,
};

const GEMMA_2B_IT = {
  architectures: ['GemmaForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  bos_token_id: 2,
  eos_token_id: 1,
  head_dim: 256,
  hidden_act: 'gelu',
  hidden_activation: null,
  hidden_size: 2048,
  initializer_range: 0.02,
  intermediate_size: 16384,
  max_position_embeddings: 8192,
  model_type: 'gemma',
  num_attention_heads: 8,
  num_hidden_layers: 18,
  num_key_value_heads: 1,
  pad_token_id: 0,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 10000.0,
  torch_dtype: 'bfloat16',
  transformers_version: '4.38.0.dev0',
  use_cache: true,
  vocab_size: 256000,
};
const GEMMA2_2B_IT = {
  architectures: ['Gemma2ForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  attn_logit_softcapping: 50.0,
  bos_token_id: 2,
  cache_implementation: 'hybrid',
  eos_token_id: [1, 107],
  final_logit_softcapping: 30.0,
  head_dim: 256,
  hidden_act: 'gelu_pytorch_tanh',
  hidden_activation: 'gelu_pytorch_tanh',
  hidden_size: 2304,
  initializer_range: 0.02,
  intermediate_size: 9216,
  max_position_embeddings: 8192,
  model_type: 'gemma2',
  num_attention_heads: 8,
  num_hidden_layers: 26,
  num_key_value_heads: 4,
  pad_token_id: 0,
  query_pre_attn_scalar: 256,
  rms_norm_eps: 1e-6,
  rope_theta: 10000.0,
  sliding_window: 4096,
  torch_dtype: 'float32',
  transformers_version: '4.42.4',
  use_cache: true,
  vocab_size: 256000,
};
const GEMMA3_1B_IT = {
  architectures: ['Gemma3ForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  attn_logit_softcapping: null,
  bos_token_id: 2,
  cache_implementation: 'hybrid',
  eos_token_id: [1, 106],
  final_logit_softcapping: null,
  head_dim: 256,
  hidden_activation: 'gelu_pytorch_tanh',
  hidden_size: 1152,
  initializer_range: 0.02,
  intermediate_size: 6912,
  max_position_embeddings: 32768,
  model_type: 'gemma3_text',
  num_attention_heads: 4,
  num_hidden_layers: 26,
  num_key_value_heads: 1,
  pad_token_id: 0,
  query_pre_attn_scalar: 256,
  rms_norm_eps: 1e-6,
  rope_local_base_freq: 10000,
  rope_scaling: null,
  rope_theta: 1000000,
  sliding_window: 512,
  sliding_window_pattern: 6,
  torch_dtype: 'bfloat16',
  transformers_version: '4.50.0.dev0',
  use_cache: true,
  vocab_size: 262144,
};

describe('parseModelConfig on real config.json files', () => {
  it('gpt2: 124,439,808 parameters', () => {
    const c = parseModelConfig(GPT2);
    expect(c).toMatchObject({
      family: 'gpt2',
      hiddenSize: 768,
      numLayers: 12,
      numHeads: 12,
      headDim: 64,
      intermediateSize: 3072,
      maxPositions: 1024,
      eosTokenIds: [50256],
    });
    expect(countParameters(c)).toBe(124_439_808);
  });

  it('Qwen2.5-0.5B: 494,032,768 parameters, GQA 14/2, q/k/v biases, tied, no sliding window', () => {
    const c = parseModelConfig(QWEN25_05B);
    expect(c).toMatchObject({
      family: 'llama',
      modelType: 'qwen2',
      numHeads: 14,
      numKvHeads: 2,
      headDim: 64,
      qkvBias: true,
      oBias: false,
      tieWordEmbeddings: true,
      slidingWindow: undefined,
    });
    expect(countParameters(c)).toBe(494_032_768);
  });

  it('Mistral-7B-v0.1: 7,241,732,096 parameters, sliding window 4096', () => {
    const c = parseModelConfig(MISTRAL_7B);
    expect(c).toMatchObject({
      modelType: 'mistral',
      numKvHeads: 8,
      qkvBias: false,
      slidingWindow: 4096,
    });
    expect(countParameters(c)).toBe(7_241_732_096);
  });

  it('Llama-3.1-8B: 8,030,261,248 parameters, llama3 rope scaling, several EOS ids', () => {
    const c = parseModelConfig(LLAMA31_8B);
    expect(c).toMatchObject({
      modelType: 'llama',
      eosTokenIds: [128001, 128008, 128009],
      bosTokenId: 128000,
    });
    expect(countParameters(c)).toBe(8_030_261_248);
  });

  it("Gemma-2B-it (the paper's backbone): 2,506,172,416 parameters, MQA, head_dim 256, GELU tanh", () => {
    const c = parseModelConfig(GEMMA_2B_IT);
    expect(c).toMatchObject({
      family: 'gemma',
      modelType: 'gemma',
      numHeads: 8,
      numKvHeads: 1,
      headDim: 256, // 2048 / 8 would be 256 too; Gemma-7B has 16 heads of 256 on 3072
      activation: 'tanh', // "hidden_act": "gelu" is ignored, as transformers does
      queryScale: 1 / 16,
      attnSoftcap: undefined,
      finalSoftcap: undefined,
      sandwichNorms: false,
      slidingWindow: undefined,
      tieWordEmbeddings: true,
      bosTokenId: 2,
      eosTokenIds: [1],
      padTokenId: 0,
    });
    expect(c.family === 'gemma' && c.embedScale).toBe(Math.fround(Math.sqrt(2048)));
    expect(countParameters(c)).toBe(2_506_172_416);
  });

  it('Gemma-2-2B-it: 2,614,341,888 parameters, soft-caps 50 / 30, window 4096 on even layers', () => {
    const c = parseModelConfig(GEMMA2_2B_IT);
    expect(c).toMatchObject({
      modelType: 'gemma2',
      numKvHeads: 4,
      queryScale: 1 / 16,
      attnSoftcap: 50,
      finalSoftcap: 30,
      sandwichNorms: true,
      qkNorm: false,
      slidingWindow: 4096,
      eosTokenIds: [1, 107],
    });
    if (c.family !== 'gemma') throw new Error('family');
    expect(c.slidingLayers.slice(0, 4)).toEqual([true, false, true, false]);
    expect(c.slidingLayers.filter(Boolean)).toHaveLength(13);
    expect(countParameters(c)).toBe(2_614_341_888);
    // Omitted keys take Gemma2Config's defaults, an explicit null turns a feature off.
    const { final_logit_softcapping: _, ...omitted } = GEMMA2_2B_IT;
    expect(parseModelConfig(omitted)).toMatchObject({ finalSoftcap: 30 });
    expect(parseModelConfig({ ...GEMMA2_2B_IT, final_logit_softcapping: null })).toMatchObject({
      finalSoftcap: undefined,
    });
  });

  it('Gemma-3-1B-it: 999,885,952 parameters, q/k norms, 5 sliding layers to 1 global, local rope', () => {
    const c = parseModelConfig(GEMMA3_1B_IT);
    expect(c).toMatchObject({
      modelType: 'gemma3_text',
      qkNorm: true,
      sandwichNorms: true,
      localRopeTheta: 10000,
      slidingWindow: 512,
      attnSoftcap: undefined,
    });
    if (c.family !== 'gemma') throw new Error('family');
    expect(c.slidingLayers.slice(0, 12).map(Number)).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0]);
    expect(countParameters(c)).toBe(999_885_952);
    // Newer files list the layer types; they win over the pattern.
    const types = c.slidingLayers.map((_, i) => (i === 0 ? 'full_attention' : 'sliding_attention'));
    const listed = parseModelConfig({ ...GEMMA3_1B_IT, layer_types: types });
    expect(listed.family === 'gemma' && listed.slidingLayers.indexOf(false)).toBe(0);
  });

  it('writes config.json back with every original key and the architecture', () => {
    const json = modelConfigToJson(parseModelConfig(QWEN25_05B), { torch_dtype: 'float32' });
    expect(json).toEqual({
      ...QWEN25_05B,
      torch_dtype: 'float32',
      attention_bias: false,
      mlp_bias: false,
      hidden_act: 'silu',
    });
    expect(parseModelConfig(parseModelConfig(GPT2))).toEqual(parseModelConfig(GPT2));
    const gemma = modelConfigToJson(parseModelConfig(GEMMA2_2B_IT));
    expect(gemma).toMatchObject({ ...GEMMA2_2B_IT, architectures: ['Gemma2ForCausalLM'] });
    const { raw: _a, ...again } = parseModelConfig(gemma);
    const { raw: _b, ...first } = parseModelConfig(GEMMA2_2B_IT);
    expect(again).toEqual(first);
  });
});

describe('config errors name the key, the value and the fix', () => {
  it('unknown model types list the supported ones', () => {
    expect(() => parseModelConfig({ model_type: 'bert' })).toThrow(
      'ModelConfig.model_type: "bert" is not supported; supported model types: gpt2, llama, qwen2, mistral, gemma, gemma2, gemma3_text',
    );
    expect(() => parseModelConfig({})).toThrow(
      /ModelConfig.model_type: undefined is not supported/,
    );
  });

  it('bad values, inconsistent heads and unsupported features are refused', () => {
    expect(() => parseModelConfig({ ...GPT2, n_head: 5 })).toThrow(
      'Gpt2Config.n_head: 5 must divide n_embd 768',
    );
    expect(() => parseModelConfig({ ...GPT2, n_layer: 0 })).toThrow(
      /Gpt2Config.n_layer: must be a positive integer/,
    );
    expect(() => parseModelConfig({ ...GPT2, activation_function: 'swiglu' })).toThrow(
      /activation_function: must be one of/,
    );
    expect(() => parseModelConfig({ ...MISTRAL_7B, num_key_value_heads: 5 })).toThrow(
      /num_key_value_heads: 5 must divide num_attention_heads 32/,
    );
    expect(() => parseModelConfig({ ...QWEN25_05B, use_sliding_window: true })).toThrow(
      /sliding-window attention is not supported/,
    );
    expect(() =>
      parseModelConfig({ ...LLAMA31_8B, rope_scaling: { rope_type: 'yarn', factor: 4 } }),
    ).toThrow(/rope_type "yarn" is not supported; supported: default, linear, llama3/);
    expect(() => parseModelConfig({ ...LLAMA31_8B, hidden_size: '4096' })).toThrow(
      /LlamaConfig.hidden_size: expected a number, got "4096"/,
    );
    expect(() => parseModelConfig({ ...GEMMA2_2B_IT, num_key_value_heads: 3 })).toThrow(
      /GemmaConfig.num_key_value_heads: 3 must divide num_attention_heads 8/,
    );
    expect(() => parseModelConfig({ ...GEMMA3_1B_IT, layer_types: ['full_attention'] })).toThrow(
      /GemmaConfig.layer_types: needs one entry per layer \(26\), got 1/,
    );
    expect(() => parseModelConfig({ ...GEMMA3_1B_IT, layer_types: ['local'] })).toThrow(
      /layer_types: must be null or an array of 'sliding_attention' \/ 'full_attention'/,
    );
    expect(() => parseModelConfig({ ...GEMMA_2B_IT, hidden_activation: 'relu' })).toThrow(
      /GemmaConfig.hidden_activation: must be null, 'gelu_pytorch_tanh', 'gelu_new' or 'gelu'/,
    );
    expect(() => parseModelConfig({ ...GEMMA3_1B_IT, use_bidirectional_attention: true })).toThrow(
      /bidirectional \(embedding\) Gemma models are not supported/,
    );
  });
});
