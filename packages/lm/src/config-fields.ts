// Checks and readers shared by the model configs (config.ts, gemma-config.ts): token ids, optional
// integers, `rope_scaling`, and the picking of a schema's keys out of a `config.json` object.

import { ConfigError, type ConfigSpec, describeValue } from '@va/core';
import type { CommonConfig } from './config.js';

/** A `*_token_id` value: none, one id, or several (Llama 3's EOS ids). */
export type TokenIds = number | number[] | null;

export const tokenIds = (v: TokenIds) =>
  v === null ||
  (Number.isInteger(v) && (v as number) >= 0) ||
  (Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0))
    ? undefined
    : 'must be null, a token id or an array of token ids';

export const optionalPositiveInteger = (v: number | null) =>
  v === null || (Number.isInteger(v) && v > 0) ? undefined : 'must be null or a positive integer';

export const optionalPositive = (v: number | null) =>
  v === null || v > 0 ? undefined : 'must be null or a number > 0';

/** Supported `rope_scaling.rope_type`s (Hugging Face's `ROPE_INIT_FUNCTIONS` names). */
export const SUPPORTED_ROPE_TYPES = ['default', 'linear', 'llama3'] as const;

export function checkRopeScaling(v: Record<string, unknown> | null): string | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) return 'must be null or an object';
  const type = v.rope_type ?? v.type;
  if (!SUPPORTED_ROPE_TYPES.includes(type as never)) {
    return `rope_type ${describeValue(type)} is not supported; supported: ${SUPPORTED_ROPE_TYPES.join(', ')}`;
  }
  if (type !== 'default' && !(typeof v.factor === 'number' && v.factor > 0)) {
    return `rope_type '${type}' needs a positive 'factor'`;
  }
  return undefined;
}

/**
 * The keys of `spec` present in `json`. A null means "the default" for a key whose default is not
 * null (a number, a flag); for a key whose default is null it is kept (Gemma 2's
 * `"final_logit_softcapping": null` turns capping off, whatever its model type's default).
 */
export function pick<T extends object>(
  spec: ConfigSpec<T>,
  json: Record<string, unknown>,
): Partial<T> {
  const out: Record<string, unknown> = {};
  const defaults = spec.defaults as Record<string, unknown>;
  for (const key of Object.keys(spec.schema)) {
    const value = json[key];
    if (value === undefined || (value === null && defaults[key] !== null)) continue;
    out[key] = value;
  }
  return out as Partial<T>;
}

export function firstId(v: TokenIds): number | undefined {
  if (v === null) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

export function allIds(v: TokenIds): number[] {
  if (v === null) return [];
  return Array.isArray(v) ? [...v] : [v];
}

/** The `config.json` keys the Llama family and Gemma share, under the same names. */
export interface DecoderHfKeys {
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly num_key_value_heads: number | null;
  readonly max_position_embeddings: number;
  readonly rms_norm_eps: number;
  readonly tie_word_embeddings: boolean;
  readonly bos_token_id: TokenIds;
  readonly eos_token_id: TokenIds;
  readonly pad_token_id: TokenIds;
}

/**
 * The family-independent fields of a Llama-family or Gemma config, after checking that the
 * key/value heads divide the query heads and that rotary gets an even `headDim`.
 */
export function decoderCommon(
  specName: string,
  hf: DecoderHfKeys,
  headDim: number,
  raw: Readonly<Record<string, unknown>>,
): Omit<CommonConfig, 'modelType'> {
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
    bosTokenId: firstId(hf.bos_token_id),
    eosTokenIds: allIds(hf.eos_token_id),
    padTokenId: firstId(hf.pad_token_id),
    raw,
  };
}
