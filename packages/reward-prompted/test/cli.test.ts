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

  // Issue 15: commands that fail safe.
  const offlineInput = (dir: string, n = 4) => {
    const input = join(dir, 'pairs.jsonl');
    writeFileSync(
      input,
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ prompt: 'Review:', response: `A superb film, number ${i}.` }),
      ).join('\n'),
    );
    return input;
  };

  it('refuses to resume with another scale or rubric, names the fix, and changes nothing', async () => {
    server = await startFakeServer(() => ({ kind: 'ok' }));
    const dir = tempDir('va-cli-');
    const input = offlineInput(dir, 2);
    const output = join(dir, 'judged.jsonl');
    const endpoint = ['--base-url', server.url, '--model', 'judge-test', '--no-cache'];
    expect((await start([input, '-o', output, ...endpoint]).done).code).toBe(0);
    const before = readFileSync(output, 'utf8');
    const requests = server.requests.length;
    const scale = await start([input, '-o', output, ...endpoint, '--scale', '1,10']).done;
    expect(scale.code).toBe(1);
    expect(scale.stderr.split('\n').at(-2)).toBe(
      `va-judge: judgeFile: ${output} holds judgments by scale [0, 100] (line 1), but this run uses scale [1, 10]; resuming would mix them in one file. Fix: rerun with the settings that wrote it, write to another output file, or delete it to start over`,
    );
    const rubric = await start([input, '-o', output, ...endpoint, '--rubric', 'sentiment']).done;
    expect(rubric.code).toBe(1);
    expect(rubric.stderr).toMatch(
      /va-judge: judgeFile: .* holds judgments by other settings \(rubric, model parameters or re-asks; settings [0-9a-f]{16}\) \(line 1\), but this run uses settings [0-9a-f]{16}; /,
    );
    expect(readFileSync(output, 'utf8')).toBe(before);
    expect(server.requests.length).toBe(requests);
    // The same settings resume as before.
    const again = await start([input, '-o', output, ...endpoint]).done;
    expect(again.stderr).toMatch(/2 lines: 0 judged, 2 already done/);
  });

  it('keeps a key echoed in a good answer, or given in the URL, out of rows, cache and logs', async () => {
    const urlSecret = 'url-secret-QWERTY98765';
    server = await startFakeServer((req) => ({
      kind: 'ok',
      content: `{"low": 10, "high": 20, "note": "you sent ${req.authorization} with ${urlSecret}"}`,
    }));
    const dir = tempDir('va-cli-');
    const input = offlineInput(dir, 3);
    const output = join(dir, 'judged.jsonl');
    const cache = join(dir, 'cache');
    const withCredentials = server.url.replace('http://', `http://user:${urlSecret}@`);
    const args = [input, '-o', output, '--model', 'judge-test', '--cache-dir', cache];
    const first = await start([...args, '--base-url', server.url, '--api-key-env', 'VA_TEST_KEY'])
      .done;
    expect(first.code).toBe(0);
    expect(server.requests[0]!.authorization).toBe(`Bearer ${KEY}`);
    const rows = rowsOf(output);
    expect(rows.map((r) => [r.low, r.high])).toEqual([
      [10, 20],
      [10, 20],
      [10, 20],
    ]);
    expect(rows[0]!.raw).toContain('you sent Bearer [REDACTED]');
    // Through a URL with credentials (another endpoint, so asked again): node sends them as HTTP
    // Basic authorization, which the server echoes too.
    const second = await start([
      ...args,
      '-o',
      join(dir, 'again.jsonl'),
      '--base-url',
      withCredentials,
    ]).done;
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('(http://REDACTED:REDACTED@127.0.0.1:');
    const written = [
      readFileSync(output, 'utf8'),
      readFileSync(join(dir, 'again.jsonl'), 'utf8'),
      first.stderr,
      second.stderr,
      ...filesUnder(cache).map((f) => readFileSync(f, 'utf8')),
    ];
    const basic = Buffer.from(`user:${urlSecret}`).toString('base64');
    expect(server.requests.at(-1)!.authorization).toBe(`Basic ${basic}`);
    for (const text of written) {
      expect(text).not.toContain(basic);
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(4, 16));
      expect(text).not.toContain(urlSecret);
    }
  });

  it('names the file and the fix for unusable paths, before judging anything', async () => {
    const dir = tempDir('va-cli-');
    const input = offlineInput(dir);
    writeFileSync(join(dir, 'file'), '');
    // An endpoint nobody listens on: nothing may reach it.
    const judgeTo = (out: string) => [
      input,
      '-o',
      out,
      '--base-url',
      'http://127.0.0.1:9/v1',
      '--model',
      'm',
    ];
    const cases: [string[], string][] = [
      [
        [dir, '-o', join(dir, 'o.jsonl'), '--offline'],
        `input ${dir}: is a folder, not a file. Fix: pass a file inside it`,
      ],
      [
        [input, '-o', dir, '--offline'],
        `-o ${dir}: is a folder. Fix: give a file name, e.g. ${join(dir, 'out.jsonl')}`,
      ],
      [
        [input, '-o', '/dev/full', '--offline'],
        '-o /dev/full: is a device. Fix: write to a regular file',
      ],
      [
        [input, '-o', join(dir, 'file', 'o.jsonl'), '--offline'],
        `-o ${join(dir, 'file', 'o.jsonl')}: ${join(dir, 'file')} is a file, not a folder. Fix: choose a path outside it for -o`,
      ],
      [
        [...judgeTo(join(dir, 'o.jsonl')), '--rubric-file', join(dir, 'none.txt')],
        `--rubric-file ${join(dir, 'none.txt')}: no such file. Fix: check the path`,
      ],
      [
        [...judgeTo(join(dir, 'o.jsonl')), '--cache-dir', join(dir, 'file', 'c')],
        `--cache-dir ${join(dir, 'file', 'c')}: ${join(dir, 'file')} is a file, not a folder. Fix: choose a path outside it for --cache-dir`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await start(args).done;
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`va-judge: ${message}\n`);
    }
    expect(readdirSync(dir).sort()).toEqual(['file', 'pairs.jsonl']);
  });

  it.skipIf(process.platform !== 'linux')(
    'stops at a failed write with exit 1, keeps only whole rows, and resumes from them',
    async () => {
      const dir = tempDir('va-cli-');
      const n = 40;
      const input = offlineInput(dir, n);
      const output = join(dir, 'judged.jsonl');
      // A 4 KiB file-size limit: a write that crosses it is cut short, as on a full disk.
      const limited = spawn(
        'bash',
        [
          '-c',
          `trap '' XFSZ; ulimit -f 4; exec "$0" --import tsx src/cli.ts "$@"`,
          process.execPath,
          input,
          '-o',
          output,
          '--offline',
          '--quiet',
        ],
        { cwd: pkg },
      );
      let stderr = '';
      limited.stderr.on('data', (c) => {
        stderr += c;
      });
      const code = await new Promise((resolve) => limited.on('close', resolve));
      expect(code).toBe(1);
      expect(stderr.split('\n').at(-2)).toBe(
        `va-judge: judgeFile: cannot write to ${output} (EFBIG: file too large, write); the rows written before are kept, the judgments in flight are lost. Fix: free disk space (or raise the file-size limit) and run again to resume`,
      );
      const text = readFileSync(output, 'utf8');
      expect(text.length).toBeLessThanOrEqual(4096);
      expect(text.endsWith('\n')).toBe(true);
      const kept = rowsOf(output).length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(n);
      const rerun = await start([input, '-o', output, '--offline', '--quiet']).done;
      expect(rerun.code).toBe(0);
      expect(rerun.stderr).toMatch(
        new RegExp(`${n} lines: ${n - kept} judged, ${kept} already done`),
      );
      const lines = rowsOf(output).map((r) => r.line);
      expect(lines.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    },
  );
});
