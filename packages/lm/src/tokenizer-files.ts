// Older GPT-2-family checkpoints ship `vocab.json` + `merges.txt` instead of `tokenizer.json`;
// this builds the equivalent `tokenizer.json` (what transformers' GPT2TokenizerFast converter does),
// in the byte-level BPE layout that scripts/train-tokenizer.ts writes too.

import { ResourceError } from '@va/core';
import { join, readText } from './files.js';

function content(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const c = (value as { content?: unknown } | null | undefined)?.content;
  return typeof c === 'string' ? c : undefined;
}

/** A byte-level BPE `tokenizer.json` object from GPT-2's legacy files in `dir`. */
export async function tokenizerJsonFromVocabMerges(
  dir: string,
  tokenizerConfig: Record<string, unknown> | undefined,
  specialTokensMap: Record<string, unknown> | undefined,
  config: Record<string, unknown> | undefined,
): Promise<Record<string, unknown>> {
  const [vocabText, mergesText] = await Promise.all(
    ['vocab.json', 'merges.txt'].map((f) => readText(join(dir, f)).catch(() => undefined)),
  );
  if (vocabText === undefined || mergesText === undefined) {
    throw new ResourceError(
      `loadTokenizer: ${dir} has no tokenizer.json (nor GPT-2's vocab.json + merges.txt); ` +
        'save the tokenizer with `AutoTokenizer.from_pretrained(...).save_pretrained(dir)` in Python',
    );
  }
  const vocab = JSON.parse(vocabText) as Record<string, number>;
  const merges = mergesText
    .split('\n')
    .filter((line, i) => line.trim() !== '' && !(i === 0 && line.startsWith('#version')));
  // GPT-2's special tokens live in the vocabulary; declare them so that they are never split.
  const specials = new Set<string>();
  for (const table of [specialTokensMap ?? {}, tokenizerConfig ?? {}]) {
    for (const [key, value] of Object.entries(table)) {
      const c = content(value);
      if (key.endsWith('_token') && c !== undefined && c in vocab) specials.add(c);
    }
  }
  for (const key of ['bos_token_id', 'eos_token_id']) {
    const id = config?.[key];
    const token = Object.keys(vocab).find((t) => vocab[t] === id);
    if (token !== undefined) specials.add(token);
  }
  return byteLevelBpeTokenizerJson(
    vocab,
    merges,
    [...specials].map((c) => ({ id: vocab[c]!, content: c })),
  );
}

/**
 * A byte-level BPE `tokenizer.json` object in GPT-2's layout (ByteLevel pre-tokenizer,
 * post-processor and decoder around a BPE model, no normalizer), from the vocabulary (byte
 * characters of GPT-2's bytes_to_unicode), the merges ("a b" or ["a", "b"]) and the special tokens.
 */
export function byteLevelBpeTokenizerJson(
  vocab: Record<string, number>,
  merges: readonly (string | readonly [string, string])[],
  specialTokens: readonly { id: number; content: string }[],
): Record<string, unknown> {
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map(({ id, content }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: true,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: { type: 'ByteLevel', ...byteLevel, trim_offsets: false },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}
