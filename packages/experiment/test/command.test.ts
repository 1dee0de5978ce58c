// The `va` command: help from the schemas, usage errors with exit code 2, config files in YAML or
// JSON with flags over them, status and report of a run folder.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '@va/core';
import { readConfigFile } from '@va/ppo';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { statusLine, vaCommand } from '../src/command.js';
import { ExperimentConfig } from '../src/config.js';
import { RunDir } from '../src/run-dir.js';

const tmp = tempDir('va-command-');

async function va(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const previous = process.exitCode;
  const code = await runCommand(
    'va',
    () =>
      vaCommand(argv, {
        stdout: { write: (s: string) => (out += s) },
        logger: { info: (m) => (err += `${m}\n`), warn: (m) => (err += `${m}\n`), metrics() {} },
      }),
    { write: (s: string) => (err += s) },
  );
  process.exitCode = previous;
  return { code, out, err };
}

describe('va', () => {
  it('lists its commands, and the experiment options with defaults from the schema', async () => {
    const top = await va('--help');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/experiment run .*\n.*\n.*experiment status/);
    const help = await va('experiment', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(
      /--seeds <n> +N: policies per method and setting \(the paper: 80\) \(default: 4\)/,
    );
    expect(help.out).toMatch(/--eval-prompts <n> +evaluation prompts per policy \(default: 64\)/);
    expect((await va()).code).toBe(2);
  });

  it('exits 2 with the flag or key named on usage mistakes', async () => {
    expect(await va('experimnt')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown command 'experimnt'.*\nRun 'va --help' for usage/),
    });
    expect(await va('experiment', 'run', '--seeds', '1', '--dir', join(tmp, 'x'))).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        'va: --seeds: must be an integer >= 2 (the tests need two samples) (got 1)',
      ),
    });
    expect(await va('experiment', 'run', '--sedes', '3')).toMatchObject({
      code: 2,
      err: expect.stringContaining('Did you mean --seeds?'),
    });
    const file = join(tmp, 'bad.yaml');
    await writeFile(file, 'seeds: 3\nensembel:\n  k: 4\n');
    expect(await va('experiment', 'run', '--config', file, '--dir', join(tmp, 'y'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /bad.yaml: ExperimentConfig.ensembel: unknown key. Did you mean 'ensemble'\?/,
      ),
    });
    expect(await va('experiment', 'run', '--config', join(tmp, 'none.yaml'))).toMatchObject({
      code: 1,
      err: expect.stringMatching(/cannot read config file .*none.yaml \(ENOENT\)/),
    });
    expect(await va('experiment', 'status', '--dir', join(tmp, 'nothing'))).toMatchObject({
      code: 1,
      err: expect.stringMatching(/is not a run folder \(no config.json\)/),
    });
  });

  it('runs the bandit experiments as va bandit', async () => {
    const out = join(tmp, 'bandit');
    const r = await va('bandit', '--samples', '2000', '--seed', '3', '--no-simplex', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/vanilla\s+risk .*Theorem 2\.4: 14\.1%/);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(out, 'REPORT.md'), 'utf8')).toContain(
      '| Monte Carlo draws per experiment | 2000 |',
    );
    expect((await va('bandit', '--arms', '1')).code).toBe(2);
  });

  it('reads YAML and JSON config files', async () => {
    const yaml = join(tmp, 'run.yaml');
    await writeFile(
      yaml,
      '# a run\nseeds: 6\nsettings: [prompted]\nppo:\n  steps: 3\nvarianceAware:\n  initKlCoef: 0.05\n',
    );
    expect(await readConfigFile(yaml)).toEqual({
      seeds: 6,
      settings: ['prompted'],
      ppo: { steps: 3 },
      varianceAware: { initKlCoef: 0.05 },
    });
    const json = join(tmp, 'run.json');
    await writeFile(json, '{"seeds": 6}');
    expect(await readConfigFile(json)).toEqual({ seeds: 6 });
    await writeFile(json, '[1, 2]');
    await expect(readConfigFile(json)).rejects.toThrow(
      /must hold an object of settings, got a list/,
    );
  });

  it('prints one progress line: jobs, time left, groups, running steps', () => {
    expect(
      statusLine({
        total: 9,
        done: 3,
        byGroup: {
          'prompted/vanilla': { done: 1, total: 4 },
          'prompted/reference': { done: 2, total: 4 },
        },
        running: [
          { id: 'policies/prompted/vanilla/seed-1', done: 5, total: 16, unit: 'steps' },
          { id: 'prepare-ensemble' },
        ],
        failed: [],
        eta: 125,
      }),
    ).toBe(
      '3/9 jobs, 2m 05s left | prompted/vanilla 1/4, prompted/reference 2/4 | running: prompted/vanilla/seed-1 5/16 steps; prepare-ensemble',
    );
  });

  it('reports the status of a run folder', async () => {
    const dir = join(tmp, 'status-run');
    const config = ExperimentConfig.resolve({ settings: ['prompted'], seeds: 2 });
    const run = new RunDir(dir);
    await run.init(config);
    await mkdir(join(dir, 'reference', 'prompted'), { recursive: true });
    await writeFile(join(dir, 'reference', 'prompted', 'seed-0.json'), '{}');
    const s = await va('experiment', 'status', '--dir', dir);
    expect(s.code).toBe(0);
    expect(s.out).toContain(
      '1/6 jobs | prompted/reference 1/2, prompted/vanilla 0/2, prompted/variance-aware 0/2',
    );
  });
});
