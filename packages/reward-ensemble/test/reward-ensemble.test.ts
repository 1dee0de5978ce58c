import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseSafetensors, serializeSafetensors } from '@va/lm/safetensors';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { initEnsembleHeads } from '../src/ensemble-heads.js';
import { HashedBackbone } from '../src/hashed-backbone.js';
import { ensembleRewardModel, RewardEnsemble } from '../src/reward-ensemble.js';

const queries = [
  { prompt: 'How do I bake bread?', response: 'Mix flour, water, yeast and salt, then bake.' },
  {
    prompt: '\n\nHuman: hi\n\nAssistant: hello\n\nHuman: insult me\n\nAssistant:',
    response: 'I would rather not.',
  },
];

describe('RewardEnsemble', () => {
  const backbone = new HashedBackbone({ dim: 24 });
  const heads = initEnsembleHeads(24, [0, 1, 2, 3, 4], 1, 3);
  const ensemble = new RewardEnsemble(backbone, heads);

  it('scores mean, sample variance and members like a plain loop', async () => {
    const scores = await ensemble.score(queries);
    const texts = [
      '\n\nHuman: How do I bake bread?\n\nAssistant: Mix flour, water, yeast and salt, then bake.',
      '\n\nHuman: hi\n\nAssistant: hello\n\nHuman: insult me\n\nAssistant: I would rather not.',
    ];
    expect(ensemble.queryTexts(queries)).toEqual(texts);
    texts.forEach((text, r) => {
      const h = backbone.embedOne(text);
      const members = [0, 1, 2, 3, 4].map((j) =>
        [...h].reduce((s, x, i) => s + x * Math.fround(heads.weight[i * 5 + j]!), 0),
      );
      const mean = members.reduce((a, b) => a + b, 0) / 5;
      const variance = members.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      const s = scores[r]!;
      s.members!.forEach((m, j) => {
        expect(m).toBeCloseTo(members[j]!, 12);
      });
      expect(s.mean).toBeCloseTo(mean, 12);
      expect(s.variance).toBeCloseTo(variance, 12);
      expect(s.sample).toBe(s.mean);
      expect(s.variance).toBeGreaterThan(0);
    });
    expect(ensemble.name).toBe('ensemble(k=5, backbone=hashed-ngrams(d=24, n<=2))');
  });

  it('saves heads as safetensors and loads back bit-identically', async () => {
    const dir = tempDir('va-ens-');
    await ensemble.save(dir);
    const st = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'heads.safetensors'))));
    expect(st.tensors.get('score.weight')!.shape).toEqual([5, 24]);
    expect(st.tensors.has('score.bias')).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, 'ensemble.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'va-reward-ensemble',
      k: 5,
      dim: 24,
      backbone: { kind: 'hashed' },
    });
    const loaded = await RewardEnsemble.load(dir);
    expect(await loaded.score(queries)).toEqual(await ensemble.score(queries));
    await expect(
      RewardEnsemble.load(dir, { backbone: new HashedBackbone({ dim: 24, seed: 9 }) }),
    ).rejects.toThrow(/trained on backbone/);
    await expect(RewardEnsemble.load(join(dir, 'nope'))).rejects.toThrow(/cannot read/);
  });

  it('is the ensemble:<dir> factory, the folder taken relative to baseDir', async () => {
    const dir = tempDir('va-ens-');
    await ensemble.save(dir);
    const loaded = await ensembleRewardModel(basename(dir), { seed: 5, baseDir: dirname(dir) });
    expect(loaded.name).toBe(ensemble.name);
    expect(await loaded.score(queries)).toEqual(await ensemble.score(queries));
    await expect(
      Promise.resolve(ensembleRewardModel('nope', { seed: 0, baseDir: dir })),
    ).rejects.toThrow(`RewardEnsemble.load: cannot read ${join(dir, 'nope', 'ensemble.json')}`);
  });

  it('refuses heads that are not finite at float32, in memory and on disk', async () => {
    const dir = tempDir('va-ens-');
    await ensemble.save(dir);
    const file = join(dir, 'heads.safetensors');
    const st = parseSafetensors(new Uint8Array(readFileSync(file)));
    const w = st.tensors.get('score.weight')!;
    const broken = Float32Array.from(w.data);
    broken[2 * 24 + 5] = Number.NaN; // member 2, feature 5
    writeFileSync(
      file,
      serializeSafetensors(new Map([['score.weight', { shape: w.shape, data: broken }]])),
    );
    await expect(RewardEnsemble.load(dir)).rejects.toThrow(
      `RewardEnsemble.load: ${file} holds a non-finite score.weight of member 2 (NaN): the run that saved it diverged. Fix: train again with a lower learning rate (--lr)`,
    );
    const huge = { ...heads, weight: Float64Array.from(heads.weight) };
    huge.weight[7] = 1e39; // finite as a double, Infinity at float32
    expect(() => new RewardEnsemble(backbone, huge)).toThrow(
      "RewardEnsemble: argument 'heads.weight[7]' must be finite at float32 (the precision heads are held and saved at), got 1e+39",
    );
  });

  it('names a missing heads file and how to get it back', async () => {
    const dir = tempDir('va-ens-');
    await ensemble.save(dir);
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'heads.safetensors'));
    await expect(RewardEnsemble.load(dir)).rejects.toThrow(
      new RegExp(
        `^RewardEnsemble.load: cannot read ${join(dir, 'heads.safetensors')} \\(ENOENT: no such file or directory.*\\)\\. Fix: save the ensemble again \\(va-ensemble train\\), or copy the whole folder it was saved in$`,
      ),
    );
  });

  it('scores pairs in one pass and validates its inputs', async () => {
    const pairs = [
      { prompt: [{ role: 'user', content: 'q' }], chosen: 'good answer', rejected: 'bad' },
    ];
    const s = await ensemble.scorePairs(pairs);
    const direct = await ensemble.score([
      { prompt: 'q', response: 'good answer' },
      { prompt: 'q', response: 'bad' },
    ]);
    expect([...s.chosen]).toEqual(direct[0]!.members);
    expect([...s.rejected]).toEqual(direct[1]!.members);
    await expect(ensemble.score([{ prompt: 1 } as never])).rejects.toThrow(
      /RewardEnsemble.score: argument 'queries\[0\]'/,
    );
    expect(() => new RewardEnsemble(backbone, initEnsembleHeads(24, [0], 1))).toThrow(
      /at least 2 members/,
    );
    expect(() => new RewardEnsemble(backbone, initEnsembleHeads(8, [0, 1], 1))).toThrow(
      /heads.dim/,
    );
  });
});
