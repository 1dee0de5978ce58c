// A training run in a folder: resumed after a stop it ends with the weights and stats of an
// uninterrupted run; a finished run is not redone; checkpoints round trip; bad folders fail early.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCausalLM } from '@va/lm';
import { readSafetensorsFolder } from '@va/lm/safetensors';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { readCheckpointState, restoreCheckpoint, saveCheckpoint } from '../src/checkpoint.js';
import { promptIndices, trainPolicy } from '../src/train-policy.js';
import { PPOTrainer } from '../src/trainer.js';
import { defaultPolicy, PROMPTS, rewardOf, SMALL, withoutTimes } from './helpers.js';

const tmp = tempDir('va-ppo-run-');
const reward = rewardOf('length', (r) => ({ mean: r.length / 10, variance: 0.5 + r.length / 100 }));
const config = { ...SMALL, method: 'variance-aware' as const, steps: 4, saveEvery: 0 };

/** A signal aborted once `n` steps are done (a test's stand-in for Ctrl-C), and the hook firing it. */
function stopAfter(n: number): { signal: AbortSignal; onStep: (step: number) => void } {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    onStep: (step) => {
      if (step >= n) controller.abort();
    },
  };
}

async function weights(dir: string): Promise<Map<string, Float32Array>> {
  const { tensors } = await readSafetensorsFolder(join(dir, 'policy'));
  return new Map([...tensors].map(([k, t]) => [k, t.data]));
}

