// `module:` true rewards: an async score works, and each misbehaviour (a throw, NaN, a string, a
// busy loop, a promise that never settles, a bad export) is one error naming the module.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { moduleTrueReward } from '../src/module-true-reward.js';
import { loadTrueReward } from '../src/task.js';

const tmp = tempDir('va-true-reward-');

async function module(name: string, body: string): Promise<string> {
  const file = join(tmp, `${name}.mjs`);
  await writeFile(file, body);
  return file;
}

describe('module: true rewards', () => {
  it('scores with the module, async or not', async () => {
    const file = await module(
      'length',
      "export default () => ({ name: 'length', score: async (p, r) => r.length - p.length });\n",
    );
    const reward = await loadTrueReward(`module:${file}`);
    expect(reward.name).toBe('length');
    expect(reward.score('ab', 'abcde')).toBe(3);
    expect(reward.score('', 'x')).toBe(1);
  });

  it.each([
    ['throws', "throw new Error('no lexicon');", 'score() failed: no lexicon'],
    ['nan', 'return NaN;', 'score() answered NaN; expected a finite number'],
    ['text', "return 'good';", 'score() answered "good"; expected a finite number'],
    ['object', 'return () => 1;', 'score() failed: its answer cannot be sent'],
  ])('names the module when score() %s', async (name, body, problem) => {
    const file = await module(
      name,
      `export default { name: '${name}', score(p, r) { ${body} } };\n`,
    );
    const spec = `module:${file}`;
    const reward = await moduleTrueReward(spec, file, 5);
    expect(() => reward.score('p', 'r')).toThrow(`trueReward '${spec}': ${problem}`);
  });

  it.each([
    ['loops', 'while (true) {}'],
    ['waits', 'return new Promise(() => {});'],
  ])(
    'stops a module that %s at the time limit, and says so on every later call',
    async (name, body) => {
      const file = await module(name, `export default { score(p, r) { ${body} } };\n`);
      const spec = `module:${file}`;
      const reward = await moduleTrueReward(spec, file, 0.3);
      const started = performance.now();
      const message = `trueReward '${spec}': score() gave no answer within 0.3 s (the time limit of one call; VA_REWARD_TIME_LIMIT=<seconds> sets it); the module was stopped`;
      expect(() => reward.score('p', 'r')).toThrow(message);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(() => reward.score('p', 'r')).toThrow(message);
    },
  );

  it('refuses a module it cannot import or whose export is no true reward', async () => {
    const missing = join(tmp, 'missing.mjs');
    await expect(loadTrueReward(`module:${missing}`)).rejects.toThrow(
      `trueReward 'module:${missing}': ${missing}: cannot import it (`,
    );
    const file = await module('empty', 'export default { name: 1 };\n');
    await expect(loadTrueReward(`module:${file}`)).rejects.toThrow(
      'its default export must be { name, score(prompt, response) } or a function returning one',
    );
  });
});
