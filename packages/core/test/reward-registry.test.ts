import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResourceError, UsageError, ValidationError } from '../src/errors.js';
import type { RewardModel, RewardQuery } from '../src/reward.js';
import { type RewardModelContext, RewardModelRegistry } from '../src/reward-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'va-reward-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A reward model that reports what it was made with: mean = seed, variance = options.width. */
const echo = (arg: string, context: RewardModelContext): RewardModel => ({
  name: `echo(${arg})`,
  async score(queries: readonly RewardQuery[]) {
    const width = Number(context.options?.width ?? 0);
    return queries.map(() => ({ mean: context.seed, variance: width, sample: context.seed }));
  },
});
const one = [{ prompt: 'p', response: 'r' }];

describe('RewardModelRegistry', () => {
  it('gives a registered factory the argument, the seed and the options', async () => {
    const registry = new RewardModelRegistry().register('echo', echo, { argument: '<x>' });
    const model = await registry.create('echo:a:b', { seed: 7, options: { width: 0.25 } });
    expect(model.name).toBe('echo(a:b)');
    expect(await model.score(one)).toEqual([{ mean: 7, variance: 0.25, sample: 7 }]);
  });

  it('gives a module factory the context, and takes a module exporting a model', async () => {
    const factory = join(dir, 'factory.mjs');
    writeFileSync(
      factory,
      `export default async (context) => ({
        name: 'from-module',
        async score(queries) {
          return queries.map(() => ({ mean: context.seed, variance: context.options.width, sample: 1 }));
        },
      });\n`,
    );
    const registry = new RewardModelRegistry();
    const model = await registry.create('module:factory.mjs', {
      seed: 11,
      options: { width: 3 },
      baseDir: dir,
    });
    expect(model.name).toBe('from-module');
    expect(await model.score(one)).toEqual([{ mean: 11, variance: 3, sample: 1 }]);

    const plain = join(dir, 'plain.mjs');
    writeFileSync(
      plain,
      `export default { name: 'plain', async score(q) { return q.map(() => ({ mean: 2, variance: 0, sample: 2 })); } };\n`,
    );
    expect((await registry.create(`module:${plain}`, { seed: 0 })).name).toBe('plain');
  });

  it('rejects a module whose default export is no RewardModel, and one that does not load', async () => {
    const bad = join(dir, 'bad.mjs');
    writeFileSync(bad, 'export default 42;\n');
    const registry = new RewardModelRegistry();
    await expect(registry.create(`module:${bad}`, { seed: 0 })).rejects.toThrow(ResourceError);
    await expect(registry.create(`module:${bad}`, { seed: 0 })).rejects.toThrow(
      `reward model 'module:${bad}': expected a RewardModel ({ name, score() }), got 42; the default export of ${bad} must be a RewardModel or a function returning one`,
    );
    await expect(registry.create('module:missing.mjs', { seed: 0, baseDir: dir })).rejects.toThrow(
      `reward 'module:missing.mjs': cannot import ${join(dir, 'missing.mjs')}`,
    );
  });

  it('lists the known names for an unknown one, with the nearest as a suggestion', async () => {
    const registry = new RewardModelRegistry({ unknownHint: 'More live elsewhere.' })
      .register('offline', echo)
      .register('ensemble', echo, { argument: '<dir>' });
    expect(registry.usage()).toBe('module:<file.js> | offline | ensemble:<dir>');
    const err = await registry.create('ofline', { seed: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      "unknown reward model 'ofline'; expected module:<file.js> | offline | ensemble:<dir>. Did you mean 'offline'? More live elsewhere.",
    );
    await expect(registry.create('zzzzzzzz:x', { seed: 0 })).rejects.toThrow(
      "unknown reward model 'zzzzzzzz:x'; expected module:<file.js> | offline | ensemble:<dir>. More live elsewhere.",
    );
    await expect(registry.create('ensemble', { seed: 0 })).rejects.toThrow(
      "reward model 'ensemble': expected ensemble:<dir>",
    );
    await expect(registry.create('offline:x', { seed: 0 })).rejects.toThrow(
      "reward model 'offline:x': 'offline' takes no argument; write 'offline'",
    );
  });

  it('refuses a name registered twice unless asked to replace it', async () => {
    const registry = new RewardModelRegistry().register('echo', echo);
    expect(() => registry.register('echo', echo)).toThrow(ValidationError);
    expect(() => registry.register('module', echo)).toThrow(
      'RewardModelRegistry.register: argument \'name\' must be a name not registered yet, got "module". Pass { replace: true } to replace its factory',
    );
    registry.register('echo', (_arg, c) => echo('replaced', c), { replace: true });
    expect((await registry.create('echo', { seed: 1 })).name).toBe('echo(replaced)');
    expect(registry.list().map((e) => e.name)).toEqual(['module', 'echo']);
  });

  it('checks the seed, the spec and the name', async () => {
    const registry = new RewardModelRegistry().register('echo', echo);
    await expect(registry.create('echo', { seed: 0.5 })).rejects.toThrow(
      "RewardModelRegistry.create: argument 'context.seed' must be an integer, got 0.5",
    );
    await expect(registry.create('', { seed: 0 })).rejects.toThrow(ValidationError);
    expect(() => registry.register('a b', echo)).toThrow(
      "RewardModelRegistry.register: argument 'name' must be a name of letters, digits, - and _",
    );
  });
});
