// The default model's corpus as data: `makeCorpus` draws documents until a byte budget is met,
// skipping exact duplicates; `corpusStats` summarises its variety.

import { Rng } from '@va/core';
import { Grammar } from './grammar.js';
import { LEXICON } from './lexicon.js';
import { makeProse, makeReview, type Review } from './reviews.js';

export interface CorpusDocument extends Review {
  split: 'train' | 'valid';
}

export function makeCorpus(
  seed: number,
  targetBytes: number,
  options: { proseShare?: number; validShare?: number } = {},
): { documents: CorpusDocument[]; duplicates: number } {
  const { proseShare = 0.12, validShare = 0.02 } = options;
  const rng = new Rng(seed);
  const split = rng.fork('split');
  const g = new Grammar(LEXICON, rng.fork('grammar'));
  const seen = new Set<string>();
  const documents: CorpusDocument[] = [];
  let bytes = 0;
  let duplicates = 0;
  while (bytes < targetBytes) {
    const doc = rng.next() < proseShare ? makeProse(g) : makeReview(g);
    if (seen.has(doc.text)) {
      duplicates++;
      continue;
    }
    seen.add(doc.text);
    documents.push({ ...doc, split: split.next() < validShare ? 'valid' : 'train' });
    bytes += Buffer.byteLength(doc.text) + 2;
  }
  return { documents, duplicates };
}

export function corpusStats(documents: readonly Review[]) {
  const words = new Set<string>();
  const sentences = new Set<string>();
  let sentenceCount = 0;
  let bytes = 0;
  for (const d of documents) {
    bytes += Buffer.byteLength(d.text) + 2;
    for (const w of d.text.toLowerCase().match(/[\p{L}'-]+/gu) ?? []) words.add(w);
    for (const s of d.text.split(/(?<=[.!?])\s+|\n/)) {
      sentences.add(s);
      sentenceCount++;
    }
  }
  const count = (k: 'sentiment' | 'domain', v: string) =>
    documents.filter((d) => d[k] === v).length;
  return {
    documents: documents.length,
    bytes,
    positive: count('sentiment', 'positive'),
    negative: count('sentiment', 'negative'),
    mixed: count('sentiment', 'mixed'),
    prose: count('domain', 'prose'),
    distinctWords: words.size,
    sentences: sentenceCount,
    distinctSentences: sentences.size,
    meanCharsPerDocument: Math.round(bytes / documents.length),
  };
}
