// Runs the README's example as written (its import of '@va/stats' pointed at src/) and checks that
// each line it prints is the one the README shows after `// =>`.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from '@va/test-utils';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = readme.match(/## Example\n\n```ts\n([\s\S]*?)```/)?.[1];
const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = tempDir('va-stats-readme-');

describe('README example', () => {
  it('runs as written and prints what the README says', async () => {
    expect(example, 'README has a ts block under "## Example"').toBeDefined();
    const code = example!.replace("from '@va/stats'", `from ${JSON.stringify(src)}`);
    const expected = [...example!.matchAll(/^\/\/ => (.*)$/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const file = join(dir, 'example.ts');
    writeFileSync(file, code);
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    try {
      await import(pathToFileURL(file).href);
    } finally {
      spy.mockRestore();
    }
    expect(printed.slice(0, expected.length)).toEqual(expected);
    expect(printed.at(-1)).toMatch(/\*\*Table 1: variance of R\(pi\) across policies, F test\*\*/);
    expect(printed.at(-1)).toMatch(/successes = policies below the reference mean/);
  });
});
