// Reward models that misbehave, as `module:` files: each failure is one error naming the module,
// the field and the first bad value; a call that never answers ends at its time limit.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTrueScore, rewardTimeLimitSeconds } from '../src/checked-reward.js';
import { ConfigError, ResourceError } from '../src/errors.js';
import { RewardModelRegistry } from '../src/reward-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'va-checked-reward-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const queries = [0, 1, 2].map((i) => ({ prompt: `p${i}`, response: `r${i}` }));

/** A module whose score() answers `answer` (JavaScript, with the queries as `q`). */
function module(name: string, answer: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    `export default { name: '${name}', extra: 42, async score(q, options) { globalThis.seen = options.signal; ${answer} } };\n`,
  );
  return `module:${file}`;
}
const ok = 'mean: 1, variance: 0.5, sample: 1';

describe('the reward models a registry makes', () => {
  const registry = new RewardModelRegistry();
  it.each([
    [
      'nan',
      `return q.map((_, i) => ({ ${ok}, mean: i === 1 ? NaN : 1 }));`,
      'NaN for [1].mean; expected a finite number',
    ],
    [
      'text',
      `return q.map(() => ({ ${ok}, sample: '0.7' }));`,
      '"0.7" for [0].sample; expected a finite number',
    ],
    [
      'negative',
      `return q.map((_, i) => ({ ${ok}, variance: i === 2 ? -0.25 : 1 }));`,
      '-0.25 for [2].variance; expected a finite number >= 0',
    ],
    ['count', `return [{ ${ok} }];`, '1 scores for 3 queries; expected one score per query'],
    ['object', 'return { scores: [] };', '; expected an array of 3 scores'],
    [
      'holes',
      `return [{ ${ok} }, null, { ${ok} }];`,
      'null for [1]; expected { mean, variance, sample }',
    ],
  ])('refuses an answer with %s', async (name, answer, problem) => {
    const spec = module(name, answer);
    const model = await registry.create(spec, { seed: 1 });
    const error = await model.score(queries).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceError);
    expect((error as Error).message).toContain(`reward model '${spec}': score() answered `);
    expect((error as Error).message).toContain(problem);
  });

  it('names the module when score() throws, and keeps the rest of the model', async () => {
    const spec = module('throws', "throw new TypeError('cannot read the rubric');");
    const model = await registry.create(spec, { seed: 1 });
    expect((model as unknown as { extra: number }).extra).toBe(42);
    await expect(model.score(queries)).rejects.toThrow(
      `reward model '${spec}': score() failed: cannot read the rubric`,
    );
  });

  it('ends a call that never answers at its time limit, aborting its signal', async () => {
    const spec = module('hangs', 'return new Promise(() => {});');
    const model = await registry.create(spec, { seed: 1, timeLimitSeconds: 0.2 });
    const started = performance.now();
    await expect(model.score(queries)).rejects.toThrow(
      `reward model '${spec}': score() of 3 queries: no answer within 0.2 s (the time limit of one call; VA_REWARD_TIME_LIMIT=<seconds> sets it)`,
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect((globalThis as { seen?: AbortSignal }).seen?.aborted).toBe(true);
    const good = await registry.create(module('good', `return q.map(() => ({ ${ok} }));`), {
      seed: 1,
      timeLimitSeconds: 0.2,
    });
    expect(await good.score(queries)).toEqual(Array(3).fill({ mean: 1, variance: 0.5, sample: 1 }));
  });

  it('reads the time limit from VA_REWARD_TIME_LIMIT, 600 s by default', () => {
    expect(rewardTimeLimitSeconds({})).toBe(600);
    expect(rewardTimeLimitSeconds({ VA_REWARD_TIME_LIMIT: '2.5' })).toBe(2.5);
    expect(() => rewardTimeLimitSeconds({ VA_REWARD_TIME_LIMIT: 'soon' })).toThrow(ConfigError);
    expect(() => rewardTimeLimitSeconds({ VA_REWARD_TIME_LIMIT: '0' })).toThrow(
      'environment.VA_REWARD_TIME_LIMIT: must be a number of seconds > 0 (got "0")',
    );
  });
});

describe('checkTrueScore', () => {
  it('passes a finite number and names the module, the answer and the fix otherwise', () => {
    expect(checkTrueScore('module:r.js', () => -0.5)).toBe(-0.5);
    expect(() => checkTrueScore('module:r.js', () => Number.NaN)).toThrow(
      "trueReward 'module:r.js': score() answered NaN; expected a finite number. Fix the module",
    );
    expect(() => checkTrueScore('module:r.js', () => '3')).toThrow('score() answered "3"');
    expect(() => checkTrueScore('module:r.js', async () => 1)).toThrow(
      'answered a Promise; expected a finite number, returned at once (a true reward is synchronous)',
    );
    expect(() =>
      checkTrueScore('module:r.js', () => {
        throw new Error('no lexicon');
      }),
    ).toThrow("trueReward 'module:r.js': score() failed: no lexicon");
  });
});
