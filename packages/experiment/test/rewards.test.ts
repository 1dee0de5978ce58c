// The reward models the `va` command names: the built-ins as their packages make them, `va ppo`
// resolving each form through the one registry, and a program's own factory given the seed.

import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type RewardModelContext, runCommand } from '@va/core';
import {
  ensembleRewardModel,
  HashedBackbone,
  initEnsembleHeads,
  RewardEnsemble,
} from '@va/reward-ensemble';
import { OfflineJudge, PromptedRewardModel } from '@va/reward-prompted';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { vaCommand } from '../src/command.js';
import { registerRewardModel, rewardModels } from '../src/rewards.js';

const tmp = tempDir('va-rewards-');
const queries = [
  { prompt: 'The food was', response: 'great and the staff were lovely.' },
  { prompt: 'This hotel', response: 'was awful.' },
];

async function vaPpo(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const previous = process.exitCode;
  const log = (m: string) => {
    err += `${m}\n`;
  };
  const code = await runCommand(
    'va',
    () =>
      vaCommand(['ppo', ...argv], {
        stdout: { write: (s: string) => (out += s) },
        logger: { info: log, warn: log, metrics() {} },
      }),
    { write: (s: string) => (err += s) },
  );
  process.exitCode = previous;
  return { code, out, err };
}

describe('rewardModels', () => {
  it('holds offline, ensemble:<dir> and module:<file.js>', () => {
    expect(rewardModels.list().map((e) => e.usage)).toEqual([
      'module:<file.js>',
      'offline',
      'ensemble:<dir>',
    ]);
  });

  it('makes offline as the experiment did: the judge with the widths, seeded by the seed', async () => {
    const made = await rewardModels.create('offline', {
      seed: 3,
      options: { minWidth: 0.2, maxWidth: 0.3 },
    });
    const direct = new PromptedRewardModel(new OfflineJudge({ minWidth: 0.2, maxWidth: 0.3 }), {
      seed: 3,
    });
    expect(made.name).toBe(direct.name);
    expect(await made.score(queries)).toEqual(await direct.score(queries));
  });

  it('loads ensemble:<dir> relative to baseDir, as the saved ensemble scores', async () => {
    const dir = join(tmp, 'ensemble');
    const ensemble = new RewardEnsemble(
      new HashedBackbone({ dim: 16 }),
      initEnsembleHeads(16, [0, 1, 2], 1, 3),
    );
    await ensemble.save(dir);
    const made = await rewardModels.create(`ensemble:${basename(dir)}`, {
      seed: 0,
      baseDir: dirname(dir),
    });
    expect(await made.score(queries)).toEqual(await ensemble.score(queries));
    expect(await (await ensembleRewardModel(dir, { seed: 0 })).score(queries)).toEqual(
      await ensemble.score(queries),
    );
  });

  it('lets a program register its own factory, which gets the seed and the options', async () => {
    const seen: RewardModelContext[] = [];
    rewardModels.register(
      'constant',
      (arg, context) => {
        seen.push(context);
        return {
          name: `constant(${arg})`,
          score: async (q) =>
            q.map(() => ({ mean: Number(arg), variance: 0, sample: Number(arg) })),
        };
      },
      { argument: '<value>' },
    );
    const made = await rewardModels.create('constant:2.5', { seed: 8, options: { a: 1 } });
    expect(await made.score(queries)).toEqual([
      { mean: 2.5, variance: 0, sample: 2.5 },
      { mean: 2.5, variance: 0, sample: 2.5 },
    ]);
    expect(seen).toEqual([{ seed: 8, options: { a: 1 } }]);
  });

  it('registerRewardModel adds to the same registry, and refuses a name twice', async () => {
    const factory = (arg: string) => ({
      name: `half(${arg})`,
      score: async (q: readonly unknown[]) =>
        q.map(() => ({ mean: Number(arg) / 2, variance: 1, sample: Number(arg) / 2 })),
    });
    registerRewardModel('half', factory, { argument: '<value>', description: 'arg / 2' });
    expect(rewardModels.list().at(-1)).toEqual({
      name: 'half',
      usage: 'half:<value>',
      description: 'arg / 2',
    });
    const made = await rewardModels.create('half:3', { seed: 1 });
    expect(await made.score(queries.slice(0, 1))).toEqual([
      { mean: 1.5, variance: 1, sample: 1.5 },
    ]);
    expect(() => registerRewardModel('half', factory)).toThrow(
      'RewardModelRegistry.register: argument \'name\' must be a name not registered yet, got "half". Pass { replace: true } to replace its factory',
    );
    registerRewardModel('half', factory, { argument: '<value>', replace: true });
  });
});

describe('va ppo --reward', () => {
  const prompts = join(tmp, 'prompts.txt');

  it('trains against a module reward that is given the run seed', async () => {
    await writeFile(prompts, 'The food was\nThis hotel\nThe plot\nOur waiter\n');
    // Its score is the seed it was made with, so the step's mean score shows which seed came.
    const file = join(tmp, 'seeded.mjs');
    await writeFile(
      file,
      `export default ({ seed }) => ({
        name: 'seeded',
        async score(queries) { return queries.map(() => ({ mean: seed, variance: 1, sample: seed })); },
      });\n`,
    );
    const flags = ['--prompts', prompts, '--steps', '1', '--batch-size', '4'];
    const small = [...flags, '--mini-batch-size', '2', '--ppo-epochs', '1', '--quiet'];
    const run = await vaPpo(
      ...small,
      '--reward',
      `module:${file}`,
      '--seed',
      '7',
      '--out',
      join(tmp, 'm'),
    );
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ steps: 1, meanScore: 7 });

    const offline = await vaPpo(...small, '--reward', 'offline', '--out', join(tmp, 'o'));
    expect(offline.code, offline.err).toBe(0);
    expect(JSON.parse(offline.out).steps).toBe(1);
  });

  it('names the known reward models for an unknown one', async () => {
    await writeFile(prompts, 'The food was\n');
    const run = await vaPpo(
      '--prompts',
      prompts,
      '--out',
      join(tmp, 'x'),
      '--reward',
      'ensembel:d',
    );
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      "unknown reward model 'ensembel:d'; expected module:<file.js> | offline | ensemble:<dir>",
    );
    expect(run.err).toContain("Did you mean 'ensemble'?");
  });
});
