import { execFile } from 'node:child_process';
import {
  closeSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Logger, ResourceError } from '@va/core';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { ChatClient } from '../src/chat-client.js';
import type { ChatClientConfig } from '../src/chat-client-config.js';
import { ChatJudge, type ChatJudgeConfig } from '../src/chat-judge.js';
import { judgeFile, judgeSettingsHash, type OutputRow, rowKey } from '../src/judge-file.js';
import { SENTIMENT_RUBRIC } from '../src/judge-prompt.js';
import { OfflineJudge } from '../src/offline-judge.js';

const run = promisify(execFile);
const readRows = (path: string): OutputRow[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const warnings = (lines: string[]): Logger => ({
  info: () => {},
  warn: (m) => lines.push(m),
  metrics: () => {},
});

const REVIEWS = [
  'A wonderful, moving film.',
  'Boring and far too long.',
  'It has actors in it.',
  'Great music but a terrible script.',
  'Not bad at all, quite enjoyable.',
  'The worst thing I have seen this year.',
];

function writeInput(dir: string, lines: string[]): string {
  const path = join(dir, 'in.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `n` reviews judged offline into a fresh output: the paths and the output's lines. */
async function judgedReviews(n: number) {
  const dir = tempDir('va-judgefile-');
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ prompt: 'Review:', response: `${REVIEWS[i % 6]} (${i})` }),
  );
  const input = writeInput(dir, lines);
  const output = join(dir, 'out.jsonl');
  await judgeFile({ input, output, judge: new OfflineJudge() });
  return { input, output, full: readFileSync(output, 'utf8').split('\n').filter(Boolean) };
}

