import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Logger, ResourceError } from '@va/core';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { judgeFile, type OutputRow } from '../src/judge-file.js';
import { OfflineJudge } from '../src/offline-judge.js';

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
    const dir = tempDir('va-judgefile-');
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ prompt: 'Review:', response: `${REVIEWS[i % 6]} (${i})` }),
    );
    const input = writeInput(dir, lines);
    const output = join(dir, 'out.jsonl');
    await judgeFile({ input, output, judge: new OfflineJudge() });
    const full = readFileSync(output, 'utf8').split('\n').filter(Boolean);
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

  it('keys rows by id when present, and re-judges a row whose content changed', async () => {
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
    // Reordered input, one response edited.
    writeInput(dir, [JSON.stringify({ ...rows[1], a: 'Wonderful.' }), JSON.stringify(rows[0])]);
    const s = await judgeFile({ input, output, judge: new OfflineJudge(), ...opts });
    expect(s).toMatchObject({ judged: 1, skipped: 1 });
    const out = readRows(output);
    expect(out.map((r) => r.id)).toEqual(['a', 'b', 'b']);
    expect(out[2]!.key).toMatch(/^b#[0-9a-f]{16}$/);
    expect(out[2]!.mean).toBeGreaterThan(out[1]!.mean);
  });

  it('refuses to mix judges in one output file', async () => {
    const dir = tempDir('va-judgefile-');
    const input = writeInput(dir, [JSON.stringify({ prompt: 'p', response: 'Good.' })]);
    const output = join(dir, 'out.jsonl');
    await judgeFile({ input, output, judge: new OfflineJudge() });
    const other = new OfflineJudge({}, { name: 'another judge' });
    await expect(judgeFile({ input, output, judge: other })).rejects.toThrow(ResourceError);
    await expect(judgeFile({ input, output, judge: other })).rejects.toThrow(
      /holds judgments by 'offline-sentiment \(simulated\)'.*this run uses 'another judge'.*Fix: write to another output file/,
    );
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
    ).rejects.toThrow(/judgeFile: input file \/nonexistent\/in.jsonl does not exist/);
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
});
