import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  callerDirectory,
  callerPath,
  checkInputFile,
  checkOutputDir,
  checkOutputFile,
  displayPath,
  replaceDirectory,
} from '../src/command-paths.js';
import { ResourceError } from '../src/errors.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'va-paths-'));
const isRoot = process.getuid?.() === 0;

describe('checkInputFile', () => {
  it('returns the resolved path of a readable file', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'pairs.jsonl'), '{}\n');
    expect(await checkInputFile('pairs.jsonl', { base: dir })).toBe(join(dir, 'pairs.jsonl'));
  });

  it('names the flag, the path and the fix for a missing file, a folder and a device', async () => {
    const dir = scratch();
    const none = join(dir, 'none.jsonl');
    await expect(checkInputFile(none, { label: '--data' })).rejects.toThrow(
      new ResourceError(`--data ${none}: no such file. Fix: check the path`),
    );
    await expect(checkInputFile(dir, { label: '--data' })).rejects.toThrow(
      `--data ${dir}: is a folder, not a file. Fix: pass a file inside it`,
    );
    await expect(checkInputFile('/dev/null')).rejects.toThrow(
      '/dev/null: is a device. Fix: pass a regular file',
    );
  });

  it.skipIf(isRoot)('names an unreadable file', async () => {
    const file = join(scratch(), 'secret.jsonl');
    writeFileSync(file, '{}\n');
    chmodSync(file, 0o000);
    await expect(checkInputFile(file)).rejects.toThrow(/reading it is not permitted \(EACCES\)/);
  });
});

describe('checkOutputFile', () => {
  it('accepts an existing file and a new one in folders still to create, writing nothing', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'old.jsonl'), 'x\n');
    expect(await checkOutputFile(join(dir, 'old.jsonl'))).toBe(join(dir, 'old.jsonl'));
    expect(await checkOutputFile(join(dir, 'a', 'b', 'new.jsonl'))).toBe(
      join(dir, 'a', 'b', 'new.jsonl'),
    );
    expect(readdirSync(dir)).toEqual(['old.jsonl']);
  });

  it('refuses a folder, a device and a path under a file', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), '');
    await expect(checkOutputFile(dir, { label: '-o' })).rejects.toThrow(
      `-o ${dir}: is a folder. Fix: give a file name, e.g. ${join(dir, 'out.jsonl')}`,
    );
    // Reading /dev/full to resume never ends; writing it fails with ENOSPC.
    await expect(checkOutputFile('/dev/full', { label: '-o' })).rejects.toThrow(
      '-o /dev/full: is a device. Fix: write to a regular file',
    );
    const under = join(dir, 'file', 'out.jsonl');
    await expect(checkOutputFile(under, { label: '-o' })).rejects.toThrow(
      `-o ${under}: ${join(dir, 'file')} is a file, not a folder. Fix: choose a path outside it for -o`,
    );
  });

  it.skipIf(isRoot)('refuses a file in a folder it cannot write', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o555);
    await expect(checkOutputFile(join(dir, 'ro', 'x', 'out.jsonl'))).rejects.toThrow(
      /cannot create it: writing in .*ro is not permitted \(EACCES\)/,
    );
  });
});

describe('checkOutputDir', () => {
  it('accepts an existing folder and a new one, creating nothing', async () => {
    const dir = scratch();
    expect(await checkOutputDir(dir)).toBe(dir);
    expect(await checkOutputDir(join(dir, 'x', 'y'))).toBe(join(dir, 'x', 'y'));
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('refuses a file and a folder under a file', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), '');
    await expect(checkOutputDir(join(dir, 'file'), { label: '--out' })).rejects.toThrow(
      `--out ${join(dir, 'file')}: is a file. Fix: give a folder`,
    );
    await expect(checkOutputDir(join(dir, 'file', 'model'), { label: '--cache' })).rejects.toThrow(
      `${join(dir, 'file')} is a file, not a folder. Fix: choose a path outside it for --cache`,
    );
  });
});

describe('checkOutputDir with replaces', () => {
  it("accepts a new or empty folder or an earlier run's, and refuses one of the user's own files", async () => {
    const dir = scratch();
    const opts = { label: '--out', replaces: 'ensemble.json' };
    expect(await checkOutputDir(join(dir, 'new'), opts)).toBe(join(dir, 'new'));
    expect(await checkOutputDir(dir, opts)).toBe(dir);
    writeFileSync(join(dir, 'ensemble.json'), '{}');
    writeFileSync(join(dir, 'metrics.json'), '{}');
    expect(await checkOutputDir(dir, opts)).toBe(dir);
    const home = scratch();
    for (const f of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) writeFileSync(join(home, f), '');
    await expect(checkOutputDir(home, opts)).rejects.toThrow(
      `--out ${home}: holds other files (a.txt, b.txt, c.txt, ...) and no ensemble.json of an earlier run, and would be replaced as a whole. Fix: choose a new or empty folder`,
    );
  });
});

describe('callerDirectory', () => {
  it("is pnpm's INIT_CWD when a script started the command, else the working directory", () => {
    expect(callerDirectory({ INIT_CWD: '/home/me/va' })).toBe('/home/me/va');
    expect(callerDirectory({})).toBe(process.cwd());
    expect(callerDirectory({ INIT_CWD: 'relative' })).toBe(process.cwd());
    expect(callerPath('out', { INIT_CWD: '/home/me/va' })).toBe('/home/me/va/out');
    expect(callerPath('/tmp/out', { INIT_CWD: '/home/me/va' })).toBe('/tmp/out');
    expect(displayPath('/home/me/va/out/REPORT.md', { INIT_CWD: '/home/me/va' })).toBe(
      'out/REPORT.md',
    );
    expect(displayPath('/tmp/REPORT.md', { INIT_CWD: '/home/me/va' })).toBe('/tmp/REPORT.md');
  });
});

describe('replaceDirectory', () => {
  it('replaces a folder as a whole: no file of the older run is left', async () => {
    const dir = scratch();
    const target = join(dir, 'model');
    mkdirSync(join(target, 'report'), { recursive: true });
    writeFileSync(join(target, 'report', 'REPORT.md'), 'old report');
    writeFileSync(join(target, 'weights.bin'), 'old');
    const got = await replaceDirectory(target, async (tmp) => {
      await writeFile(join(tmp, 'weights.bin'), 'new');
      return 42;
    });
    expect(got).toBe(42);
    expect(readdirSync(target)).toEqual(['weights.bin']);
    expect(readdirSync(dir)).toEqual(['model']);
  });

  it('leaves the folder as it was, and no temporary folder, when writing fails', async () => {
    const dir = scratch();
    const target = join(dir, 'model');
    mkdirSync(target);
    writeFileSync(join(target, 'weights.bin'), 'old');
    await expect(
      replaceDirectory(target, async (tmp) => {
        await writeFile(join(tmp, 'weights.bin'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readdirSync(dir)).toEqual(['model']);
    expect(readdirSync(target)).toEqual(['weights.bin']);
  });
});
