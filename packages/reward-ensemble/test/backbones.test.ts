import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '@va/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { poolHiddenStates, poolingWeights } from '../src/backbone.js';
import { createBackbone, parseBackboneSpec } from '../src/create-backbone.js';
import { FeatureCache } from '../src/feature-cache.js';
import { HashedBackbone } from '../src/hashed-backbone.js';
import { loadOnnxBackbone } from '../src/onnx-backbone.js';
import { expectReferenceFeatures, fixture, TINY_GPT2_EXPECTED } from './helpers.js';

describe('pooling', () => {
  it('takes the last non-padding token on either side, or the mean', () => {
    const mask = [
      [0, 1, 1],
      [1, 1, 0],
    ];
    expect([...poolingWeights(mask, 'last')]).toEqual([0, 0, 1, 0, 1, 0]);
    expect([...poolingWeights(mask, 'mean')]).toEqual([0, 0.5, 0.5, 0.5, 0.5, 0]);
    const hidden = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]; // [2, 3, 2]
    expect([...poolHiddenStates(hidden, [2, 3, 2], mask, 'last').data]).toEqual([5, 6, 9, 10]);
    expect([...poolHiddenStates(hidden, [2, 3, 2], mask, 'mean').data]).toEqual([4, 5, 8, 9]);
    expect(() => poolingWeights([[0, 0]], 'last')).toThrow(/attentionMask\[0\]/);
  });
});

describe('HashedBackbone', () => {
  it('is deterministic, seeded, and additive over n-grams without normalisation', async () => {
    const a = new HashedBackbone({ maxNgram: 1, normalize: 'none', dim: 32 });
    const b = new HashedBackbone({ maxNgram: 1, normalize: 'none', dim: 32 });
    const other = new HashedBackbone({ maxNgram: 1, normalize: 'none', dim: 32, seed: 1 });
    const f = await a.embed(['good movie', 'good', 'movie', 'Good  MOVIE']);
    expect([...(await b.embed(['good movie'])).data]).toEqual([...f.data.subarray(0, 32)]);
    expect(a.identity).toBe(b.identity);
    expect(other.identity).not.toBe(a.identity);
    expect([...(await other.embed(['good movie'])).data]).not.toEqual([...f.data.subarray(0, 32)]);
    for (let i = 0; i < 32; i++) {
      expect(f.data[i]).toBeCloseTo(f.data[32 + i]! + f.data[64 + i]!, 6);
      expect(f.data[96 + i]).toBe(f.data[i]); // lower-cased, whitespace-insensitive
    }
  });

  it('scales by 1/sqrt(#n-grams) by default and formats dialogues as HH-RLHF', async () => {
    const bb = new HashedBackbone({ dim: 64 });
    const one = bb.embedOne('word');
    const norm = Math.hypot(...one);
    expect(norm).toBeCloseTo(1, 6); // 4 entries of 1/2 in distinct buckets (or merged: still <= 1)
    expect(
      bb.formatConversation([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'yo' },
      ]),
    ).toBe('\n\nHuman: hi\n\nAssistant: yo');
    expect(() => new HashedBackbone({ dim: 0 })).toThrow(/HashedBackboneConfig.dim/);
  });
});

describe('createBackbone', () => {
  it('parses the command-line forms', () => {
    expect(parseBackboneSpec('hashed')).toEqual({ kind: 'hashed' });
    expect(parseBackboneSpec('default', { pooling: 'mean' })).toEqual({
      kind: 'lm',
      source: 'default',
      pooling: 'mean',
    });
    expect(parseBackboneSpec('onnx:/m/gemma')).toEqual({ kind: 'onnx', source: '/m/gemma' });
    expect(parseBackboneSpec('lm:Qwen/Qwen2.5-0.5B')).toEqual({
      kind: 'lm',
      source: 'Qwen/Qwen2.5-0.5B',
    });
    expect(() => parseBackboneSpec('gemma')).toThrow(/parseBackboneSpec: argument 'text'/);
  });

  it('rebuilds a hashed backbone from its spec', async () => {
    const bb = new HashedBackbone({ dim: 48, seed: 4 });
    expect((await createBackbone(bb.spec)).identity).toBe(bb.identity);
  });
});

