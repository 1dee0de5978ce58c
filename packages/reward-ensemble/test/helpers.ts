// Shared helpers of the @va/reward-ensemble tests: fixture paths, and the check that a backbone
// reads the tiny GPT-2 fixture as PyTorch does (scripts/make_tiny_gpt2_fixture.py).

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Backbone, Pooling } from '../src/backbone.js';

/** The path of `test/fixtures/<name>`. */
export const fixture = (name: string): string =>
  new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** PyTorch's token ids and pooled features of the tiny GPT-2 fixture's texts. */
export const TINY_GPT2_EXPECTED = JSON.parse(
  readFileSync(fixture('tiny-gpt2-expected.json'), 'utf8'),
) as {
  dim: number;
  texts: { text: string; ids: number[]; last: number[]; mean: number[] }[];
};

/** Embeds the fixture texts three at a time (so padding is in play): PyTorch's features to 1e-5. */
export async function expectReferenceFeatures(bb: Backbone, pooling: Pooling): Promise<void> {
  const { dim, texts } = TINY_GPT2_EXPECTED;
  expect(bb.dim).toBe(dim);
  const f = await bb.embed(
    texts.map((r) => r.text),
    { batchSize: 3 },
  );
  texts.forEach((row, r) => {
    row[pooling].forEach((v, i) => {
      expect(f.data[r * dim + i]).toBeCloseTo(v, 5);
    });
  });
}
