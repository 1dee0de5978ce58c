// Temporary folders for tests, removed by vitest when they are no longer needed, so a test run
// leaves nothing behind in the OS temp dir.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished, TestRunner } from 'vitest';

/** Folders made outside a test (module level, `describe` bodies, `beforeAll`): removed after the file. */
const fileDirs: string[] = [];

// Vitest evaluates this module afresh for each test file (`isolate`, its default) while it collects
// that file, so this hook is registered once per file, on the file itself. Registering it lazily
// in `tempDir` would not work for calls made from `beforeAll`: vitest ignores `afterAll` calls made
// once the file has been collected.
afterAll(() => {
  for (const dir of fileDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Creates a fresh folder `<os tmpdir>/<prefix>XXXXXX` and returns its path. Called inside a test,
 * the folder is removed when that test finishes; called anywhere else in a test file (module level,
 * a `describe` body, `beforeAll`), it is removed after the whole file has run.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (TestRunner.getCurrentTest())
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  else fileDirs.push(dir);
  return dir;
}
