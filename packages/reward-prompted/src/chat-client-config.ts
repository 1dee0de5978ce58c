// The settings of the judge client (house style 4): endpoint, model, key variable, sampling,
// concurrency, retries and backoff, prices; and the presets as partial configs.

import { defineConfig, is, ValidationError } from '@va/core';
import { JUDGE_PRESETS, type TokenPrices } from './presets.js';

/** Settings of a `ChatClient`. */
export interface ChatClientConfig {
  /** Endpoint root; requests go to `{baseUrl}/chat/completions`. */
  baseUrl: string;
  /** Model name as the server knows it. */
  model: string;
  /** Environment variable holding the API key (`null`: send none). Keys never come from config. */
  apiKeyEnv: string | null;
  /** Sampling temperature; 0 makes judges as repeatable as the server allows. */
  temperature: number;
  /** `max_tokens` of the answer; `null` leaves it to the server. */
  maxTokens: number | null;
  /** `top_p`; `null` leaves it to the server. */
  topP: number | null;
  /** `seed` sent to servers that support it (OpenAI, vLLM, llama.cpp); `null` sends none. */
  seed: number | null;
  /** Extra request-body fields, e.g. `{ response_format: { type: 'json_object' } }`. */
  extraBody: Readonly<Record<string, unknown>> | null;
  /** Most requests in flight at once. */
  concurrency: number;
  /** Retries after the first attempt, on 408/409/425/429/5xx, network errors, timeouts, bad JSON. */
  maxRetries: number;
  /** Time allowed for one attempt (connect, answer, body), in ms. */
  timeoutMs: number;
  /** Backoff scale: retry r waits uniform in [0, min(backoffMaxMs, backoffBaseMs * 2^r)). */
  backoffBaseMs: number;
  /** Backoff cap, in ms. */
  backoffMaxMs: number;
  /** Longest `Retry-After` honoured; a server asking for more fails at once (quota exhausted). */
  maxRetryAfterMs: number;
  /** USD per million tokens, for cost totals; `null` when unknown. */
  prices: TokenPrices | null;
  /** Seed of the backoff jitter. */
  jitterSeed: number;
}

const nullableNonNegative = (v: number | null) =>
  v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0)
    ? undefined
    : 'must be null or a number >= 0';

export const ChatClientConfig = defineConfig<ChatClientConfig>('ChatClientConfig', {
  baseUrl: {
    default: '',
    doc: 'endpoint root, e.g. http://localhost:11434/v1',
    type: 'string',
    check: (v) => {
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(v).protocol);
      } catch {}
      return ok
        ? undefined
        : `must be an http(s) URL such as http://localhost:11434/v1 (or use a preset: ${Object.keys(JUDGE_PRESETS).join(', ')})`;
    },
  },
  model: { default: '', doc: 'model name', check: (v) => (v ? undefined : 'must be set') },
  apiKeyEnv: {
    default: null,
    doc: 'environment variable holding the API key',
    type: 'string',
    check: (v) =>
      v === null || (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v))
        ? undefined
        : 'must be null or an environment variable name',
  },
  temperature: { default: 0, doc: 'sampling temperature', check: is.nonNegative },
  maxTokens: {
    default: null,
    doc: "max_tokens of the answer (default: the server's)",
    type: 'integer',
    check: (v) =>
      v === null || (Number.isInteger(v) && v > 0) ? undefined : 'must be null or an integer > 0',
  },
  topP: { default: null, doc: 'top_p', type: 'number', check: nullableNonNegative },
  seed: {
    default: null,
    doc: 'server-side sampling seed',
    type: 'integer',
    check: (v) => (v === null || Number.isInteger(v) ? undefined : 'must be null or an integer'),
  },
  extraBody: {
    default: null,
    doc: 'extra request-body fields',
    check: (v) =>
      v === null || (typeof v === 'object' && !Array.isArray(v)) ? undefined : 'must be an object',
  },
  concurrency: { default: 8, doc: 'requests in flight', check: is.positiveInteger },
  maxRetries: {
    default: 5,
    doc: 'retries on 429/5xx/network errors/timeouts',
    check: is.nonNegativeInteger,
  },
  timeoutMs: { default: 60_000, doc: 'per-attempt timeout (ms)', check: is.positive },
  backoffBaseMs: { default: 500, doc: 'backoff scale (ms), full jitter', check: is.nonNegative },
  backoffMaxMs: { default: 30_000, doc: 'backoff cap (ms)', check: is.nonNegative },
  maxRetryAfterMs: { default: 120_000, doc: 'longest Retry-After honoured', check: is.nonNegative },
  prices: {
    default: null,
    doc: 'USD per million tokens',
    check: (v) =>
      v === null ||
      (typeof v === 'object' &&
        Number.isFinite(v.inputPerMillion) &&
        Number.isFinite(v.outputPerMillion))
        ? undefined
        : 'must be null or { inputPerMillion, outputPerMillion }',
  },
  jitterSeed: { default: 0, doc: 'seed of the backoff jitter', check: is.nonNegativeInteger },
});

/** The config a preset stands for (see `JUDGE_PRESETS`), to spread under your own overrides. */
export function presetConfig(name: string): Partial<ChatClientConfig> {
  const p = JUDGE_PRESETS[name];
  if (!p) {
    throw new ValidationError(
      'presetConfig',
      'name',
      `a known preset (${Object.keys(JUDGE_PRESETS).join(', ')})`,
      name,
    );
  }
  return { baseUrl: p.baseUrl, model: p.model, apiKeyEnv: p.apiKeyEnv, prices: p.prices };
}
