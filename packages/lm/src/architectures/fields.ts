// Checks and readers shared by the families' configs: token ids, optional integers, `rope_scaling`,
// and the picking of a schema's keys out of a Hugging Face `config.json` object.

import { type ConfigField, type ConfigSpec, describeValue } from '@va/core';

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

/** The three token-id keys every family's config.json may carry. */
export interface TokenIdKeys {
  bos_token_id: TokenIds;
  eos_token_id: TokenIds;
  pad_token_id: TokenIds;
}

export const TOKEN_ID_FIELDS: { readonly [K in keyof TokenIdKeys]: ConfigField<TokenIds> } = {
  bos_token_id: { default: null, doc: 'beginning-of-sequence token', check: tokenIds },
  eos_token_id: { default: null, doc: 'end-of-sequence token(s)', check: tokenIds },
  pad_token_id: { default: null, doc: 'padding token', check: tokenIds },
};

/** The family-independent token fields of a resolved config. */
export function tokenIdsOf(hf: Readonly<TokenIdKeys>): {
  bosTokenId: number | undefined;
  eosTokenIds: number[];
  padTokenId: number | undefined;
} {
  return {
    bosTokenId: firstId(hf.bos_token_id),
    eosTokenIds: allIds(hf.eos_token_id),
    padTokenId: firstId(hf.pad_token_id),
  };
}
