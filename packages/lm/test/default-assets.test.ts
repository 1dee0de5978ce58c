import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusStats, makeCorpus } from '../scripts/corpus/corpus.js';
import { loadTokenizer } from '../src/tokenizer.js';

const assets = join(import.meta.dirname, '..', 'assets', 'default');
// Ids from the Rust `tokenizers` on held-out corpus documents: scripts/check_default_tokenizer.py.
const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'default-tokenizer.json'), 'utf8'),
) as { vocabSize: number; cases: { text: string; ids: number[] }[] };

describe('the default tokenizer (assets/default)', () => {
  it('encodes held-out text exactly as the reference Rust tokenizers', async () => {
    const tok = await loadTokenizer(assets);
    expect(tok.vocabSize).toBe(reference.vocabSize);
    for (const c of reference.cases) {
      expect(tok.encode(c.text)).toEqual(c.ids);
      expect(tok.decode(c.ids)).toBe(c.text);
    }
  });

  it('has <|endoftext|> as its EOS, BOS and pad token, and is small', async () => {
    const tok = await loadTokenizer(assets);
    const eot = tok.tokenToId('<|endoftext|>');
    expect(eot).toBe(tok.vocabSize - 1);
    expect([tok.eosTokenId, tok.bosTokenId, tok.padTokenId]).toEqual([eot, eot, eot]);
    expect(tok.encode('<|endoftext|>The food was')).toEqual([eot!, ...tok.encode('The food was')]);
    expect(statSync(join(assets, 'tokenizer.json')).size).toBeLessThan(200_000);
  });

  it('compresses review text to about four characters a token', async () => {
    const tok = await loadTokenizer(assets);
    const text = reference.cases.map((c) => c.text).join('\n\n');
    const ratio = text.length / tok.encode(text).length;
    expect(ratio).toBeGreaterThan(3.5);
  });
});

describe('the default corpus generator (scripts/make-corpus.ts)', () => {
  const { documents } = makeCorpus(7, 200_000);

  it('is deterministic for a seed and differs across seeds', () => {
    const again = makeCorpus(7, 200_000).documents;
    expect(again.map((d) => d.text)).toEqual(documents.map((d) => d.text));
    const other = makeCorpus(8, 20_000).documents;
    expect(other[0]!.text).not.toBe(documents[0]!.text);
  });

  it('holds positive, negative and mixed reviews of several kinds, and prose', () => {
    const stats = corpusStats(documents);
    for (const share of [stats.positive, stats.negative, stats.mixed]) {
      expect(share / stats.documents).toBeGreaterThan(0.15);
    }
    expect(stats.prose / stats.documents).toBeGreaterThan(0.05);
    const domains = new Set(documents.map((d) => d.domain));
    expect(domains.size).toBe(8);
    expect(new Set(documents.map((d) => d.text)).size).toBe(documents.length);
    // Varied: most sentences are not repeats, even in a small sample.
    expect(stats.distinctSentences / stats.sentences).toBeGreaterThan(0.5);
    expect(stats.distinctWords).toBeGreaterThan(1000);
  });

  it('labels agree with the ratings the text states', () => {
    for (const d of documents) {
      const m = d.text.match(/(?:Rating: )?([1-5])(?:\/5| out of 5)/);
      if (!m) continue;
      const stars = Number(m[1]);
      expect(stars).toBe(d.rating);
      if (d.sentiment === 'positive') expect(stars).toBeGreaterThanOrEqual(4);
      if (d.sentiment === 'negative') expect(stars).toBeLessThanOrEqual(2);
    }
  });
});
