import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL_DIR } from '@va/lm';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { createBackbone } from '../src/create-backbone.js';
import { FeatureCache } from '../src/feature-cache.js';
import { finetuneLmBackbone, twoStageInitialHeads } from '../src/finetune-backbone.js';
import { loadLmBackbone } from '../src/lm-backbone.js';
import type { PreferencePair } from '../src/preference-record.js';
import { RewardEnsemble } from '../src/reward-ensemble.js';
import { trainEnsemble } from '../src/train-ensemble.js';
import { expectReferenceFeatures, fixture } from './helpers.js';

/** Pairs in the tiny model's vocabulary: praise preferred over complaints. */
const pairs: PreferencePair[] = Array.from({ length: 24 }, (_, i) => ({
  prompt: [
    { role: 'user', content: i % 2 ? 'what do you think of the film ?' : 'how was the movie ?' },
  ],
  chosen: [
    'I love this movie .',
    'it was great fun !',
    'the acting was good',
    'a really great story',
  ][i % 4]!,
  rejected: ['the plot was boring', 'it was bad', 'I hate this film .', 'boring and not fun'][
    (i + 1) % 4
  ]!,
}));

describe('LmBackbone (@va/lm)', () => {
  for (const pooling of ['last', 'mean'] as const) {
    it(`matches the PyTorch model's ${pooling}-token features, batched with padding`, async () => {
      const bb = await loadLmBackbone(fixture('tiny-gpt2'), { pooling });
      await expectReferenceFeatures(bb, pooling);
      bb.dispose();
    });
  }

  it('uses the chat template and names a missing model', async () => {
    const bb = await loadLmBackbone(fixture('tiny-gpt2'));
    expect(
      bb.formatConversation([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'ok' },
      ]),
    ).toBe('<|user|> hi <|assistant|> ok ');
    bb.dispose();
    await expect(loadLmBackbone(join(tmpdir(), 'no-such-lm'), { offline: true })).rejects.toThrow();
  });

  it('trains the first stage without leaking tensors, renewing the identity', async () => {
    const bb = await loadLmBackbone(fixture('tiny-gpt2'));
    const before = bb.identity;
    const tensors = tf.memory().numTensors;
    const result = await finetuneLmBackbone(bb, pairs, {
      batchSize: 8,
      epochs: 6,
      learningRate: 3e-3,
      seed: 1,
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(result.steps).toBe(18);
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(result.losses.slice(-3))).toBeLessThan(mean(result.losses.slice(0, 3)));
    expect(bb.identity).not.toBe(before);
    expect(result.head).toHaveLength(bb.dim);
    bb.dispose();
  });

  it('stops a diverging first stage before the non-finite update reaches the weights', async () => {
    const bb = await loadLmBackbone(fixture('tiny-gpt2'));
    const tensors = tf.memory().numTensors;
    await expect(
      finetuneLmBackbone(bb, pairs, { batchSize: 8, epochs: 6, learningRate: 1e30, seed: 1 }),
    ).rejects.toThrow(
      /^finetuneLmBackbone: diverged at step \d+ of 18: the loss is (NaN|Infinity), the gradient norm (NaN|Infinity|[\d.e+]+)\. Likely cause: learningRate 1e\+30 is too high \(the default is 0\.00001\); lower it, or set maxGradNorm\.$/,
    );
    expect(tf.memory().numTensors).toBe(tensors);
    bb.dispose();
  });

  it('stops the first stage early at the loss threshold', async () => {
    const bb = await loadLmBackbone(fixture('tiny-gpt2'));
    const r = await finetuneLmBackbone(bb, pairs, {
      batchSize: 8,
      epochs: 20,
      learningRate: 3e-3,
      stopAtLoss: 0.69,
      lossWindow: 3,
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.steps).toBeLessThan(r.totalSteps);
    bb.dispose();
  });

  it('runs both stages, saves the trained backbone beside the heads, and loads back exactly', async () => {
    const bb = await loadLmBackbone(fixture('tiny-gpt2'));
    const stage1 = await finetuneLmBackbone(bb, pairs, {
      batchSize: 8,
      epochs: 2,
      learningRate: 1e-3,
    });
    const initialHeads = twoStageInitialHeads(stage1.head, 3, 0);
    expect(initialHeads.weight[0]).toBe(stage1.head[0]);
    const cache = new FeatureCache(tempDir('va-lm-cache-'));
    const { ensemble } = await trainEnsemble(bb, pairs, {
      heads: { k: 3, epochs: 5, learningRate: 0.05 },
      initialHeads,
      cache,
    });
    const dir = tempDir('va-lm-ens-');
    await ensemble.save(dir);
    expect(existsSync(join(dir, 'backbone', 'model.safetensors'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'ensemble.json'), 'utf8')).backbone.source).toBe(
      './backbone',
    );
    const loaded = await RewardEnsemble.load(dir);
    expect(loaded.backbone.identity).toBe(bb.identity);
    const queries = [{ prompt: 'how was the movie ?', response: 'it was great fun !' }];
    expect(await loaded.score(queries)).toEqual(await ensemble.score(queries));
    await loaded.dispose();
    await ensemble.dispose();
  });

  it.skipIf(!existsSync(join(DEFAULT_MODEL_DIR, 'config.json')))(
    'loads the embedded default model as `default` and embeds with it',
    async () => {
      const bb = await createBackbone('default');
      expect(bb.spec).toMatchObject({ kind: 'lm', source: 'default', pooling: 'last' });
      const f = await bb.embed(['A warm, funny film.', 'Dull and far too long.']);
      expect(f.rows).toBe(2);
      expect(f.data.every(Number.isFinite)).toBe(true);
      expect([...f.data.subarray(0, bb.dim)]).not.toEqual([...f.data.subarray(bb.dim)]);
      await bb.dispose();
    },
  );
});