describe('judgeFile', () => {
  it('writes one row per pair, reports malformed lines by number', async () => {
    const dir = tempDir('va-judgefile-');
    const input = writeInput(dir, [
      ...REVIEWS.map((r) => JSON.stringify({ prompt: 'Review:', response: r })),
      '{"prompt": "Review:", "response": 42}',
      '',
      '{broken',
      '{"prompt": "Review:", "response": "Good."}',
    ]);
    const output = join(dir, 'out.jsonl');
    const warned: string[] = [];
    const s = await judgeFile({
      input,
      output,
      judge: new OfflineJudge(),
      logger: warnings(warned),
    });
    expect(s).toMatchObject({ lines: 9, judged: 7, skipped: 0, failed: 0, malformed: 2 });
    expect(s.failures.map((f) => f.line)).toEqual([7, 9]);
    expect(s.failures[0]!.reason).toMatch(/field 'response' must be a string \(a number/);
    expect(s.failures[1]!.reason).toMatch(/not JSON/);
    expect(warned.some((w) => w.includes('in.jsonl:9: not JSON'))).toBe(true);
    const rows = readRows(output);
    expect(rows.map((r) => r.line).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 10]);
    const judge = new OfflineJudge();
    for (const row of rows) {
      const text = row.line === 10 ? 'Good.' : REVIEWS[row.line - 1]!;
      const want = judge.judgeSync({ prompt: 'Review:', response: text }).interval;
      expect([row.low, row.high, row.mean, row.variance]).toEqual([
        want.low,
        want.high,
        want.mean,
        want.variance,
      ]);
      expect(row.judge).toBe(judge.name);
      expect(row.prompt_version).toBe('offline-sentiment-v1');
    }
  });

  it('resumes: skips rows already written, drops a partial last line, no gaps, no duplicates', async () => {
    const { input, output, full } = await judgedReviews(40);
    // Simulate a kill: 11 complete rows, then half of the 12th.
    writeFileSync(output, `${full.slice(0, 11).join('\n')}\n${full[11]!.slice(0, 30)}`);
    const warned: string[] = [];
    const s = await judgeFile({
      input,
      output,
      judge: new OfflineJudge(),
      logger: warnings(warned),
    });
    expect(s).toMatchObject({ judged: 29, skipped: 11, malformed: 0 });
    expect(warned.join('\n')).toMatch(/dropping a partial last line/);
    const rows = readRows(output);
    expect(rows.map((r) => r.line).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    const again = await judgeFile({ input, output, judge: new OfflineJudge() });
    expect(again).toMatchObject({ judged: 0, skipped: 40 });
  });

  it('keys rows by id, follows reordered input, and refuses lines edited since they were judged', async () => {
    const dir = tempDir('va-judgefile-');
    const rows = [
      { uid: 'a', q: 'Review:', a: 'Great.' },
      { uid: 'b', q: 'Review:', a: 'Awful.' },
    ];
    const input = writeInput(
      dir,
      rows.map((r) => JSON.stringify(r)),
    );
    const output = join(dir, 'out.jsonl');
    const opts = { promptField: 'q', responseField: 'a', idField: 'uid' };
    await judgeFile({ input, output, judge: new OfflineJudge(), ...opts });
    // Reordered: nothing to do.
    writeInput(dir, [JSON.stringify(rows[1]), JSON.stringify(rows[0])]);
    expect(await judgeFile({ input, output, judge: new OfflineJudge(), ...opts })).toMatchObject({
      judged: 0,
      skipped: 2,
    });
    // One response edited: judging it again would give id b a second row.
    writeInput(dir, [JSON.stringify({ ...rows[1], a: 'Wonderful.' }), JSON.stringify(rows[0])]);
    const before = readFileSync(output, 'utf8');
    await expect(judgeFile({ input, output, judge: new OfflineJudge(), ...opts })).rejects.toThrow(
      new ResourceError(
        `judgeFile: 1 input line of ${input} changed since ${output} judged it: line 1 (id b). Judging it again would give one line two rows. Fix: restore the input, delete those rows from ${output} to judge them again, or write to another output file`,
      ),
    );
    expect(readFileSync(output, 'utf8')).toBe(before);
    // The fix it names: delete the row, and the line is judged again, once.
    writeFileSync(
      output,
      before
        .split('\n')
        .filter((l) => !l.includes('"id":"b"'))
        .join('\n'),
    );
    expect(await judgeFile({ input, output, judge: new OfflineJudge(), ...opts })).toMatchObject({
      judged: 1,
      skipped: 1,
    });
    const out = readRows(output);
    expect(out.map((r) => r.id).sort()).toEqual(['a', 'b']);
    expect(out.find((r) => r.id === 'b')!.mean).toBeGreaterThan(
      out.find((r) => r.id === 'a')!.mean / 2,
    );
  });

  it('refuses lines shifted by an inserted line, and says why ids help', async () => {
    const dir = tempDir('va-judgefile-');
    const lines = REVIEWS.map((r) => JSON.stringify({ prompt: 'Review:', response: r }));
    const input = writeInput(dir, lines);
    const output = join(dir, 'out.jsonl');
    await judgeFile({ input, output, judge: new OfflineJudge() });
    writeInput(dir, [JSON.stringify({ prompt: 'Review:', response: 'New first line.' }), ...lines]);
    await expect(judgeFile({ input, output, judge: new OfflineJudge() })).rejects.toThrow(
      `judgeFile: 6 input lines of ${input} changed since ${output} judged them: line 1, line 2, line 3, line 4, line 5, .... Judging them again would give one line two rows. Rows without an id are matched by line number, so inserting or deleting a line shifts the rest; give each row an id (id). Fix:`,
    );
  });

  it('treats an id used twice with different content as a malformed line', async () => {
    const dir = tempDir('va-judgefile-');
    const input = writeInput(dir, [
      JSON.stringify({ id: 7, prompt: 'p', response: 'Good.' }),
      JSON.stringify({ id: 7, prompt: 'p', response: 'Good.' }),
      JSON.stringify({ id: 7, prompt: 'p', response: 'Bad.' }),
    ]);
    const output = join(dir, 'out.jsonl');
    const s = await judgeFile({ input, output, judge: new OfflineJudge() });
    expect(s).toMatchObject({ judged: 1, skipped: 1, malformed: 1 });
    expect(s.failures).toEqual([
      { line: 3, reason: 'id 7 is already used on line 1 with another prompt or response' },
    ]);
    expect(readRows(output)).toHaveLength(1);
  });

  it('refuses to mix judges in one output file', async () => {
    const dir = tempDir('va-judgefile-');
    const input = writeInput(dir, [JSON.stringify({ prompt: 'p', response: 'Good.' })]);
    const output = join(dir, 'out.jsonl');
    await judgeFile({ input, output, judge: new OfflineJudge() });
    const other = new OfflineJudge({}, { name: 'another judge' });
    await expect(judgeFile({ input, output, judge: other })).rejects.toThrow(ResourceError);
    await expect(judgeFile({ input, output, judge: other })).rejects.toThrow(
      `judgeFile: ${output} holds judgments by 'offline-sentiment (simulated)' (prompt offline-sentiment-v1) (line 1), but this run uses 'another judge' (prompt offline-sentiment-v1); resuming would mix them in one file. Fix: rerun with the settings that wrote it, write to another output file, or delete it to start over`,
    );
  });

  it('refuses to resume with another scale or setting, naming it, and leaves the file as it was', async () => {
    const dir = tempDir('va-judgefile-');
    const input = writeInput(dir, [JSON.stringify({ prompt: 'p', response: 'Good.' })]);
    const output = join(dir, 'out.jsonl');
    await judgeFile({ input, output, judge: new OfflineJudge() });
    const before = readFileSync(output, 'utf8');
    const rescaled = new OfflineJudge({ scaleLow: 1, scaleHigh: 10 });
    await expect(judgeFile({ input, output, judge: rescaled })).rejects.toThrow(
      `judgeFile: ${output} holds judgments by scale [0, 100] (line 1), but this run uses scale [1, 10]; resuming would mix them in one file.`,
    );
    const wider = new OfflineJudge({ maxWidth: 0.9 });
    await expect(judgeFile({ input, output, judge: wider })).rejects.toThrow(
      new RegExp(
        `holds judgments by other settings \\(rubric, model parameters or re-asks; settings ${judgeSettingsHash(new OfflineJudge())}\\) \\(line 1\\), but this run uses settings ${judgeSettingsHash(wider)};`,
      ),
    );
    // A file from before settings were kept is refused too.
    const legacy = JSON.parse(before.trim());
    delete legacy.settings;
    writeFileSync(output, `${JSON.stringify(legacy)}\n`);
    await expect(judgeFile({ input, output, judge: new OfflineJudge() })).rejects.toThrow(
      /holds judgments by an older va-judge that kept no settings hash \(line 1\)/,
    );
    expect(readRows(output)).toHaveLength(1);
  });

  it('hashes what changes a judgment, and not what only changes how it is fetched', () => {
    const client = (c: Partial<ChatClientConfig> = {}) =>
      new ChatClient({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', ...c });
    const base = judgeSettingsHash(new ChatJudge(client()));
    for (const [c, j] of [
      [{ model: 'other' }, {}],
      [{ temperature: 0.7 }, {}],
      [{ baseUrl: 'http://127.0.0.1:10/v1' }, {}],
      [{}, { rubric: SENTIMENT_RUBRIC }],
      [{}, { scaleLow: 1, scaleHigh: 10 }],
      [{}, { maxReasks: 0 }],
    ] as [Partial<ChatClientConfig>, Partial<ChatJudgeConfig>][]) {
      expect(judgeSettingsHash(new ChatJudge(client(c), j))).not.toBe(base);
    }
    for (const c of [{ concurrency: 2 }, { maxRetries: 0 }, { timeoutMs: 5 }, { jitterSeed: 3 }]) {
      expect(judgeSettingsHash(new ChatJudge(client(c)))).toBe(base);
    }
    expect(judgeSettingsHash(new OfflineJudge())).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stops on abort and finishes on the next run', async () => {
    const dir = tempDir('va-judgefile-');
    const input = writeInput(
      dir,
      Array.from({ length: 30 }, (_, i) => JSON.stringify({ prompt: 'p', response: `Good ${i}` })),
    );
    const output = join(dir, 'out.jsonl');
    const ac = new AbortController();
    const slow = new OfflineJudge();
    const judge = {
      name: slow.name,
      promptVersion: slow.promptVersion,
      scale: slow.scale,
      judge: async (q: { prompt: string; response: string }, o?: { signal?: AbortSignal }) => {
        await new Promise((r) => setTimeout(r, 5));
        o?.signal?.throwIfAborted();
        return slow.judgeSync(q);
      },
    };
    let seen = 0;
    const s = await judgeFile({
      input,
      output,
      judge,
      concurrency: 2,
      signal: ac.signal,
      onProgress: () => {
        if (++seen === 10) ac.abort();
      },
    });
    expect(s.interrupted).toBe(true);
    expect(s.judged).toBeLessThan(30);
    const rest = await judgeFile({ input, output, judge });
    expect(rest.judged + s.judged).toBe(30);
    const lines = readRows(output).map((r) => r.line);
    expect(new Set(lines).size).toBe(30);
    expect(lines).toHaveLength(30);
  });

  it('names a missing input file', async () => {
    await expect(
      judgeFile({
        input: '/nonexistent/in.jsonl',
        output: '/tmp/x.jsonl',
        judge: new OfflineJudge(),
      }),
    ).rejects.toThrow(
      'judgeFile: input file /nonexistent/in.jsonl: no such file. Fix: check the path',
    );
  });

  it('counts tokens and cost from the judgments', async () => {
    const dir = tempDir('va-judgefile-');
    const input = writeInput(dir, [
      '{"prompt":"p","response":"a"}',
      '{"prompt":"p","response":"b"}',
    ]);
    const base = new OfflineJudge();
    const judge = {
      name: 'priced',
      promptVersion: 'v',
      scale: base.scale,
      judge: async (q: { prompt: string; response: string }) => ({
        ...base.judgeSync(q),
        judge: 'priced',
        promptVersion: 'v',
        usage: { promptTokens: 100, completionTokens: 7 },
        costUsd: 0.5,
      }),
    };
    const s = await judgeFile({ input, output: join(dir, 'o.jsonl'), judge });
    expect(s).toMatchObject({ promptTokens: 200, completionTokens: 14, costUsd: 1 });
  });

  it('counts only complete rows: half-written, glued and incomplete rows are judged again', async () => {
    const { input, output, full } = await judgedReviews(8);
    const row = (i: number) => JSON.parse(full[i]!) as OutputRow;
    const { mean, ...noMean } = row(2);
    writeFileSync(
      output,
      [
        full[0],
        full[1],
        JSON.stringify(noMean), // a row without its numbers
        `${full[3]!.slice(0, 40)}${full[4]}`, // half a row with the next glued to it (an old writer)
        full[5],
        full[6]!.slice(0, 25), // cut short at the end
      ].join('\n'),
    );
    const warned: string[] = [];
    const s = await judgeFile({
      input,
      output,
      judge: new OfflineJudge(),
      logger: warnings(warned),
    });
    expect(mean).toBeTypeOf('number');
    expect(s).toMatchObject({ skipped: 3, judged: 5 });
    expect(warned).toEqual([
      `${output}:3: not a complete row, ignored (its input line is judged again)`,
      `${output}:4: not a complete row, ignored (its input line is judged again)`,
      `${output}: dropping a partial last line (an interrupted write)`,
    ]);
    const text = readFileSync(output, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const judged = text
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          const r = JSON.parse(l) as OutputRow;
          return r.mean === undefined ? [] : [r.line];
        } catch {
          return [];
        }
      });
    expect(judged.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses an output that is a folder or a device before reading or writing anything', async () => {
    const dir = tempDir('va-judgefile-');
    const input = writeInput(dir, [JSON.stringify({ prompt: 'p', response: 'Good.' })]);
    await expect(judgeFile({ input, output: dir, judge: new OfflineJudge() })).rejects.toThrow(
      `judgeFile: output file ${dir}: is a folder. Fix: give a file name, e.g. ${join(dir, 'out.jsonl')}`,
    );
    // Reading /dev/full to resume never ends (it once took 16.8 GB); it is refused at once.
    await expect(
      judgeFile({ input, output: '/dev/full', judge: new OfflineJudge() }),
    ).rejects.toThrow(
      'judgeFile: output file /dev/full: is a device. Fix: write to a regular file',
    );
  });

  it('resumes from a 190 MB output in a 64 MB heap: the file is streamed, not read whole', async () => {
    const dir = tempDir('va-judgefile-');
    const n = 1600;
    const queries = Array.from({ length: n }, (_, i) => ({
      prompt: 'Review:',
      response: `film ${i}`,
    }));
    const input = writeInput(
      dir,
      queries.map((q) => JSON.stringify(q)),
    );
    const output = join(dir, 'out.jsonl');
    const judge = new OfflineJudge();
    const settings = judgeSettingsHash(judge);
    // Rows with a long answer text: a judge that thinks out loud writes such rows.
    const raw = 'x'.repeat(120_000);
    const fd = openSync(output, 'w');
    queries.forEach((q, i) => {
      const row: OutputRow = {
        line: i + 1,
        key: rowKey(i + 1, undefined, q),
        judge: judge.name,
        prompt_version: judge.promptVersion,
        settings,
        scale: [0, 100],
        low: 40,
        high: 60,
        mean: 50,
        variance: 400 / 12,
        prompt_tokens: 0,
        completion_tokens: 0,
        cost_usd: null,
        cached: false,
        attempts: 1,
        raw,
      };
      writeSync(fd, `${JSON.stringify(row)}\n`);
    });
    closeSync(fd);
    const size = statSync(output).size;
    expect(size).toBeGreaterThan(190e6);
    // Reading it whole would need a string of its size: more than the heap allows.
    const { stdout } = await run(
      process.execPath,
      ['--max-old-space-size=64', '--import', 'tsx', 'test/resume-memory.child.ts', input, output],
      { cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    const { summary, maxRssBytes } = JSON.parse(stdout);
    expect(summary).toMatchObject({ lines: n, judged: 0, skipped: n, failed: 0 });
    expect(maxRssBytes).toBeLessThan(size);
    rmSync(output);
  });
});
