// A `module:` reward model that misbehaves for some jobs of a run (`va experiment run` in a child
// process): each of those jobs fails with one error naming the module, the field and the first
// bad value (a call that never answers ends at VA_REWARD_TIME_LIMIT), leaves no result or trained
// policy, and the other jobs finish.

import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { ExperimentConfig, SMOKE_CONFIG } from '../src/config.js';
import { jobsOf, RunDir } from '../src/run-dir.js';
import { runVa } from './va-process.js';

const tmp = tempDir('va-bad-reward-');

describe('a reward model that misbehaves', () => {
  it('fails its jobs cleanly, naming the module, and the others go on', async () => {
    const judge = join(tmp, 'judge.mjs');
    const config = {
      ...SMOKE_CONFIG,
      settings: ['prompted' as const],
      ppo: { ...SMOKE_CONFIG.ppo, steps: 1 },
      prompted: { judge: `module:${judge}` },
    };
    const jobs = jobsOf(ExperimentConfig.resolve(config));
    const behaviour: Record<string, string> = {
      'reference/prompted/seed-0': 'ok',
      'reference/prompted/seed-1': 'nan',
      'policies/prompted/vanilla/seed-0': 'negative',
      'policies/prompted/variance-aware/seed-0': 'hangs',
      'policies/prompted/vanilla/seed-1': 'ok',
      'policies/prompted/variance-aware/seed-1': 'count',
    };
    const bySeed = Object.fromEntries(
      jobs.map((j) => [j.kind === 'prepare-ensemble' ? 0 : j.seed, behaviour[j.id]]),
    );
    await writeFile(
      judge,
      `const bySeed = ${JSON.stringify(bySeed)};
export default ({ seed }) => ({
  name: 'judge',
  async score(queries) {
    const ok = queries.map((q) => ({ mean: q.response.length / 10, variance: 0.1, sample: q.response.length / 10 }));
    switch (bySeed[seed]) {
      case 'nan': return ok.map((s, i) => (i === 3 ? { ...s, mean: NaN } : s));
      case 'negative': return ok.map((s) => ({ ...s, variance: -1 }));
      case 'hangs': return new Promise(() => {});
      case 'count': return ok.slice(1);
      default: return ok;
    }
  },
});
`,
    );
    const file = join(tmp, 'run.json');
    await writeFile(file, JSON.stringify(config));
    const dir = join(tmp, 'run');
    const result = await runVa(['experiment', 'run', '--config', file, '--dir', dir, '--quiet'], {
      VA_REWARD_TIME_LIMIT: '2',
    });
    expect(result.code, result.output).toBe(1);
    const spec = `reward model 'module:${judge}'`;
    const expected: Record<string, string> = {
      'reference/prompted/seed-1': `${spec}: score() answered NaN for [3].mean; expected a finite number`,
      'policies/prompted/vanilla/seed-0': `${spec}: score() answered -1 for [0].variance; expected a finite number >= 0`,
      'policies/prompted/variance-aware/seed-0': `${spec}: score() of 8 queries: no answer within 2 s (the time limit of one call; VA_REWARD_TIME_LIMIT=<seconds> sets it)`,
      'policies/prompted/variance-aware/seed-1': `${spec}: score() answered 7 scores for 8 queries; expected one score per query`,
    };
    expect(result.output).toContain(
      '4 jobs failed (the others are kept; run the same command to retry them)',
    );
    for (const [id, message] of Object.entries(expected))
      expect(result.output).toContain(`  ${id}: ${message}`);

    const run = new RunDir(dir);
    const done = await run.doneJobs(jobs);
    expect([...done].sort()).toEqual([
      'policies/prompted/vanilla/seed-1',
      'reference/prompted/seed-0',
    ]);
    for (const id of Object.keys(expected).filter((i) => i.startsWith('policies/'))) {
      expect((await readdir(join(dir, id, 'ppo'))).sort()).toEqual(['config.json', 'log.jsonl']);
    }
  }, 600_000);
});
