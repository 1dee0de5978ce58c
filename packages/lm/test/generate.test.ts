// Generation: Hugging Face's warpers (reference values from scripts/torch_reference.py), seeded
// sampling, greedy decoding against full recomputation, EOS/stop handling, raw log-probs, leaks.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CausalLM, createCausalLM } from '../src/causal-lm.js';
import { GenerationConfig, PAPER_GENERATION } from '../src/generate.js';
import { argmax, kthLargest, logSoftmax, processLogits } from '../src/sampling.js';
import type { Tokenizer } from '../src/tokenizer.js';
import { FIXTURES, TINY_GEMMA2, TINY_GPT2, TINY_QWEN2, useBackend } from './helpers.js';

describe('logits processing', () => {
  const ref = JSON.parse(readFileSync(join(FIXTURES, 'sampling.json'), 'utf8')) as {
    logits: number[][];
    cases: { temperature: number; topK: number; topP: number; logprobs: (number | null)[][] }[];
  };

  it.each(ref.cases.map((c) => [c.temperature, c.topK, c.topP, c] as const))(
    'temperature %s, top-k %s, top-p %s match transformers',
    (_t, _k, _p, c) => {
      ref.logits.forEach((row, i) => {
        const got = logSoftmax(processLogits(row, { ...c, warp: true }));
        const want = c.logprobs[i]!;
        want.forEach((w, j) => {
          if (w === null) expect(got[j]).toBe(-Infinity);
          else expect(got[j]).toBeCloseTo(w, 9);
        });
      });
    },
  );

  it('top-k keeps ties with the k-th value; suppression comes first', () => {
    expect(kthLargest([1, 3, 3, 2, 0], 2)).toBe(3);
    expect(kthLargest([1, 3, 3, 2, 0], 3)).toBe(2);
    const out = processLogits([1, 3, 3, 2, 0], {
      warp: true,
      temperature: 1,
      topK: 1,
      topP: 1,
      suppress: [1],
    });
    expect([...out]).toEqual([-Infinity, -Infinity, 3, -Infinity, -Infinity]);
    expect(argmax([0, 2, 2])).toBe(1);
  });

  it("expresses the paper's settings (SPEC section 4) as they are", () => {
    expect(PAPER_GENERATION).toMatchObject({
      maxNewTokens: 32,
      minNewTokens: 8,
      topK: 50,
      topP: 0.9,
      temperature: 1.5,
      doSample: true,
    });
    expect(() => GenerationConfig.resolve({ topP: 0 })).toThrow(
      /GenerationConfig.topP: must be in \(0, 1\]/,
    );
    expect(() => GenerationConfig.resolve({ temprature: 1 } as never)).toThrow(
      /Did you mean 'temperature'/,
    );
  });
});

/** A character-level tokenizer over 'a'..'x' (ids 0..23), '.' 24, ' ' 25; eos 49. */
const charTokenizer: Tokenizer = {
  encode: (text) => [...text].map((c) => (c === '.' ? 24 : c === ' ' ? 25 : c.charCodeAt(0) - 97)),
  decode: (ids, o) =>
    ids
      .filter((i) => !(o?.skipSpecialTokens && i === 49))
      .map((i) => (i === 24 ? '.' : i === 25 ? ' ' : i < 24 ? String.fromCharCode(97 + i) : '#'))
      .join(''),
  vocabSize: 50,
  eosTokenId: 49,
  bosTokenId: undefined,
  padTokenId: undefined,
  applyChatTemplate: () => '',
};

