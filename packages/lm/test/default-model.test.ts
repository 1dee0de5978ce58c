// The embedded default model: loads with one call, offline, and continues review openings with
// varied, text-like English under the paper's generation settings.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCorpus } from '../scripts/corpus/corpus.js';
import type { CausalLM } from '../src/causal-lm.js';
import { countParameters } from '../src/config.js';
import { loadDefaultModel } from '../src/default-model.js';
import { PAPER_GENERATION } from '../src/generate.js';
import { useBackend } from './helpers.js';

describe('loadDefaultModel', () => {
  let model: CausalLM;
  beforeAll(async () => {
    await useBackend('wasm');
    model = await loadDefaultModel({ backend: 'current' });
  });
  afterAll(() => model.dispose());

  it('is a tiny GPT-2 with its tokenizer', () => {
    expect(model.config.family).toBe('gpt2');
    expect(model.tokenizer).toBeDefined();
    expect(model.config.vocabSize).toBe(model.tokenizer!.vocabSize);
    expect(countParameters(model.config)).toBe(model.parameterCount);
    expect(model.parameterCount).toBeLessThan(2_500_000);
  });

  it('continues review openings with varied, word-like text (paper settings)', async () => {
    const openings = [
      'The food was',
      'I watched this film last night and',
      'This laptop',
      'Our hotel room was',
    ];
    const prompts = [...openings, ...openings];
    const res = await model.generate(prompts, { ...PAPER_GENERATION, seed: 7 });
    expect(res.text).toHaveLength(8);
    expect(new Set(res.text).size).toBe(8);
    for (const [i, text] of res.text!.entries()) {
      expect(res.tokens[i]!.length).toBeGreaterThanOrEqual(8);
      const words = text.split(/\s+/).filter((w) => w.length > 0);
      expect(words.length, text).toBeGreaterThanOrEqual(3);
      // Words are words: letters with at most some punctuation around them.
      const wordLike = words.filter(
        (w) => /^[("']?[A-Za-z][A-Za-z'-]*[.,;:!?)"']*$/.test(w) || /^(\d|[★☆]+$)/.test(w),
      );
      expect(wordLike.length / words.length, text).toBeGreaterThan(0.85);
    }
  });

  it('has learned the corpus: held-out reviews are likely, the same tokens reversed are not', () => {
    const tok = model.tokenizer!;
    // Held-out documents of the training corpus (scripts/make-corpus.ts, 2% split off).
    const { documents } = makeCorpus(20240611, 400_000, { proseShare: 0.12, validShare: 0.02 });
    const held = documents.filter((d) => d.split === 'valid').slice(0, 4);
    expect(held.length).toBe(4);
    const rows = held.map((d) => [tok.eosTokenId!, ...tok.encode(d.text)].slice(0, 100));
    const mean = (ids: number[]) => {
      const lp = model.tokenLogProbs([ids]);
      const v = lp.dataSync() as Float32Array;
      lp.dispose();
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    for (const ids of rows) {
      const real = mean(ids);
      expect(real).toBeGreaterThan(-2.5); // nats per token; the training run's held-out loss is 1.46
      expect(real - mean([ids[0]!, ...ids.slice(1).reverse()])).toBeGreaterThan(2);
    }
  });
});
