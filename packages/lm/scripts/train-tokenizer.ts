// Trains the default model's tokenizer: a byte-level BPE exactly as GPT-2's (same pre-tokenizer
// regex, same byte-to-unicode alphabet; Sennrich et al. 2016, Radford et al. 2019), written as a
// `tokenizer.json` + `tokenizer_config.json` that @huggingface/tokenizers and `transformers` load.
// @huggingface/tokenizers has no trainer, hence this script.
//
//   node --import tsx scripts/make-corpus.ts            # writes .cache/corpus/train.txt
//   node --import tsx scripts/train-tokenizer.ts [--vocab 2048] [--corpus .cache/corpus/train.txt] [--out assets/default]

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { byteLevelBpeTokenizerJson } from '../src/tokenizer-files.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    vocab: { type: 'string', default: '2048' },
    corpus: { type: 'string', default: join(pkg, '.cache', 'corpus', 'train.txt') },
    out: { type: 'string', default: join(pkg, 'assets', 'default') },
  },
});
const EOS = '<|endoftext|>';
const vocabSize = Number(values.vocab);

// GPT-2's pre-tokenizer: the regex of its encoder.py, which @huggingface/tokenizers' ByteLevel uses.
const SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to code points from 256. */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (const [lo, hi] of [
    [33, 126],
    [161, 172],
    [174, 255],
  ] as const) {
    for (let b = lo; b <= hi; b++) bs.push(b);
  }
  const table = new Array<string>(256);
  for (const b of bs) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  }
  return table;
}

const byteChars = bytesToUnicode();
const encoder = new TextEncoder();

// 1. Word counts: each pre-token, as its sequence of byte characters.
const text = readFileSync(values.corpus, 'utf8');
const counts = new Map<string, number>();
for (const m of text.matchAll(SPLIT)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
const words: string[][] = [];
const freq: number[] = [];
for (const [w, c] of counts) {
  words.push([...encoder.encode(w)].map((b) => byteChars[b]!));
  freq.push(c);
}
console.error(`${text.length} characters, ${counts.size} distinct pre-tokens`);

// 2. Pair statistics, kept up to date as merges rewrite the words that contain them.
const SEP = '\u0000';
const pairCount = new Map<string, number>();
const pairWords = new Map<string, Set<number>>();
function addPairs(i: number, sign: 1 | -1) {
  const w = words[i]!;
  for (let k = 0; k + 1 < w.length; k++) {
    const key = w[k] + SEP + w[k + 1];
    pairCount.set(key, (pairCount.get(key) ?? 0) + sign * freq[i]!);
    if (sign > 0) {
      const set = pairWords.get(key) ?? new Set<number>();
      pairWords.set(key, set);
      set.add(i);
    }
  }
}
for (let i = 0; i < words.length; i++) addPairs(i, 1);

// 3. Merge the most frequent pair (ties: the lexicographically smallest) until the vocabulary is full.
const merges: [string, string][] = [];
const target = vocabSize - 256 - 1; // bytes and <|endoftext|>
const started = Date.now();
while (merges.length < target) {
  let best: string | undefined;
  let bestCount = 1; // a pair seen once is not worth a token
  for (const [key, c] of pairCount) {
    if (c > bestCount || (c === bestCount && best !== undefined && key < best)) {
      best = key;
      bestCount = c;
    }
  }
  if (best === undefined) break;
  const [a, b] = best.split(SEP) as [string, string];
  merges.push([a, b]);
  const merged = a + b;
  for (const i of pairWords.get(best) ?? []) {
    const w = words[i]!;
    addPairs(i, -1);
    const out: string[] = [];
    for (let k = 0; k < w.length; k++) {
      if (k + 1 < w.length && w[k] === a && w[k + 1] === b) {
        out.push(merged);
        k++;
      } else out.push(w[k]!);
    }
    words[i] = out;
    addPairs(i, 1);
  }
  pairWords.delete(best);
  pairCount.delete(best);
}
console.error(`${merges.length} merges in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// 4. tokenizer.json in GPT-2's id order: the 256 bytes, the merges, then <|endoftext|>.
const vocab: Record<string, number> = {};
const order = [...byteChars].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
for (const ch of order) vocab[ch] = Object.keys(vocab).length;
for (const [a, b] of merges) vocab[a + b] ??= Object.keys(vocab).length;
const eosId = Object.keys(vocab).length;
const tokenizerJson = byteLevelBpeTokenizerJson(vocab, merges, [{ id: eosId, content: EOS }]);
const tokenizerConfig = {
  add_bos_token: false,
  add_prefix_space: false,
  bos_token: EOS,
  eos_token: EOS,
  pad_token: EOS,
  unk_token: EOS,
  clean_up_tokenization_spaces: false,
  model_max_length: 1024,
  tokenizer_class: 'GPT2Tokenizer',
};
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'tokenizer.json'), `${JSON.stringify(tokenizerJson)}\n`);
writeFileSync(
  join(values.out, 'tokenizer_config.json'),
  `${JSON.stringify(tokenizerConfig, null, 2)}\n`,
);
console.log(JSON.stringify({ vocabSize: eosId + 1, merges: merges.length, eosId }));
