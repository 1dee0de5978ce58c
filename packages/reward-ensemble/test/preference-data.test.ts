import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { formatHHDialogue, parseHHDialogue, promptToMessages } from '../src/chat.js';
import { readPreferencePairs } from '../src/preference-file.js';
import { parsePreferenceRecord, splitHHPair } from '../src/preference-record.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const tmp = tempDir('va-pref-');

describe('HH-RLHF dialogues', () => {
  const chosen =
    '\n\nHuman: hi\n\nAssistant: hello\n\nHuman: how are you?\n\nAssistant: Fine, thanks.';
  const rejected =
    '\n\nHuman: hi\n\nAssistant: hello\n\nHuman: how are you?\n\nAssistant: Go away.';

  it('splits a pair into the shared prompt and the two last Assistant turns', () => {
    expect(splitHHPair(chosen, rejected)).toEqual({
      prompt: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'how are you?' },
      ],
      chosen: 'Fine, thanks.',
      rejected: 'Go away.',
    });
  });

  it('round-trips the text format', () => {
    const messages = parseHHDialogue(chosen)!;
    expect(formatHHDialogue(messages)).toBe(chosen);
    expect(promptToMessages('\n\nHuman: hi\n\nAssistant:')).toEqual([
      { role: 'user', content: 'hi' },
    ]);
    expect(promptToMessages('plain question')).toEqual([
      { role: 'user', content: 'plain question' },
    ]);
  });

  it('refuses pairs whose dialogues differ before the last turn, or end with a Human turn', () => {
    expect(splitHHPair('\n\nHuman: a\n\nAssistant: x', '\n\nHuman: b\n\nAssistant: y')).toMatch(
      /do not share/,
    );
    expect(
      splitHHPair('\n\nHuman: a\n\nAssistant: x\n\nHuman: more', '\n\nHuman: a\n\nAssistant: y'),
    ).toMatch(/ends with a Human turn/);
    expect(splitHHPair('no turns', 'no turns')).toMatch(/no Assistant turn/);
  });
});

describe('parsePreferenceRecord', () => {
  it('reads message lists with the prompt inside the conversation (preference_dataset_mix2)', () => {
    const r = parsePreferenceRecord({
      chosen: [
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'good' },
      ],
      rejected: [
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'bad' },
      ],
    });
    expect(r).toEqual({
      ok: true,
      format: 'messages',
      pair: { prompt: [{ role: 'user', content: 'Q' }], chosen: 'good', rejected: 'bad' },
    });
  });

  it('reads message lists holding only the response, with a separate prompt', () => {
    const r = parsePreferenceRecord({
      prompt: 'Q',
      chosen: [{ role: 'assistant', content: 'good' }],
      rejected: [{ role: 'assistant', content: 'bad' }],
    });
    expect(r.ok && r.pair.prompt).toEqual([{ role: 'user', content: 'Q' }]);
  });

  it('reads RewardBench rows with subset and id', () => {
    const r = parsePreferenceRecord({
      prompt: 'Q',
      chosen: 'a',
      rejected: 'b',
      subset: 'mt-bench-easy',
      id: 12n,
    });
    expect(r).toEqual({
      ok: true,
      format: 'prompt-response',
      pair: {
        prompt: [{ role: 'user', content: 'Q' }],
        chosen: 'a',
        rejected: 'b',
        subset: 'mt-bench-easy',
        id: 12,
      },
    });
  });

  it('explains what is wrong with a malformed row', () => {
    const reasons = [
      parsePreferenceRecord([1, 2]),
      parsePreferenceRecord({ chosen: 'a' }),
      parsePreferenceRecord({ chosen: 'a', rejected: 3 }),
      parsePreferenceRecord({
        chosen: [{ role: 'user', content: 'Q' }],
        rejected: [{ role: 'user', content: 'Q' }],
      }),
      parsePreferenceRecord({ chosen: [{ role: 'user' }], rejected: [] }),
      parsePreferenceRecord({ prompt: '  ', chosen: 'a', rejected: 'b' }),
    ].map((r) => (r.ok ? 'ok' : r.reason));
    expect(reasons[0]).toMatch(/not an object/);
    expect(reasons[1]).toMatch(/'rejected' is missing/);
    expect(reasons[2]).toMatch(/both be strings/);
    expect(reasons[3]).toMatch(/role 'assistant'/);
    expect(reasons[4]).toMatch(/chosen\[0\]' must be \{role: string, content: string\}/);
    expect(reasons[5]).toMatch(/'prompt' is empty/);
  });
});

