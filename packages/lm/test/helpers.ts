// Shared helpers of the @va/lm tests: backends, fixture models, tolerant comparisons.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectBackend } from '../src/backend.js';
import { CausalLM } from '../src/causal-lm.js';
import { parseModelConfig } from '../src/config.js';
import { readSafetensorsFolder } from '../src/safetensors.js';
import { checkpointToParams } from '../src/weights.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** The tiny checkpoints scripts/torch_reference.py writes, one per architecture it checks. */
export const REFERENCE_CHECKPOINTS = [
  'gpt2-tiny',
  'qwen2-tiny',
  'llama-tiny',
  'mistral-tiny',
  'gemma-tiny',
  'gemma2-tiny',
  'gemma3-tiny',
] as const;

/** Switches tfjs to `name` through selectBackend ('wasm' is ~25x faster than 'cpu' here). */
export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  await selectBackend({ backend: name });
}

export interface Expected {
  inputIds: number[][];
  logits: number[];
  hiddenStates: number[];
  paddedInputIds: number[][];
  paddedMask: number[][];
  paddedLogits: number[];
  loss: number;
  grads: Record<string, number[]>;
}

/** A fixture checkpoint of torch_reference.py, loaded the way loadCausalLM loads a folder. */
export async function fixtureModel(
  name: string,
): Promise<{ model: CausalLM; expected: Expected; dir: string }> {
  const dir = join(FIXTURES, name);
  const config = parseModelConfig(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')));
  const { tensors } = await readSafetensorsFolder(dir);
  const { params } = checkpointToParams(config, tensors);
  const expected = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')) as Expected;
  return { model: new CausalLM(config, params, { sourceDir: dir }), expected, dir };
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Tiny random configs of both families. */
export const TINY_GPT2 = {
  model_type: 'gpt2',
  vocab_size: 50,
  n_positions: 32,
  n_embd: 16,
  n_layer: 2,
  n_head: 2,
  eos_token_id: 49,
  bos_token_id: 49,
};

export const TINY_QWEN2 = {
  model_type: 'qwen2',
  vocab_size: 50,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  max_position_embeddings: 64,
  tie_word_embeddings: true,
  eos_token_id: 49,
};

/** Gemma 2 with everything that differs from Llama: head_dim 6 != 16 / 4, query_pre_attn_scalar,
 * both soft-caps, a window of 3 on layers 0 and 2 (layer 1 global). */
export const TINY_GEMMA2 = {
  model_type: 'gemma2',
  vocab_size: 50,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 6,
  query_pre_attn_scalar: 8,
  sliding_window: 3,
  attn_logit_softcapping: 5,
  final_logit_softcapping: 10,
  max_position_embeddings: 64,
  eos_token_id: 49,
};