describe('promptIndices', () => {
  it('walks a fresh seeded permutation of the pool on every pass', () => {
    const first = [0, 1, 2].flatMap((s) => promptIndices(s, 3, 9, 5));
    expect([...first].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const second = [3, 4, 5].flatMap((s) => promptIndices(s, 3, 9, 5));
    expect([...second].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(second).not.toEqual(first);
    expect(promptIndices(1, 4, 6, 5)).toEqual([
      ...promptIndices(0, 6, 6, 5).slice(4),
      ...promptIndices(6 / 6, 6, 6, 5).slice(0, 2),
    ]);
  });
});

describe('trainPolicy', () => {
  it('resumes after a stop to the same weights and stats as an uninterrupted run, and never redoes a finished one', async () => {
    const whole = join(tmp, 'whole');
    const a = await trainPolicy({
      loadPolicy: defaultPolicy,
      reward,
      prompts: PROMPTS,
      config,
      outDir: whole,
    });
    expect(a.history).toHaveLength(4);
    expect(a.resumedFrom).toBe(0);

    const split = join(tmp, 'split');
    const first = await trainPolicy({
      loadPolicy: defaultPolicy,
      reward,
      prompts: PROMPTS,
      config,
      outDir: split,
      ...stopAfter(2),
    });
    expect(first.history).toHaveLength(2);
    expect(first.stopped).toBe(true);
    expect(await readdir(join(split, 'checkpoints'))).toEqual(['step-000002']);
    // A crash after the checkpoint leaves a logged step the resumed run redoes.
    await writeFile(
      join(split, 'log.jsonl'),
      `${await readFile(join(split, 'log.jsonl'), 'utf8')}{"step":3,"bogus":1}\n`,
    );
    const b = await trainPolicy({
      loadPolicy: defaultPolicy,
      reward,
      prompts: PROMPTS,
      config,
      outDir: split,
    });
    expect(b.resumedFrom).toBe(2);
    expect(b.stopped).toBe(false);
    expect(b.history.map(withoutTimes)).toEqual(a.history.map(withoutTimes));
    const wa = await weights(a.finalDir);
    const wb = await weights(b.finalDir);
    for (const [k, v] of wa)
      expect(Buffer.from(wb.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);
    expect(await readdir(split)).not.toContain('checkpoints');

    const calls = reward.calls;
    const again = await trainPolicy({
      loadPolicy: defaultPolicy,
      reward,
      prompts: PROMPTS,
      config,
      outDir: split,
    });
    expect(again.alreadyDone).toBe(true);
    expect(reward.calls).toBe(calls);
    expect(again.history.map(withoutTimes)).toEqual(a.history.map(withoutTimes));
    // A different config in the same folder is refused, finished or not.
    await expect(
      trainPolicy({
        loadPolicy: defaultPolicy,
        reward,
        prompts: PROMPTS,
        config: { ...config, steps: 5 },
        outDir: whole,
      }),
    ).rejects.toThrow(/must be the config this run started with/);
    const other = join(tmp, 'other');
    await trainPolicy({
      loadPolicy: defaultPolicy,
      reward,
      prompts: PROMPTS,
      config,
      outDir: other,
      ...stopAfter(1),
    });
    await expect(
      trainPolicy({
        loadPolicy: defaultPolicy,
        reward,
        prompts: PROMPTS,
        config: { ...config, learningRate: 1 },
        outDir: other,
      }),
    ).rejects.toThrow(/trainPolicy: argument 'config' must be the config this run started with/);
  });

  it('runs no step when aborted before the first, and stops a run mid-way with a checkpoint', async () => {
    const dir = join(tmp, 'aborted');
    const calls = reward.calls;
    let loaded = false;
    const none = await trainPolicy({
      loadPolicy: () => {
        loaded = true;
        return defaultPolicy();
      },
      reward,
      prompts: PROMPTS,
      config,
      outDir: dir,
      signal: AbortSignal.abort(),
    });
    expect(none).toMatchObject({ stopped: true, alreadyDone: false, resumedFrom: 0, history: [] });
    expect(reward.calls).toBe(calls);
    expect(loaded).toBe(false);
    const saved = { ...config, saveEvery: 1 };
    const dir2 = join(tmp, 'aborted-saving');
    const some = await trainPolicy({
      loadPolicy: defaultPolicy,
      reward,
      prompts: PROMPTS,
      config: saved,
      outDir: dir2,
      ...stopAfter(3),
    });
    expect(some.stopped).toBe(true);
    expect(some.history.map((h) => h.step)).toEqual([1, 2, 3]);
    expect(await readdir(join(dir2, 'checkpoints'))).toEqual(['step-000003']);
    expect((await readCheckpointState(join(dir2, 'checkpoints', 'step-000003'))).step).toBe(3);
  });

  it('checks the output folder before any work', async () => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'x');
    let loaded = false;
    await expect(
      trainPolicy({
        loadPolicy: async () => {
          loaded = true;
          return defaultPolicy();
        },
        reward,
        prompts: PROMPTS,
        config,
        outDir: join(file, 'run'),
      }),
    ).rejects.toThrow(/trainPolicy: cannot write to outDir '.*a-file\/run'/);
    expect(loaded).toBe(false);
  });
});

describe('checkpoints', () => {
  it('round trip a trainer, and a restored one continues exactly', async () => {
    const mk = async () =>
      PPOTrainer.create({
        policy: await defaultPolicy(),
        reward,
        config: { ...config, useScoreScaling: true, adaptiveKl: true },
      });
    const a = await mk();
    await a.step(PROMPTS.slice(0, 4));
    const dir = join(tmp, 'ckpt');
    await saveCheckpoint(a, dir);
    const state = await readCheckpointState(dir);
    expect(state).toMatchObject({
      step: 1,
      policy: 'full',
      reference: { kind: 'folder' },
      reward: 'length',
      rng: { step: 1 },
    });
    expect(state.klCoef).toBe(a.klCoef);
    const b = await restoreCheckpoint(dir, { reward });
    expect(b.stepCount).toBe(1);
    const sa = withoutTimes(await a.step(PROMPTS.slice(4, 8)));
    const sb = withoutTimes(await b.step(PROMPTS.slice(4, 8)));
    expect(sb).toEqual(sa);
    expect(b.klCoef).toBe(a.klCoef);
    for (const t of [a, b]) {
      const p = t.policy;
      t.dispose();
      p.dispose();
    }
    // A half-written checkpoint (no trainer_state.json) is not one.
    await mkdir(join(tmp, 'half'), { recursive: true });
    await expect(readCheckpointState(join(tmp, 'half'))).rejects.toThrow(
      /is '.*half' a PPO checkpoint\?/,
    );
  });

  it('saves only the adapter of a LoRA policy, and restores it onto the base', async () => {
    const policy = await defaultPolicy();
    policy.addLora({ r: 2, alpha: 4, seed: 3 });
    const t = await PPOTrainer.create({ policy, reward, config });
    await t.step(PROMPTS.slice(0, 4));
    const dir = join(tmp, 'lora');
    await saveCheckpoint(t, dir);
    expect((await readdir(dir)).sort()).toEqual([
      'adapter',
      'optimizer.safetensors',
      'trainer_state.json',
      'value_head.safetensors',
    ]);
    await expect(restoreCheckpoint(dir, { reward })).rejects.toThrow(
      /'options.base' must be the base model/,
    );
    const base = await defaultPolicy();
    const r = await restoreCheckpoint(dir, { reward, base });
    expect(r.referenceIsAdapterOff).toBe(true);
    expect(withoutTimes(await r.step(PROMPTS.slice(0, 4)))).toEqual(
      withoutTimes(await t.step(PROMPTS.slice(0, 4))),
    );
    for (const x of [t, r]) x.dispose();
    policy.dispose();
    base.dispose();
    // The saved full policy loads as a plain Hugging Face folder.
    const full = await loadCausalLM(join(tmp, 'ckpt', 'policy'), { backend: 'current' });
    expect(full.config.modelType).toBe('gpt2');
    full.dispose();
  });
});