describe.each([
  ['gpt2', TINY_GPT2, 0.5, 5],
  ['qwen2', TINY_QWEN2, 0.5, 5],
  // A window of 3 on prompts of up to 5 + 12 tokens: the cache must keep it. (Seed and scale chosen
  // so that greedy decoding does not repeat one token from the start, which the stop tests need.)
  ['gemma2', TINY_GEMMA2, 0.3, 3],
] as const)('generate (%s)', (_, config, scale, seed) => {
  let model: CausalLM;
  beforeAll(async () => {
    await useBackend('wasm');
    model = createCausalLM(
      { ...config, initializer_range: scale },
      { seed, tokenizer: charTokenizer },
    );
  });
  afterAll(() => model.dispose());

  const prompts = [
    [1, 2, 3, 4, 5],
    [7, 8],
    [9, 10, 11],
  ];

  it('seeded sampling is reproducible, and the seed matters', async () => {
    const opts = { ...PAPER_GENERATION, minNewTokens: 0, maxNewTokens: 12 };
    const a = await model.generate(prompts, { ...opts, seed: 3 });
    const b = await model.generate(prompts, { ...opts, seed: 3 });
    const c = await model.generate(prompts, { ...opts, seed: 4 });
    expect(a.tokens).toEqual(b.tokens);
    expect(a.logprobs).toEqual(b.logprobs);
    expect(c.tokens).not.toEqual(a.tokens);
  });

  it('greedy decoding equals argmax of full recomputation, batched or alone', async () => {
    const res = await model.generate(prompts, { maxNewTokens: 6, eosTokenId: [] });
    for (let i = 0; i < prompts.length; i++) {
      const seq = [...prompts[i]!];
      for (let s = 0; s < 6; s++) {
        const { logits, hiddenStates } = model.forward([seq], { logits: 'last' });
        seq.push(argmax(logits.dataSync()));
        tf.dispose([logits, hiddenStates]);
      }
      expect(res.tokens[i]).toEqual(seq.slice(prompts[i]!.length));
    }
    expect(res.finishReasons).toEqual(['length', 'length', 'length']);
  });

  it('raw log-probs are the policy log-probs that continuationLogProbs recomputes', async () => {
    const res = await model.generate(prompts, { ...PAPER_GENERATION, maxNewTokens: 10, seed: 9 });
    const lp = model.continuationLogProbs(prompts, res.tokens);
    const got = lp.logprobs.arraySync() as number[][];
    res.logprobs.forEach((row, i) => {
      row.forEach((x, j) => {
        expect(got[i]![j]).toBeCloseTo(x, 4);
      });
      // The processed distribution (temperature 1.5, top-k, top-p) is a different number.
      expect(res.processedLogprobs[i]).not.toEqual(row);
    });
    tf.dispose([lp.logprobs, lp.mask, lp.hiddenStates]);
  });

  it('stops at EOS, but not before minNewTokens; stop tokens and stop strings end rows too', async () => {
    const greedy = await model.generate([prompts[0]!], { maxNewTokens: 5, eosTokenId: [] });
    const first = greedy.tokens[0]![0]!;
    const stopped = await model.generate([prompts[0]!], { maxNewTokens: 5, eosTokenId: first });
    expect(stopped.tokens[0]).toEqual([first]);
    expect(stopped.finishReasons).toEqual(['eos']);
    const held = await model.generate([prompts[0]!], {
      maxNewTokens: 5,
      minNewTokens: 3,
      eosTokenId: first,
    });
    expect(held.tokens[0]!.slice(0, 3)).not.toContain(first);
    const byStop = await model.generate([prompts[0]!], {
      maxNewTokens: 5,
      eosTokenId: [],
      stopTokenIds: [greedy.tokens[0]![1]!],
    });
    expect(byStop.finishReasons[0]).toBe('stop_token');
    expect(byStop.tokens[0]!.at(-1)).toBe(greedy.tokens[0]![1]);
    const text = charTokenizer.decode(greedy.tokens[0]!.slice(1, 3));
    const byString = await model.generate([prompts[0]!], {
      maxNewTokens: 5,
      eosTokenId: [],
      stopStrings: [text],
    });
    expect(byString.finishReasons[0]).toBe('stop_string');
    expect(byString.tokens[0]).toEqual(greedy.tokens[0]!.slice(0, 3));
  });

  it("ends rows at any of the tokenizer's eosTokenIds by default", async () => {
    const greedy = await model.generate([prompts[0]!], { maxNewTokens: 5, eosTokenId: [] });
    const first = greedy.tokens[0]![0]!;
    expect(first).not.toBe(49);
    expect((await model.generate([prompts[0]!], { maxNewTokens: 5 })).tokens[0]!.length).toBe(5);
    const tokenizer: Tokenizer = { ...charTokenizer, eosTokenIds: [49, first] };
    const other = createCausalLM({ ...config, initializer_range: scale }, { seed, tokenizer });
    const res = await other.generate([prompts[0]!], { maxNewTokens: 5 });
    expect(res.tokens[0]).toEqual([first]);
    expect(res.finishReasons).toEqual(['eos']);
    other.dispose();
  });

  it('takes text prompts through the tokenizer and returns text', async () => {
    const res = await model.generate(['abc', 'hello there'], {
      maxNewTokens: 4,
      doSample: true,
      seed: 1,
    });
    expect(res.promptTokens[0]).toEqual([0, 1, 2]);
    expect(res.text).toHaveLength(2);
    expect(res.text![0]).toBe(charTokenizer.decode(res.tokens[0]!, { skipSpecialTokens: true }));
  });

  it('leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    await model.generate(prompts, { ...PAPER_GENERATION, maxNewTokens: 5 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('generate errors', () => {
  it('names the argument', async () => {
    await useBackend('wasm');
    const model = createCausalLM({ ...TINY_GPT2, n_positions: 8 });
    await expect(model.generate(['hi'])).rejects.toThrow(/prompts\[0\].*no tokenizer/);
    await expect(model.generate([[1, 2, 3]], { maxNewTokens: 6 })).rejects.toThrow(
      /maxNewTokens.*at most 5/,
    );
    // A prompt longer than the context: named as such, never "maxNewTokens must be at most -2".
    await expect(
      model.generate([[1], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], { maxNewTokens: 3 }),
    ).rejects.toThrow(
      "generate: argument 'prompts[1]' must be at most 7 tokens, so that at least one new token fits in the model's context of 8 (n_positions), got 10. Shorten it, or keep its last 5 tokens to leave room for maxNewTokens (3).",
    );
    await expect(model.generate([[1]], { topK: -1 })).rejects.toThrow(/GenerationConfig.topK/);
    model.dispose();
  });
});
