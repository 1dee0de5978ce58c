// Smoke test of the example's one command: a small run writes the report with both figures.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
});