describe('FeatureCache', () => {
  it('computes each text once and serves it from disk afterwards', async () => {
    const dir = tempDir('va-cache-');
    const bb = new HashedBackbone({ dim: 16 });
    const spy = vi.spyOn(bb, 'embed');
    const cache = new FeatureCache(dir);
    const first = await cache.features(bb, ['a b', 'c', 'a b']);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![0]).toEqual(['a b', 'c']);
    const again = new FeatureCache(dir); // a new process: reads the shards from disk
    const second = await again.features(bb, ['c', 'a b', 'new text']);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(spy.mock.calls[1]![0]).toEqual(['new text']);
    expect([...second.data.subarray(0, 32)]).toEqual([
      ...first.data.subarray(16, 32),
      ...first.data.subarray(0, 16),
    ]);
    expect(again.stats).toEqual({ hits: 2, misses: 1 });
    expect([...second.data.subarray(32)]).toEqual([...(await bb.embed(['new text'])).data]);
    // Another backbone never sees these features.
    const other = new HashedBackbone({ dim: 16, seed: 2 });
    const third = await again.features(other, ['c']);
    expect([...third.data]).toEqual([...(await other.embed(['c'])).data]);
  });
});

describe('OnnxBackbone (transformers.js)', () => {
  for (const pooling of ['last', 'mean'] as const) {
    it(`matches the PyTorch model's ${pooling}-token features, batched with padding`, async () => {
      const bb = await loadOnnxBackbone(fixture('tiny-gpt2'), { offline: true, pooling });
      for (const row of TINY_GPT2_EXPECTED.texts) expect(bb.encode(row.text)).toEqual(row.ids);
      await expectReferenceFeatures(bb, pooling);
      await bb.dispose();
    });
  }

  it('downloads a hub id once into the cache (fake hub), then loads it offline', async () => {
    const root = fixture('tiny-gpt2');
    const requests: string[] = [];
    const fakeHub = (async (url: string | URL) => {
      requests.push(String(url));
      const m = /^https:\/\/huggingface\.co\/va-test\/tiny-gpt2\/resolve\/main\/(.+)$/.exec(
        String(url),
      );
      if (!m || !existsSync(join(root, m[1]!))) return new Response('not found', { status: 404 });
      const body = readFileSync(join(root, m[1]!));
      return new Response(body, { headers: { 'content-length': String(body.length) } });
    }) as typeof fetch;
    const cacheDir = tempDir('va-tfjs-cache-');
    const online = await loadOnnxBackbone('va-test/tiny-gpt2', { cacheDir, fetch: fakeHub });
    expect(requests.some((u) => u.endsWith('onnx/model.onnx'))).toBe(true);
    const local = await loadOnnxBackbone(root, { offline: true });
    expect(online.identity).toBe(local.identity); // same files, same identity
    const n = requests.length;
    const offline = await loadOnnxBackbone('va-test/tiny-gpt2', {
      cacheDir,
      offline: true,
      fetch: fakeHub,
    });
    expect(requests.length).toBe(n);
    const text = ['I love this movie .'];
    expect([...(await offline.embed(text)).data]).toEqual([...(await local.embed(text)).data]);
    await expect(loadOnnxBackbone('va-test/absent', { cacheDir, offline: true })).rejects.toThrow(
      /not in the local cache/,
    );
  });

  it('applies the tokenizer chat template, truncates from the left, and names a missing folder', async () => {
    const bb = await loadOnnxBackbone(fixture('tiny-gpt2'), { offline: true, maxLength: 3 });
    expect(
      bb.formatConversation([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'ok' },
      ]),
    ).toBe('<|user|> hi <|assistant|> ok ');
    expect(bb.encode('the plot was boring')).toEqual(bb.encode('plot was boring'));
    expect(bb.identity).toMatch(/^onnx\/[0-9a-f]{16}\/fp32\/last\/3$/);
    await expect(
      loadOnnxBackbone(join(tmpdir(), 'no-such-model-folder'), { offline: true }),
    ).rejects.toThrow(
      /loadOnnxBackbone: '.*no-such-model-folder' is not a folder and not in the local cache/,
    );
  });
});
