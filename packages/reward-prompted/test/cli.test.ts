import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@va/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutputRow } from '../src/judge-file.js';
import { type FakeServer, startFakeServer } from './fake-server.js';

// The command end to end, run from source through tsx as a separate process.
const pkg = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'sk-cli-secret-ABCDEFGH12345678';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
function start(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string; stdout: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: pkg,
    env: { ...process.env, VA_TEST_KEY: KEY },
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  child.stdout!.on('data', (c) => {
    stdout += c;
  });
  const done = new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr, stdout })),
  );
  return { child, done };
}

const rowsOf = (path: string): OutputRow[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('va-judge', () => {
  it('judges offline, names malformed lines, prints a summary, exits 1 on bad lines', async () => {
    const dir = tempDir('va-cli-');
    const input = join(dir, 'pairs.jsonl');
    writeFileSync(
      input,
      [
        '{"text": "Review:", "completion": "A superb film."}',
        '{"text": "Review:", "completion": "Dull."}',
        'oops',
        '{"text": "Review:", "completion": "It has a title."}',
      ].join('\n'),
    );
    const output = join(dir, 'judged.jsonl');
    const { done } = start([
      input,
      '-o',
      output,
      '--offline',
      '--prompt-field',
      'text',
      '--response-field',
      'completion',
    ]);
    const { code, stderr } = await done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/pairs.jsonl:3: not JSON/);
    expect(stderr).toMatch(/4 lines: 3 judged, 0 already done, 0 failed, 1 malformed/);
    expect(stderr).toMatch(/line 3: not JSON/);
    const rows = rowsOf(output);
    expect(rows.map((r) => r.line).sort()).toEqual([1, 2, 4]);
    expect(rows.find((r) => r.line === 4)).toMatchObject({
      low: 20,
      high: 80,
      mean: 50,
      variance: 300,
    });
  });

  it('rejects bad usage with status 2', async () => {
    const dir = tempDir('va-cli-');
    const a = await start([join(dir, 'x.jsonl'), '-o', join(dir, 'y.jsonl')]).done;
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /choose a judge: --offline, --preset NAME, or --base-url URL --model NAME/,
    );
    const b = await start([join(dir, 'x.jsonl'), '--offline']).done;
    expect(b.stderr).toMatch(/no output file/);
    const c = await start([join(dir, 'x.jsonl'), '-o', 'y', '--preset', 'deepseek-v3']).done;
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/DEEPSEEK_API_KEY is not set/);
    const d = await start([join(dir, 'x.jsonl'), '-o', 'y', '--offline', '--scale', '5,1']).done;
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--scale: must be LOW,HIGH with LOW < HIGH/);
    const help = await start(['--help']).done;
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /--max-reasks <n> +re-asks after an unusable answer \(default: 2\)/,
    );
    expect(help.stdout).toMatch(/--timeout <x> +seconds per attempt \(default: 60\)/);
  });

  it('resumes after a kill against an endpoint: no gaps, no duplicates, no key anywhere', async () => {
    server = await startFakeServer(() => ({ kind: 'ok', delayMs: 40 }));
    const dir = tempDir('va-cli-');
    const input = join(dir, 'pairs.jsonl');
    const n = 30;
    writeFileSync(
      input,
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ id: `row-${i}`, prompt: 'Review:', response: `review ${i}` }),
      ).join('\n'),
    );
    const output = join(dir, 'judged.jsonl');
    const cache = join(dir, 'cache');
    const args = [
      input,
      '-o',
      output,
      '--base-url',
      server.url,
      '--model',
      'judge-test',
      '--api-key-env',
      'VA_TEST_KEY',
      '--concurrency',
      '2',
      '--backoff-ms',
      '1',
      '--cache-dir',
      cache,
    ];
    const first = start(args);
    // Kill it once some rows are out.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(output) && rowsOf(output).length >= 8) {
          clearInterval(timer);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 10);
      first.done.then(() => {
        clearInterval(timer);
        reject(new Error('finished before it could be killed'));
      });
    });
    const killed = await first.done;
    expect(killed.code).toBeNull();
    const partial = rowsOf(output).length;
    expect(partial).toBeLessThan(n);

    const second = await start(args).done;
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(
      new RegExp(`${n} lines: ${n - partial} judged, ${partial} already done, 0 failed`),
    );
    const rows = rowsOf(output);
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r.id)).size).toBe(n);
    for (const r of rows) {
      const i = Number(r.id!.toString().slice(4));
      expect(r.line).toBe(i + 1);
      expect([r.low, r.high]).toEqual([i, i + 10]);
      expect(r.prompt_tokens).toBeGreaterThanOrEqual(0);
      expect(r.prompt_version).toBe('va-interval-v1');
    }
    // At most the requests in flight at the kill (concurrency 2) were sent twice.
    expect(server.requests.length).toBeLessThanOrEqual(n + 2);
    expect(server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);

    for (const text of [
      readFileSync(output, 'utf8'),
      killed.stderr,
      second.stderr,
      ...filesUnder(cache).map((f) => readFileSync(f, 'utf8')),
    ]) {
      expect(text).not.toContain(KEY);
    }
    expect(filesUnder(cache).length).toBeGreaterThanOrEqual(n);
  });
});
