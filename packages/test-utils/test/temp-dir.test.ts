import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const atModule = tempDir('va-test-utils-module-');
let inBeforeAll = '';
let inTest = '';
beforeAll(() => {
  inBeforeAll = tempDir('va-test-utils-beforeall-');
});

describe('tempDir', () => {
  it('makes a fresh empty folder under the OS temp dir, named with the prefix', () => {
    inTest = tempDir('va-test-utils-test-');
    const other = tempDir('va-test-utils-test-');
    expect(dirname(inTest)).toBe(tmpdir());
    expect(inTest.slice(tmpdir().length + 1)).toMatch(/^va-test-utils-test-\w{6}$/);
    expect(other).not.toBe(inTest);
    expect(readdirSync(inTest)).toEqual([]);
    for (const dir of [atModule, inBeforeAll, inTest, other]) expect(existsSync(dir)).toBe(true);
  });

  it('removes a folder made in a test when the test finishes, keeping the file-level ones', () => {
    expect(inTest).not.toBe('');
    expect(existsSync(inTest)).toBe(false);
    expect(existsSync(atModule)).toBe(true);
    expect(existsSync(inBeforeAll)).toBe(true);
  });

  it('removes folders made at module level, in describe bodies and in beforeAll after the file', () => {
    const record = join(tempDir('va-test-utils-record-'), 'dirs.tsv');
    const vitest = join(
      dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
      'vitest.mjs',
    );
    const fixture = join(here, 'fixtures/temp-dir-lifetime');
    const run = spawnSync(process.execPath, [vitest, 'run', '--root', fixture], {
      env: { ...process.env, VA_TEMP_DIR_RECORD: record },
      encoding: 'utf8',
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/2 passed/);
    const made = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(made.map(([kind]) => kind).sort()).toEqual(['beforeAll', 'describe', 'module', 'test']);
    for (const [kind, dir] of made) expect(existsSync(dir!), `${kind} folder ${dir}`).toBe(false);
  });
});
