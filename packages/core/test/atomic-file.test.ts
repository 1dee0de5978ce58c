import { mkdtempSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../src/atomic-file.js';

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
});
