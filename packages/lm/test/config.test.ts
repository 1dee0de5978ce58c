// Configs from real Hugging Face config.json files (gpt2, Qwen2.5-0.5B, Mistral-7B-v0.1,
// Llama-3.1-8B): parsed, validated, counted (the published parameter counts), written back.

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
  });
});

describe('config errors name the key, the value and the fix', () => {
  it('unknown model types list the supported ones', () => {
    expect(() => parseModelConfig({ model_type: 'bert' })).toThrow(
      'ModelConfig.model_type: "bert" is not supported; supported model types: gpt2, llama, qwen2, mistral',
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
  });
});
