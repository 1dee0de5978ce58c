// Batched, KV-cached generation: left-padded prompts, greedy or seeded sampling (temperature, top-k,
// top-p), min/max new tokens, EOS, stop tokens and stop strings; the paper's settings are SPEC §4.

import { type ConfigSpec, defineConfig, deriveSeed, is, Rng, ValidationError } from '@va/core';
import { architectureOf } from './architectures/index.js';
import type { CausalLM } from './causal-lm.js';
import { KVCache } from './kv-cache.js';
import { padLeft } from './mask.js';
import { chooseToken } from './sampling.js';

/** How to generate (Hugging Face's `GenerationConfig` names in camelCase). */
export interface GenerationConfig {
  /** Most new tokens per row. */
  maxNewTokens: number;
  /** EOS and stop tokens are suppressed until this many new tokens exist. */
  minNewTokens: number;
  /** Sample (true) or take the most likely token (false). */
  doSample: boolean;
  /** Logits are divided by it before sampling. */
  temperature: number;
  /** Sample among the k most likely tokens; 0 keeps all. */
  topK: number;
  /** Sample among the smallest set of tokens holding this much probability; 1 keeps all. */
  topP: number;
  /** End-of-sequence id(s); null: the tokenizer's EOS token(s) and config.json's `eos_token_id`. */
  eosTokenId: number | number[] | null;
  /** More ids that end a row (kept in its tokens, as EOS is). */
  stopTokenIds: number[];
  /** A row ends once its decoded text contains one of these (its tokens are kept; needs a tokenizer). */
  stopStrings: string[];
  /** Padding id for left padding; null: config's, the tokenizer's, else the first EOS id, else 0. */
  padTokenId: number | null;
  /** Seed of the sampling; row i draws from its own stream `deriveSeed(seed, i)`. */
  seed: number;
}

export type GenerationOptions = Partial<GenerationConfig>;

const ids = (v: number | number[] | null) =>
  v === null ||
  (Number.isInteger(v) && (v as number) >= 0) ||
  (Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0))
    ? undefined
    : 'must be null, a token id or an array of token ids';

/** Generation settings with Hugging Face's defaults (greedy, 20 new tokens). */
export const GenerationConfig: ConfigSpec<GenerationConfig> = defineConfig<GenerationConfig>(
  'GenerationConfig',
  {
    maxNewTokens: { default: 20, doc: 'most new tokens per row', check: is.positiveInteger },
    minNewTokens: {
      default: 0,
      doc: 'EOS/stop tokens suppressed until this many new tokens',
      check: is.nonNegativeInteger,
    },
    doSample: { default: false, doc: 'sample (true) or greedy (false)' },
    temperature: {
      default: 1,
      doc: 'logits are divided by it before sampling',
      check: is.positive,
    },
    topK: {
      default: 50,
      doc: 'sample among the k most likely tokens; 0 keeps all',
      check: is.nonNegativeInteger,
    },
    topP: {
      default: 1,
      doc: 'nucleus: smallest set holding this much probability; 1 keeps all',
      check: (v) => (v > 0 && v <= 1 ? undefined : 'must be in (0, 1]'),
    },
    eosTokenId: {
      default: null,
      doc: "end-of-sequence id(s); null: the tokenizer's or config.json's",
      check: ids,
    },
    stopTokenIds: {
      default: [],
      doc: 'more ids that end a row',
      check: (v) => (Array.isArray(v) ? ids(v) : 'must be an array of token ids'),
    },
    stopStrings: {
      default: [],
      doc: 'a row ends once its text contains one of these',
      check: (v) =>
        Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0)
          ? undefined
          : 'must be an array of non-empty strings',
    },
    padTokenId: { default: null, doc: 'padding id; null: derived', check: ids },
    seed: { default: 0, doc: 'seed of the sampling', check: is.nonNegativeInteger },
  },
);

/**
 * The paper's generation settings (SPEC §4, Table 18): at most 32 new tokens, at least 8, top-k 50,
 * top-p 0.90, temperature 1.5, sampling on.
 */
export const PAPER_GENERATION: Readonly<GenerationConfig> = GenerationConfig.resolve({
  maxNewTokens: 32,
  minNewTokens: 8,
  topK: 50,
  topP: 0.9,
  temperature: 1.5,
  doSample: true,
});

export type FinishReason = 'eos' | 'stop_token' | 'stop_string' | 'length';

/** What {@link generate} returns; row i belongs to prompt i. */
export interface GenerationResult {
  /** The prompts as token ids (unpadded). */
  promptTokens: number[][];
  /** The new tokens of each row, ending with the EOS/stop token when one ended it. */
  tokens: number[][];
  /** The new tokens decoded (special tokens skipped), when the model has a tokenizer. */
  text: string[] | undefined;
  /**
   * log p(token | prefix) under the model itself (temperature 1, unfiltered): the "old policy"
   * log-probabilities PPO needs, equal to what `continuationLogProbs` recomputes.
   */
  logprobs: number[][];
  /** log p(token) under the processed distribution it was drawn from (temperature, top-k, top-p). */
  processedLogprobs: number[][];
  finishReasons: FinishReason[];
  /** The resolved settings. */
  settings: Readonly<GenerationConfig>;
}

