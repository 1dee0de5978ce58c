import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../src/atomic-file.js';
import { replaceDirectory } from '../src/command-paths.js';
import { ResourceError } from '../src/errors.js';
import { writeError } from '../src/write-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'va-core-atomic-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the whole file and leaves no temporary file behind', async () => {
    const path = join(tmp, 'deep', 'a.json');
    await writeJsonAtomic(path, { a: 1 });
    expect(await readFile(path, 'utf8')).toBe('{\n  "a": 1\n}\n');
    await writeFileAtomic(path, 'second');
    expect(await readFile(path, 'utf8')).toBe('second');
    expect(await readdir(join(tmp, 'deep'))).toEqual(['a.json']);
  });

  it('leaves the old file as it was when the write fails', async () => {
    const path = join(tmp, 'b.txt');
    await writeFile(path, 'old');
    // A folder in the way of the temporary file's rename target makes the rename fail.
    await expect(writeFileAtomic(join(tmp, 'b.txt', 'x'), 'new')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect((await readdir(tmp)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('names the path and the problem when the disk is full (a 64 KB tmpfs; skipped without mount)', async (ctx) => {
    const disk = join(tmp, 'disk');
    mkdirSync(disk);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk], { stdio: 'pipe' });
    } catch {
      ctx.skip();
    }
    try {
      const big = new Uint8Array(256 * 1024);
      const path = join(disk, 'result.json');
      const fix = 'Make room or choose a writable folder, then run the same command again';
      await expect(writeFileAtomic(path, big)).rejects.toThrow(
        `cannot write ${path}: the disk is full (ENOSPC). ${fix}`,
      );
      const folder = join(disk, 'checkpoint');
      const error = await replaceDirectory(folder, (dir) =>
        writeFile(join(dir, 'w.bin'), big),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceError);
      expect((error as Error).message).toBe(
        `cannot write ${folder}: the disk is full (ENOSPC). ${fix}: what was finished is kept`,
      );
      expect(await readdir(disk)).toEqual([]);
    } finally {
      execFileSync('umount', [disk], { stdio: 'pipe' });
    }
    const other = new Error('no such file');
    expect(writeError('/x', other)).toBe(other);
  });
});