describe('readPreferencePairs', () => {
  const lines = [
    JSON.stringify({
      chosen: '\n\nHuman: a\n\nAssistant: yes',
      rejected: '\n\nHuman: a\n\nAssistant: no',
    }),
    '',
    '{"chosen": broken json',
    JSON.stringify({ prompt: 'p', chosen: 'x', rejected: 'y' }),
    JSON.stringify({
      chosen: '\n\nHuman: a\n\nAssistant: yes',
      rejected: '\n\nHuman: b\n\nAssistant: no',
    }),
  ].join('\n');

  it('reads JSON Lines, plain and gzip, reporting malformed rows by line number', async () => {
    writeFileSync(join(tmp, 'pairs.jsonl'), lines);
    writeFileSync(join(tmp, 'pairs.jsonl.gz'), gzipSync(lines));
    for (const name of ['pairs.jsonl', 'pairs.jsonl.gz']) {
      const f = await readPreferencePairs(join(tmp, name));
      expect(f.pairs.map((p) => p.chosen)).toEqual(['yes', 'x']);
      expect(f.rows).toEqual([1, 4]);
      expect(f.formats).toEqual({ 'hh-rlhf': 1, 'prompt-response': 1 });
      expect(f.malformed.map((m) => m.row)).toEqual([3, 5]);
      expect(f.malformed[0]!.reason).toMatch(/not valid JSON/);
      expect(f.malformed[1]!.reason).toMatch(/do not share/);
    }
  });

  it('rejects on the first malformed row when asked, naming file and line', async () => {
    await expect(
      readPreferencePairs(join(tmp, 'pairs.jsonl'), { onMalformed: 'throw' }),
    ).rejects.toThrow(/pairs\.jsonl line 3: not valid JSON.*onMalformed: 'skip'/);
    await expect(readPreferencePairs(join(tmp, 'missing.jsonl'))).rejects.toThrow(/no file at/);
  });

  it('names a folder and a truncated gzip file instead of raw zlib and fs errors', async () => {
    await expect(readPreferencePairs(tmp)).rejects.toThrow(
      `readPreferencePairs: '${tmp}' is a folder; pass a .jsonl, .jsonl.gz, .json or .parquet file`,
    );
    const gz = gzipSync(lines);
    for (const name of ['cut.jsonl.gz', 'cut.json.gz']) {
      writeFileSync(join(tmp, name), gz.subarray(0, gz.length - 12));
      await expect(readPreferencePairs(join(tmp, name))).rejects.toThrow(
        `readPreferencePairs: ${join(tmp, name)} is not a complete gzip file (unexpected end of file); download or compress it again`,
      );
    }
  });

  it('stops at the limit', async () => {
    const f = await readPreferencePairs(join(tmp, 'pairs.jsonl'), { limit: 1 });
    expect(f.pairs).toHaveLength(1);
  });

  it('reads a RewardBench parquet file (snappy) with subsets and ids', async () => {
    const f = await readPreferencePairs(fixture('rewardbench-sample.parquet'));
    expect(f.pairs).toHaveLength(6);
    expect(f.pairs.map((p) => p.subset)).toContain('refusals-dangerous');
    expect(f.pairs[3]).toEqual({
      prompt: [{ role: 'user', content: 'What is 2 + 2?' }],
      chosen: 'It is 4.',
      rejected: 'It is 5.',
      subset: 'math-prm',
      id: 3,
    });
    expect(f.malformed).toEqual([
      { row: 7, reason: expect.stringMatching(/'chosen' is missing or null/) },
    ]);
  });

  it('reads a message-list parquet file (zstd, list<struct>)', async () => {
    const f = await readPreferencePairs(fixture('mix2-sample.parquet'));
    expect(f.formats).toEqual({ messages: 2 });
    expect(f.pairs[1]!.prompt).toHaveLength(3);
    expect(f.pairs[1]!.chosen).toBe('Why did the chicken cross the road?');
    expect(f.malformed.map((m) => m.row)).toEqual([3]);
  });

  it('reads an HH-RLHF parquet file (gzip)', async () => {
    const f = await readPreferencePairs(fixture('hh-sample.parquet'));
    expect(f.pairs.map((p) => [p.chosen, p.rejected])).toEqual([
      ['Yes, on a clear day.', 'Never.'],
      ['I will not help with that.', 'Find one with the keys inside.'],
    ]);
    expect(f.malformed.map((m) => m.row)).toEqual([3]);
  });

  it('reads a JSON array file', async () => {
    writeFileSync(
      join(tmp, 'rows.json'),
      JSON.stringify([{ prompt: 'p', chosen: 'a', rejected: 'b' }, 5]),
    );
    const f = await readPreferencePairs(join(tmp, 'rows.json'));
    expect(f.pairs).toHaveLength(1);
    expect(f.malformed).toEqual([{ row: 2, reason: expect.stringMatching(/not an object/) }]);
  });
});
