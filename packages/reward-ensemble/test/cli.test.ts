import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Rng } from '@va/core';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { HeadTrainingConfig } from '../src/head-trainer.js';

const run = promisify(execFile);
const cli = new URL('../src/cli.ts', import.meta.url).pathname;
const va = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: new URL('..', import.meta.url).pathname,
  });

describe('va-ensemble', () => {
  const dir = tempDir('va-cli-');
  const rng = new Rng(3);
  const good = ['great', 'helpful', 'kind', 'clear', 'thanks'];
  const bad = ['awful', 'rude', 'useless', 'wrong', 'never'];
  const rows = Array.from({ length: 120 }, (_, i) => {
    const words = (list: string[]) => Array.from({ length: 4 }, () => list[rng.int(5)]).join(' ');
    return JSON.stringify({
      chosen: `\n\nHuman: question ${i}?\n\nAssistant: ${words(good)}`,
      rejected: `\n\nHuman: question ${i}?\n\nAssistant: ${words(bad)}`,
    });
  });
  rows.splice(7, 0, '{"chosen": "no dialogue here", "rejected": 1}');
  writeFileSync(join(dir, 'pairs.jsonl'), rows.join('\n'));

  it('trains, reports per-member accuracy and the Figure 8 plots, saves, analyses and scores', async () => {
    const out = join(dir, 'model');
    const t = await va(
      'train',
      '--data',
      join(dir, 'pairs.jsonl'),
      '--k',
      '4',
      '--out',
      out,
      '--no-cache',
      '--epochs',
      '20',
      '--lr',
      '0.05',
    );
    expect(t.stdout).toMatch(/test \(24 held-out pairs\)/);
    expect(t.stdout).toMatch(/all +pairs +24 +ensemble mean 100\.0%/);
    expect(t.stderr).toMatch(/skipped row 8: /);
    for (const f of [
      'ensemble.json',
      'heads.safetensors',
      'metrics.json',
      'report/REPORT.md',
      'report/figures/difference-variance.png',
    ]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.test[0].memberAccuracy).toHaveLength(4);

    const a = await va(
      'analyze',
      '--model',
      out,
      '--data',
      join(dir, 'pairs.jsonl'),
      '--out',
      join(dir, 'analysis'),
    );
    expect(a.stdout).toMatch(/all +pairs +120/);
    expect(existsSync(join(dir, 'analysis', 'REPORT.md'))).toBe(true);

    const s = await va(
      'score',
      '--model',
      out,
      '--prompt',
      'question 1?',
      '--response',
      'great kind thanks',
    );
    const scored = JSON.parse(s.stdout);
    expect(scored.members).toHaveLength(4);
    expect(scored.variance).toBeGreaterThan(0);
    const worse = JSON.parse(
      (await va('score', '--model', out, '--prompt', 'question 1?', '--response', 'rude awful'))
        .stdout,
    );
    expect(scored.mean).toBeGreaterThan(worse.mean);
  });

  it("prints help whose defaults are the config schemas'", async () => {
    const { stdout } = await va('--help');
    expect(stdout).toMatch(
      new RegExp(
        `--lr <x> +peak learning rate .*\\(default: ${HeadTrainingConfig.defaults.learningRate}\\)`,
      ),
    );
    expect(stdout).toMatch(/--stage1-lr <x> +.*\(default: 1e-5\)/);
    expect(stdout).toMatch(/--test-fraction <x> +.*\(default: 0\.2\)/);
  });

  it('explains usage errors', async () => {
    await expect(
      va('train', '--k', 'three', '--data', join(dir, 'pairs.jsonl')),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--k must be an integer/),
    });
    await expect(
      va('train', '--data', join(dir, 'pairs.jsonl'), '--stage1-lr', '1e-4'),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--stage1-lr needs --stage1/),
    });
    await expect(va('train', '--dta', 'x')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown option '--dta'. Did you mean --data\?/),
    });
    await expect(va('analyze', '--model', join(dir, 'none'), '--data', 'x')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/cannot read/),
    });
  });
});