function promptRows(
  model: CausalLM,
  prompts: string | readonly string[] | readonly (readonly number[])[],
): number[][] {
  const where = 'generate';
  const list = typeof prompts === 'string' ? [prompts] : prompts;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValidationError(
      where,
      'prompts',
      'a string, an array of strings or an array of token-id rows',
      prompts,
    );
  }
  return list.map((p, i) => {
    if (typeof p === 'string') {
      if (!model.tokenizer) {
        throw new ValidationError(
          where,
          `prompts[${i}]`,
          'token ids (this model has no tokenizer)',
          p,
          'Load a folder with tokenizer.json, or pass token ids.',
        );
      }
      const row = model.tokenizer.encode(p);
      if (row.length === 0)
        throw new ValidationError(where, `prompts[${i}]`, 'a text of at least one token', p);
      return row;
    }
    if (!Array.isArray(p) || p.length === 0)
      throw new ValidationError(where, `prompts[${i}]`, 'a non-empty row of token ids', p);
    return [...p];
  });
}

/** The tokenizer's EOS id(s) (all of them when it lists several) and config.json's. */
function defaultEos(model: CausalLM): number[] {
  const tok = model.tokenizer;
  const fromTokenizer = tok?.eosTokenIds ?? (tok?.eosTokenId !== undefined ? [tok.eosTokenId] : []);
  return [...new Set([...fromTokenizer, ...model.config.eosTokenIds])];
}

/**
 * Continues each prompt. Prompts are left-padded into one batch; each step feeds only the new tokens
 * through the KV cache. Rows that finish early are padded (and masked) until all finish. Seeded:
 * the same model, prompts and settings give the same tokens.
 */
export async function generate(
  model: CausalLM,
  prompts: string | readonly string[] | readonly (readonly number[])[],
  options: GenerationOptions = {},
): Promise<GenerationResult> {
  const s = GenerationConfig.resolve(options);
  const tok = model.tokenizer;
  if (s.stopStrings.length > 0 && !tok) {
    throw new ValidationError(
      'generate',
      'options.stopStrings',
      'empty for a model without a tokenizer',
      s.stopStrings,
    );
  }
  const rows = promptRows(model, prompts);
  const eos = s.eosTokenId !== null ? [s.eosTokenId].flat() : defaultEos(model);
  const eosSet = new Set(eos);
  const stops = new Set([...eos, ...s.stopTokenIds]);
  const pad = s.padTokenId ?? model.config.padTokenId ?? tok?.padTokenId ?? eos[0] ?? 0;
  const longest = Math.max(...rows.map((r) => r.length));
  const context = model.config.maxPositions;
  // Learned positions (GPT-2's n_positions) end the context; rotary ones run on.
  const bounded = architectureOf(model.config).learnedPositions;
  if (bounded && longest >= context) {
    // A prompt that fills the context leaves no room for any token: say so, not "at most -72".
    const at = rows.findIndex((r) => r.length === longest);
    throw new ValidationError(
      'generate',
      `prompts[${at}]`,
      `at most ${context - 1} tokens, so that at least one new token fits in the model's context of ${context} (n_positions)`,
      longest,
      `Shorten it, or keep its last ${context - s.maxNewTokens} tokens to leave room for maxNewTokens (${s.maxNewTokens}).`,
    );
  }
  if (bounded && longest + s.maxNewTokens > context) {
    throw new ValidationError(
      'generate',
      'options.maxNewTokens',
      `at most ${model.config.maxPositions - longest} (n_positions ${model.config.maxPositions} minus the longest prompt, ${longest} tokens)`,
      s.maxNewTokens,
    );
  }
  const b = rows.length;
  const v = model.config.vocabSize;
  const { ids, mask } = padLeft(rows, pad);
  const rngs = rows.map((_, i) => new Rng(deriveSeed(s.seed, i)));
  const tokens: number[][] = rows.map(() => []);
  const logprobs: number[][] = rows.map(() => []);
  const processed: number[][] = rows.map(() => []);
  const reasons: (FinishReason | undefined)[] = rows.map(() => undefined);
  const cache = new KVCache();
  const headT = model.transposedHead();
  try {
    let input = ids;
    for (let step = 0; step < s.maxNewTokens; step++) {
      const out = model.forward(input, {
        attentionMask: mask,
        cache,
        logits: 'last',
        headTransposed: headT,
      });
      out.hiddenStates.dispose();
      const data = await out.logits.data();
      out.logits.dispose();
      const suppress = step < s.minNewTokens ? stops : undefined;
      const next: number[] = [];
      for (let i = 0; i < b; i++) {
        if (reasons[i]) {
          next.push(pad);
          continue;
        }
        const choice = chooseToken(
          data.subarray(i * v, (i + 1) * v),
          { ...s, suppress, warp: s.doSample },
          rngs[i]!,
        );
        tokens[i]!.push(choice.token);
        logprobs[i]!.push(choice.logprob);
        processed[i]!.push(choice.processedLogprob);
        next.push(choice.token);
        if (stops.has(choice.token)) reasons[i] = eosSet.has(choice.token) ? 'eos' : 'stop_token';
        else if (s.stopStrings.length > 0) {
          const text = tok!.decode(tokens[i]!);
          if (s.stopStrings.some((x) => text.includes(x))) reasons[i] = 'stop_string';
        }
      }
      if (reasons.every((r) => r)) break;
      for (const m of mask) m.push(1);
      input = next.map((t) => [t]);
    }
  } finally {
    cache.dispose();
    headT.dispose();
  }
  return {
    promptTokens: rows,
    tokens,
    text: tok ? tokens.map((t) => tok.decode(t, { skipSpecialTokens: true })) : undefined,
    logprobs,
    processedLogprobs: processed,
    finishReasons: reasons.map((r) => r ?? 'length'),
    settings: s,
  };
}
