// Properties of the forward pass that a wrong implementation breaks: the KV cache equals full
// recomputation, causality, left padding, log-probabilities, input checks, no leaked tensors, and
// Gemma's sliding window (a token beyond every layer's reach changes nothing).

import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CausalLM, createCausalLM, KVCache } from '../src/causal-lm.js';
import { maxAbsDiff, TINY_GEMMA2, TINY_GPT2, TINY_QWEN2, useBackend } from './helpers.js';

const FAMILIES = [
  ['gpt2', { ...TINY_GPT2, initializer_range: 0.3 }],
  ['qwen2', { ...TINY_QWEN2, initializer_range: 0.3 }],
  // Its window of 3 cuts the 10-token rows: the cache must keep masking keys beyond it.
  ['gemma2', { ...TINY_GEMMA2, initializer_range: 0.3 }],
] as const;

// Every test disposes what it makes, and each model its weights: nothing is left behind.
let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => expect(tf.memory().numTensors).toBe(before));

describe.each(FAMILIES)('%s', (_, config) => {
  let model: CausalLM;
  let start = 0;
  beforeAll(async () => {
    await useBackend('wasm');
    start = tf.memory().numTensors;
    model = createCausalLM(config, { seed: 11 });
  });
  afterAll(() => {
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  const ids = [
    [3, 14, 15, 9, 26, 5, 35, 8, 9, 7],
    [2, 7, 18, 28, 18, 28, 45, 9, 0, 4],
  ];

  it('the KV-cache path equals full recomputation', () => {
    const full = model.forward(ids);
    const cache = new KVCache();
    const parts: tf.Tensor3D[] = [];
    // A prefix of 4, then 1, 2 and 3 tokens at a time.
    let at = 0;
    for (const n of [4, 1, 2, 3]) {
      const chunk = ids.map((r) => r.slice(at, at + n));
      const out = model.forward(chunk, { cache });
      parts.push(out.logits);
      out.hiddenStates.dispose();
      at += n;
    }
    expect(cache.length).toBe(10);
    const stepped = tf.concat(parts, 1);
    expect(maxAbsDiff(stepped.dataSync(), full.logits.dataSync())).toBeLessThan(1e-4);
    tf.dispose([full.logits, full.hiddenStates, stepped, ...parts]);
    cache.dispose();
  });

  it('is causal: changing a later token leaves earlier logits unchanged', () => {
    const a = model.forward([ids[0]!]);
    const changed = [...ids[0]!];
    changed[6] = (changed[6]! + 1) % 50;
    const b = model.forward([changed]);
    const v = model.config.vocabSize;
    const av = a.logits.dataSync();
    const bv = b.logits.dataSync();
    expect(maxAbsDiff(av.slice(0, 6 * v), bv.slice(0, 6 * v))).toBe(0);
    expect(maxAbsDiff(av.slice(6 * v), bv.slice(6 * v))).toBeGreaterThan(1e-3);
    tf.dispose([a, b]);
  });

  it('a left-padded row with its mask gives the logits of the unpadded row', () => {
    const short = ids[1]!.slice(0, 6);
    const unpadded = model.forward([short]);
    const alone = unpadded.logits.arraySync()[0]!;
    tf.dispose(unpadded);
    const padded = model.forward([ids[0]!, [0, 0, 0, 0, ...short]], {
      attentionMask: [ids[0]!.map(() => 1), [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]],
    });
    const row = (padded.logits.arraySync() as number[][][])[1]!.slice(4);
    expect(maxAbsDiff(row.flat(), alone.flat())).toBeLessThan(1e-4);
    tf.dispose(padded);
  });

  it('left padding also works through the cache (generation layout)', () => {
    const short = ids[1]!.slice(0, 6);
    const unpadded = model.forward([short]);
    const alone = unpadded.logits.arraySync()[0]!;
    tf.dispose(unpadded);
    const cache = new KVCache();
    const mask = [ids[0]!.slice(0, 7).map(() => 1), [0, 0, 0, 1, 1, 1, 1]];
    const first = model.forward([ids[0]!.slice(0, 7), [0, 0, 0, ...short.slice(0, 4)]], {
      attentionMask: mask,
      cache,
    });
    const m2 = mask.map((r) => [...r, 1, 1]);
    const second = model.forward([ids[0]!.slice(7, 9), short.slice(4, 6)], {
      attentionMask: m2,
      cache,
      logits: 'last',
    });
    const got = (second.logits.arraySync() as number[][][])[1]![0]!;
    expect(maxAbsDiff(got, alone[5]!)).toBeLessThan(1e-4);
    tf.dispose([first, second]);
    cache.dispose();
  });

  it('tokenLogProbs are log_softmax(logits) at the next token', () => {
    const { logits, hiddenStates } = model.forward(ids);
    const lp = model.tokenLogProbs(ids);
    expect(lp.shape).toEqual([2, 9]);
    const l = logits.arraySync() as number[][][];
    const got = lp.arraySync() as number[][];
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 9; t++) {
        const row = l[b]![t]!;
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
        expect(got[b]![t]).toBeCloseTo(row[ids[b]![t + 1]!]! - lse, 5);
      }
    }
    tf.dispose([logits, hiddenStates, lp]);
  });

  it('continuationLogProbs equal tokenLogProbs of the joined sequence', () => {
    const prompts = [ids[0]!.slice(0, 3), ids[1]!.slice(0, 5)];
    const conts = [ids[0]!.slice(3, 8), ids[1]!.slice(5, 7)];
    const res = model.continuationLogProbs(prompts, conts);
    expect(res.logprobs.shape).toEqual([2, 5]);
    expect(res.mask.arraySync()).toEqual([
      [1, 1, 1, 1, 1],
      [1, 1, 0, 0, 0],
    ]);
    const got = res.logprobs.arraySync() as number[][];
    for (let b = 0; b < 2; b++) {
      const joined = [...prompts[b]!, ...conts[b]!];
      const lp = model.tokenLogProbs([joined]);
      const want = (lp.arraySync() as number[][])[0]!.slice(prompts[b]!.length - 1);
      expect(maxAbsDiff(got[b]!.slice(0, want.length), want)).toBeLessThan(1e-4);
      lp.dispose();
    }
    expect(got[1]!.slice(2).map((x) => x + 0)).toEqual([0, 0, 0]); // -0 + 0 = 0
    tf.dispose([res.logprobs, res.mask, res.hiddenStates]);
  });

  it('hiddenStates are what the head multiplies (final norm applied); hiddenStates() alone agrees', () => {
    const { logits, hiddenStates } = model.forward(ids);
    const table = model.param(
      model.config.family === 'gpt2' ? 'wte.weight' : 'model.embed_tokens.weight',
    );
    // Gemma 2 caps the product: cap * tanh(logit / cap).
    const cap = model.config.family === 'gemma' ? model.config.finalSoftcap : undefined;
    const again = tf.tidy(() => {
      const product = tf.matMul(hiddenStates.reshape([20, -1]), table, false, true);
      return cap ? product.div(cap).tanh().mul(cap) : product;
    });
    expect(maxAbsDiff(again.dataSync(), logits.dataSync())).toBeLessThan(1e-4);
    const alone = model.hiddenStates(ids);
    expect(maxAbsDiff(alone.dataSync(), hiddenStates.dataSync())).toBe(0);
    const viaHead = model.logitsOf(alone);
    expect(viaHead.shape).toEqual([2, 10, 50]);
    expect(maxAbsDiff(viaHead.dataSync(), logits.dataSync())).toBe(0);
    tf.dispose([logits, hiddenStates, again, alone, viaHead]);
  });

  it('leaks no tensor across forward, tokenLogProbs and cached calls', () => {
    const before = tf.memory().numTensors;
    tf.dispose(model.forward(ids));
    model.tokenLogProbs(ids, { attentionMask: ids.map((r) => r.map(() => 1)) }).dispose();
    const cache = new KVCache();
    tf.dispose(model.forward(ids, { cache }));
    tf.dispose(model.forward([[1], [2]], { cache, logits: 'last' }));
    cache.dispose();
    const c = model.continuationLogProbs([[1, 2]], [[3]], { logits: true });
    tf.dispose([c.logprobs, c.mask, c.hiddenStates, c.logits!]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad inputs with the argument and the value', () => {
    expect(() => model.forward([[1, 2, 50]])).toThrow(
      /CausalLM.forward: argument 'inputIds\[0\]' must be token ids in \[0, 50\), got 50/,
    );
    expect(() => model.forward([[1, 2], [3]])).toThrow(/inputIds\[1\]/);
    expect(() => model.forward([[1, 2]], { attentionMask: [[1, 1, 1]] })).toThrow(
      /attentionMask.*\[1, 2\]/,
    );
  });
});

describe('GPT-2 positions', () => {
  it('refuses inputs longer than n_positions', async () => {
    await useBackend('wasm');
    const model = createCausalLM({ ...TINY_GPT2, n_positions: 4 });
    expect(() => model.forward([[1, 2, 3, 4, 5]])).toThrow(/n_positions = 4/);
    model.dispose();
  });
});

describe('Gemma 2 sliding window', () => {
  it('every layer sliding (window 3, 2 layers): a token 5 or more back changes nothing', async () => {
    await useBackend('wasm');
    const config = {
      ...TINY_GEMMA2,
      num_hidden_layers: 2,
      layer_types: ['sliding_attention', 'sliding_attention'],
      initializer_range: 0.3,
    };
    const model = createCausalLM(config, { seed: 3 });
    const a = [3, 14, 15, 9, 26, 5, 35, 8];
    const b = [40, ...a.slice(1)];
    const [fa, fb] = [a, b].map((row) => model.forward([row]));
    const [la, lb] = [fa!.logits, fb!.logits];
    const v = model.config.vocabSize;
    const diffAt = (t: number) =>
      maxAbsDiff(
        la!.dataSync().slice(t * v, (t + 1) * v),
        lb!.dataSync().slice(t * v, (t + 1) * v),
      );
    // Two layers of reach 2 each: position 4 still sees token 0, position 5 no longer does.
    expect(diffAt(4)).toBeGreaterThan(1e-3);
    for (const t of [5, 6, 7]) expect(diffAt(t)).toBe(0);
    tf.dispose([fa!, fb!]);
    // With the default layout (layer 1 global) the change reaches every position.
    const mixed = createCausalLM({ ...config, layer_types: null }, { seed: 3 });
    const [ma, mb] = [a, b].map((row) => mixed.forward([row]));
    const last = (x: tf.Tensor) => x.dataSync().slice(7 * v);
    expect(maxAbsDiff(last(ma!.logits), last(mb!.logits))).toBeGreaterThan(1e-3);
    tf.dispose([ma!, mb!]);
    model.dispose();
    mixed.dispose();
  });
});
