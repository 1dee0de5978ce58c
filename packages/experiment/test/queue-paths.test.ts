// What a queued job may touch: its run folder inside the store, and files the config names inside
// the store or the model cache, symbolic links followed.

import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@va/core';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { ExperimentConfig } from '../src/config.js';
import { checkConfigPaths, configPaths, runFolderIn, runPathIn } from '../src/queue-paths.js';

const tmp = tempDir('va-queue-paths-');
const store = join(tmp, 'store');
const cache = join(tmp, 'hf-cache');
const outside = join(tmp, 'outside');
const roots = { store, modelCache: cache };

await mkdir(join(store, 'runs', 'a'), { recursive: true });
await mkdir(join(store, 'models', 'mine'), { recursive: true });
await mkdir(cache, { recursive: true });
await mkdir(outside, { recursive: true });
await writeFile(join(store, 'prompts.jsonl'), '');
await writeFile(join(outside, 'secret.txt'), 'x');
await symlink(outside, join(store, 'escape'));

describe('runFolderIn', () => {
  it('finds a run folder by its path relative to the store', async () => {
    expect(await runFolderIn(store, 'runs/a')).toBe(join(store, 'runs', 'a'));
    expect(runPathIn(store, join(store, 'runs', 'a'))).toBe('runs/a');
  });

  it("refuses absolute paths, '..', and links that leave the store", async () => {
    await expect(runFolderIn(store, '/etc')).rejects.toThrow(/relative to the store, without '..'/);
    await expect(runFolderIn(store, 'runs/../../outside')).rejects.toThrow(/without '..'/);
    await expect(runFolderIn(store, '')).rejects.toThrow(/without '..'/);
    await expect(runFolderIn(store, 'escape')).rejects.toThrow(
      /leads to .*outside, outside the store/,
    );
    expect(() => runPathIn(store, outside)).toThrow(/must be inside the store/);
    expect(() => runPathIn(store, store)).toThrow(/must be inside the store/);
  });
});

describe('checkConfigPaths', () => {
  const config = (c: Partial<ExperimentConfig>) => ExperimentConfig.resolve(c);

  it('lists every path a config names, and none for the embedded defaults', () => {
    expect(configPaths(config({}))).toEqual([]);
    const all = config({
      policy: 'models/mine',
      prompts: 'prompts.jsonl',
      trueReward: 'module:reward.js',
      prompted: { judge: 'module:judge.js' },
      ensemble: { backbone: 'lm:gpt2', data: 'pairs.jsonl' },
    });
    expect(configPaths(all).map((p) => p.key)).toEqual([
      'policy',
      'prompts',
      'trueReward',
      'prompted.judge',
      'ensemble.backbone',
      'ensemble.data',
    ]);
  });

  it('accepts paths in the store (relative to it) or the model cache, and hub ids', async () => {
    await checkConfigPaths(
      config({
        policy: 'models/mine',
        prompts: join(store, 'prompts.jsonl'),
        trueReward: 'module:reward.js',
        ensemble: { backbone: 'lm:gpt2', data: join(cache, 'pairs.jsonl') },
      }),
      roots,
    );
  });

  it('refuses anything else, naming the key', async () => {
    const refused = async (c: Partial<ExperimentConfig>, key: string) => {
      const error = await checkConfigPaths(config(c), roots).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(
        new RegExp(`^ExperimentConfig\\.${key}: names .* outside the store`),
      );
    };
    await refused({ prompts: '/etc/hostname' }, 'prompts');
    await refused({ prompts: '../outside/secret.txt' }, 'prompts');
    await refused({ prompts: 'escape/secret.txt' }, 'prompts');
    await refused({ trueReward: `module:${join(outside, 'r.js')}` }, 'trueReward');
    await refused({ prompted: { judge: 'ensemble:/srv/ensemble' } }, 'prompted.judge');
    await refused({ policy: outside }, 'policy');
    await refused({ ensemble: { backbone: 'onnx:./escape' } }, 'ensemble.backbone');
  });

  it('refuses relative paths when the run starts elsewhere than the store', async () => {
    await expect(
      checkConfigPaths(config({ prompts: 'prompts.jsonl' }), roots, { cwd: tmp }),
    ).rejects.toThrow(/ExperimentConfig.prompts: "prompts.jsonl" is relative: .*cd /);
    await checkConfigPaths(config({ prompts: 'prompts.jsonl' }), roots, { cwd: store });
  });
});
