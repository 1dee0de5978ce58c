import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResourceError } from '../src/errors.js';
import { type FileLine, readLines } from '../src/read-lines.js';

const file = (content: string | Buffer) => {
  const path = join(mkdtempSync(join(tmpdir(), 'va-lines-')), 'f.jsonl');
  writeFileSync(path, content);
  return path;
};
const all = async (path: string, chunkBytes?: number) => {
  const out: FileLine[] = [];
  for await (const l of readLines(path, { chunkBytes })) out.push(l);
  return out;
};

describe('readLines', () => {
  it('gives each line its number, byte offsets and completeness, whatever the chunk size', async () => {
    // 'é' is two bytes: chunks of 1 to 5 bytes split it and the CRLF in every way.
    const path = file('{"a": "é"}\r\n\n{"b": 2}\n{"c": ');
    const expected = [
      { text: '{"a": "é"}', line: 1, start: 0, end: 13, complete: true },
      { text: '', line: 2, start: 13, end: 14, complete: true },
      { text: '{"b": 2}', line: 3, start: 14, end: 23, complete: true },
      { text: '{"c": ', line: 4, start: 23, end: 29, complete: false },
    ];
    for (const chunk of [1, 2, 3, 5, undefined]) expect(await all(path, chunk)).toEqual(expected);
    expect(await all(file(''))).toEqual([]);
    expect(await all(file('x\n'))).toEqual([
      { text: 'x', line: 1, start: 0, end: 2, complete: true },
    ]);
  });

  it('refuses a line longer than the limit instead of holding it in memory', async () => {
    const path = file(`ok\n${'z'.repeat(100)}`);
    const read = async () => {
      for await (const _ of readLines(path, { maxLineBytes: 64, chunkBytes: 16 })) {
      }
    };
    await expect(read()).rejects.toThrow(ResourceError);
    await expect(read()).rejects.toThrow(
      `readLines: line 2 of ${path} is longer than 64 bytes; is it a line-oriented text file?`,
    );
  });
});
