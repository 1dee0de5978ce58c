// PPOTrainer on the embedded default model: the rollout and the update agree, runs are seeded, no
// tensor leaks, bad inputs stop with the field named, LoRA's reference is the adapter switched off.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@va/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PPOTrainer, type RolloutRow } from '../src/trainer.js';
import { defaultPolicy, PROMPTS, rewardOf, SMALL, withoutTimes } from './helpers.js';

const prompts = PROMPTS.slice(0, 4);
const lengthReward = rewardOf('length', (r) => ({ mean: r.length / 10, variance: 0.5 }));
let policy: Awaited<ReturnType<typeof defaultPolicy>>;

beforeAll(async () => {
  policy = await defaultPolicy();
});
afterAll(() => policy.dispose());

/** The stat keys the README's stats table documents. */
function documentedStats(): string[] {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('### Stats'),
    readme.indexOf('## Config and presets'),
  );
  return [...section.matchAll(/^\| `([a-z_/]+)` \|/gm)].map((m) => m[1]!);
}

describe('PPOTrainer', () => {
  it('returns every stat the README documents, each phase timed where it happens', async () => {
    const slowReward = rewardOf('slow-length', (r) => ({ mean: r.length / 10, variance: 0.5 }));
    const score = slowReward.score;
    slowReward.score = async (q) => {
      await new Promise((done) => setTimeout(done, 200));
      return score(q);
    };
    const trainer = await PPOTrainer.create({ policy, reward: slowReward, config: SMALL });
    const stats = await trainer.step(prompts, {
      onRollout: () => {
        const end = performance.now() + 100;
        while (performance.now() < end);
      },
    });
    trainer.dispose();
    const documented = documentedStats();
    expect(documented.length).toBeGreaterThan(40);
    expect(Object.keys(stats).sort()).toEqual([...documented].sort());
    for (const [k, v] of Object.entries(stats)) expect(Number.isFinite(v), k).toBe(true);
    // The reward model's 200 ms are the score phase's; the callback's 100 ms are not advantages'.
    expect(stats['time/ppo/score']).toBeGreaterThanOrEqual(0.2);
    expect(stats['time/ppo/on_rollout']).toBeGreaterThanOrEqual(0.1);
    expect(stats['time/ppo/compute_advantages']).toBeLessThan(0.05);
    const phases = Object.entries(stats).filter(
      ([k]) => k.startsWith('time/ppo/') && k !== 'time/ppo/total',
    );
    expect(phases).toHaveLength(8);
    const sum = phases.reduce((a, [, v]) => a + v, 0);
    const total = stats['time/ppo/total']!;
    expect(Math.abs(sum - total)).toBeLessThanOrEqual(0.02 * total);
  });

  it('recomputes the rollout log-probabilities exactly: the first minibatch has ratio 1', async () => {
    const trainer = await PPOTrainer.create({
      policy,
      reward: lengthReward,
      config: { ...SMALL, ppoEpochs: 1, miniBatchSize: 4 },
    });
    let rows: readonly RolloutRow[] = [];
    const stats = await trainer.step(prompts, { onRollout: (r) => (rows = r) });
    expect(stats['ppo/policy/ratio']).toBeCloseTo(1, 6);
    expect(stats['ppo/policy/clipfrac']).toBe(0);
    expect(stats['ppo/policy/approxkl']).toBeLessThan(1e-10);
    // The reference is a frozen copy: KL 0 and no penalty at the first step.
    expect(stats['objective/kl']).toBe(0);
    expect(stats['ppo/mean_non_score_reward']).toBe(0);
    // Rewards: the score on the last token only; returns = advantages (raw) + values.
    for (const r of rows) {
      expect(r.rewards.slice(0, -1).every((x) => x === 0)).toBe(true);
      expect(r.rewards.at(-1)).toBe(r.score);
      expect(r.score).toBeCloseTo(r.text.length / 10, 12);
      expect(r.logprobs).toHaveLength(r.response.length);
    }
    const adv = rows.flatMap((r) => r.advantages);
    expect(adv.reduce((a, b) => a + b, 0) / adv.length).toBeCloseTo(0, 10);
    expect(stats['objective/kl_coef']).toBe(0.1);
    trainer.dispose();
  });

  it('is seeded: two trainers give the same stats; and leaks no tensors across steps', async () => {
    const run = async () => {
      const copy = await defaultPolicy();
      const trainer = await PPOTrainer.create({
        policy: copy,
        reward: lengthReward,
        config: SMALL,
      });
      const out = [];
      let after1 = 0;
      for (let s = 0; s < 2; s++) {
        out.push(withoutTimes(await trainer.step(prompts)));
        if (s === 0) after1 = tf.memory().numTensors;
      }
      const leak = tf.memory().numTensors - after1;
      trainer.dispose();
      copy.dispose();
      return { out, leak };
    };
    const a = await run();
    const b = await run();
    expect(a.out).toEqual(b.out);
    expect(a.out[1]!['objective/kl']).not.toBe(0);
    expect(a.leak).toBe(0);
  });

  it('stops on bad reward answers and bad prompts, naming the field', async () => {
    const bad = (f: (i: number) => object) => ({
      name: 'bad',
      async score(q: readonly unknown[]) {
        return q.map((_, i) => ({ mean: 1, variance: 1, sample: 1, ...f(i) })) as never;
      },
    });
    const make = (reward: ReturnType<typeof bad>) =>
      PPOTrainer.create({ policy, reward, config: SMALL });
    const t1 = await make(bad((i) => (i === 2 ? { sample: Number.NaN } : {})));
    await expect(t1.step(prompts)).rejects.toThrow(
      "reward model 'bad': score() answered NaN for [2].sample; expected a finite number. Fix the reward model",
    );
    const t2 = await make(bad(() => ({ variance: -0.5 })));
    await expect(t2.step(prompts)).rejects.toThrow(
      /score\(\) answered -0.5 for \[0\].variance; expected a finite number >= 0/,
    );
    await expect(t2.step([])).rejects.toThrow(ValidationError);
    await expect(t2.step([])).rejects.toThrow(/'prompts' must be a non-empty array of prompts/);
    await expect(t2.step(['ok', ''])).rejects.toThrow(
      /'prompts\[1\]' must be a text of at least one token/,
    );
    const t3 = await make({ name: 'short', score: async () => [] } as never);
    await expect(t3.step(prompts)).rejects.toThrow(
      /score\(\) answered 0 scores for 4 queries; expected one score per query/,
    );
    await expect(
      PPOTrainer.create({ policy, reward: lengthReward, config: { clipRange: -1 } }),
    ).rejects.toThrow('PPOConfig.clipRange: must be > 0 (got -1)');
    await expect(PPOTrainer.create({ policy, reward: {} as never })).rejects.toThrow(
      /'reward' must be a RewardModel/,
    );
    for (const t of [t1, t2, t3]) t.dispose();
  });

  it('floors a zero variance in the variance-aware penalty', async () => {
    const point = rewardOf('point', () => ({ mean: 1, variance: 0 }));
    const trainer = await PPOTrainer.create({
      policy,
      reward: point,
      config: { ...SMALL, method: 'variance-aware', varianceFloor: 0.25 },
    });
    let betas: number[] = [];
    const stats = await trainer.step(prompts, {
      onRollout: (rows) => (betas = rows.map((r) => r.betaEffective)),
    });
    expect(betas).toEqual([0.025, 0.025, 0.025, 0.025]);
    expect(stats['ppo/variance/floored_frac']).toBe(1);
    expect(stats['ppo/beta_eff/mean']).toBe(0.025);
    trainer.dispose();
  });

  it('normalizeVariance divides sigma2 by the mean variance: the same average penalty as vanilla', async () => {
    const parity = rewardOf('parity', (r) => ({ mean: 1, variance: r.length % 2 ? 3 : 1 }));
    const trainer = await PPOTrainer.create({
      policy,
      reward: parity,
      config: { ...SMALL, method: 'variance-aware', normalizeVariance: true },
    });
    let rows: readonly RolloutRow[] = [];
    const stats = await trainer.step(prompts, { onRollout: (r) => (rows = r) });
    const v = rows.map((r) => r.reward.variance);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    rows.forEach((r, i) => {
      expect(r.betaEffective).toBeCloseTo((0.1 * v[i]!) / mean, 12);
    });
    expect(stats['ppo/variance/scale']).toBeCloseTo(mean, 12);
    expect(stats['ppo/beta_eff/mean']).toBeCloseTo(0.1, 12);
    trainer.dispose();
  });

  it("'full' penalises the KL over the vocabulary: 0 against an identical reference, >= 0 after", async () => {
    const copy = await defaultPolicy();
    const trainer = await PPOTrainer.create({
      policy: copy,
      reward: lengthReward,
      config: { ...SMALL, penalty: 'full' },
    });
    let penalties: number[] = [];
    await trainer.step(prompts, {
      onRollout: (rows) => (penalties = rows.flatMap((r) => r.penalties)),
    });
    expect(penalties.every((p) => Math.abs(p) < 1e-6)).toBe(true);
    await trainer.step(prompts, {
      onRollout: (rows) => (penalties = rows.flatMap((r) => r.penalties)),
    });
    expect(penalties.every((p) => p >= -1e-6)).toBe(true);
    expect(Math.max(...penalties)).toBeGreaterThan(1e-4);
    trainer.dispose();
    copy.dispose();
  });

  it('trains only the LoRA adapter, against the same model with the adapter off', async () => {
    const model = await defaultPolicy();
    const base = model.readParams();
    model.addLora({ r: 4, alpha: 8, seed: 1 });
    const trainer = await PPOTrainer.create({ policy: model, reward: lengthReward, config: SMALL });
    expect(trainer.referenceIsAdapterOff).toBe(true);
    expect(trainer.reference).toBe(model);
    const before = tf.memory().numTensors;
    await trainer.step(prompts);
    const stats = await trainer.step(prompts);
    expect(stats['objective/kl']).not.toBe(0);
    for (const [name, p] of model.readParams()) {
      expect(
        Buffer.from(p.data.buffer).equals(Buffer.from(base.get(name)!.data.buffer)),
        name,
      ).toBe(true);
    }
    expect(model.lora!.enabled).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
  });
});
