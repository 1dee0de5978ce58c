// Smoke test of the example's one command: a small run writes the report with both figures.

import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '@va/core';
import { parseBanditFlags as parseFlags } from '@va/experiment';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const main = new URL('../src/main.ts', import.meta.url).pathname;

describe('examples/bandit', () => {
  it('writes REPORT.md with Figures 3 and 4 and prints the risks', async () => {
    const out = tempDir('va-bandit-');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', main, '--samples', '3000', '--seed', '1', '--out', out],
      { cwd: new URL('..', import.meta.url).pathname },
    );
    expect(stdout).toMatch(/vanilla\s+risk .*Theorem 2\.4: 14\.1%/);
    expect(stdout).toMatch(/variance-aware\s+risk .*Theorem 2\.4: 2\.02%/);
    const report = await readFile(join(out, 'REPORT.md'), 'utf8');
    for (const figure of ['figure3-returns', 'figure3-simplex', 'figure4-narrow', 'figure4-wide']) {
      expect(report).toContain(`(figures/${figure}.png)`);
      expect(existsSync(join(out, 'figures', `${figure}.svg`))).toBe(true);
      expect(existsSync(join(out, 'figures', `${figure}.png`))).toBe(true);
    }
    expect(report).toContain('| Monte Carlo draws per experiment | 3000 |');
  }, 60_000);

  it('rejects a bad flag with exit code 2', async () => {
    await expect(
      run(process.execPath, ['--import', 'tsx', main, '--samples', 'x']),
    ).rejects.toMatchObject({
      code: 2,
    });
  }, 30_000);

  /** Runs the example to the end: exit code and output, whatever the code. */
  const exit = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
    run(process.execPath, ['--import', 'tsx', main, ...args], {
      cwd: options.cwd ?? new URL('..', import.meta.url).pathname,
      env: { ...process.env, ...options.env },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("runs the README's `pnpm --filter ... start -- <flags>`: the `--` pnpm passes on, --out relative to the caller", async () => {
    const caller = tempDir('va-bandit-caller-');
    // pnpm runs the script in examples/bandit and sets INIT_CWD to where the user typed it.
    const r = await exit(['--', '--samples', '1000', '--seed', '7', '--out', 'report'], {
      env: { INIT_CWD: caller },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Figure 3 \(SPEC example, 1000 draws\)/);
    expect(r.stdout).toMatch(/Report: report\/REPORT\.md \(5 figures beside it\)\n$/);
    expect(existsSync(join(caller, 'report', 'REPORT.md'))).toBe(true);
    expect(existsSync(new URL('../report', import.meta.url))).toBe(false);
  }, 60_000);

  it('rejects numbers that would overflow or run for minutes', () => {
    const cases: [string[], string][] = [
      [['--epsilon', '1e308'], '--epsilon: must be in (0, 1e6] (got 1e+308)'],
      [['--arms', '100000'], '--arms: must be an integer from 2 to 1,000 (got 100000)'],
      [
        ['--samples', '2000000', '--arms', '1000'],
        '--arms: samples x arms must be at most 1e9 (Figure 4 draws that many normals per interval, about a second per 1e8) (got arms = 1000, samples = 2000000)',
      ],
      [
        ['--samples', '1e8'],
        '--samples: must be an integer from 100 to 10,000,000 (got 100000000)',
      ],
      // A negative number is read (no --seed=-1 needed), then refused for its range.
      [['--seed', '-1'], '--seed: must be a non-negative integer (got -1)'],
    ];
    // Usage errors: exit code 2, as the spawned run above shows for one of them.
    for (const [args, message] of cases) {
      expect(() => parseFlags(args)).toThrow(new UsageError(message));
    }
  });

  it('names an unusable --out before simulating, with exit code 1', async () => {
    const caller = tempDir('va-bandit-caller-');
    writeFileSync(join(caller, 'file'), '');
    const r = await exit(['--samples', '1000', '--out', 'file/report'], {
      env: { INIT_CWD: caller },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').at(-2)).toBe(
      `bandit: --out file/report: ${join(caller, 'file')} is a file, not a folder. Fix: choose a path outside it for --out`,
    );
  }, 30_000);
});
