import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResourceError, UsageError } from '@va/core';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { ppoCommand } from '../src/command.js';
import { readPrompts } from '../src/prompts-file.js';

const tmp = tempDir('va-ppo-prompts-');
const file = async (name: string, text: string) => {
  const path = join(tmp, name);
  await writeFile(path, text);
  return path;
};

describe('readPrompts', () => {
  it('reads .txt lines, .jsonl rows and .json arrays of strings or prompt objects', async () => {
    expect(await readPrompts(await file('a.txt', 'The food was\n\n  \nThis hotel\n'))).toEqual([
      'The food was',
      'This hotel',
    ]);
    const jsonl = '{"prompt": "a"}\n\n{"query": "b"}\n{"text": "c"}\n"d"\n';
    expect(await readPrompts(await file('b.jsonl', jsonl))).toEqual(['a', 'b', 'c', 'd']);
    expect(await readPrompts(await file('c.json', '["x", {"prompt": "y"}]'))).toEqual(['x', 'y']);
  });

  it('names the file and the line of what it cannot use', async () => {
    const bad = await file('bad.jsonl', '{"prompt": "a"}\n{"prompt": ""}\n');
    await expect(readPrompts(bad)).rejects.toThrow(
      `${bad}:2: expected a non-empty prompt (a string, or an object with 'prompt', 'query' or 'text')`,
    );
    const notJson = await file('nj.jsonl', '{"prompt": "a"}\n{oops\n');
    await expect(readPrompts(notJson)).rejects.toThrow(`${notJson}:2: not JSON`);
    const object = await file('o.json', '{"prompt": "a"}');
    await expect(readPrompts(object)).rejects.toThrow(
      `${object}: expected a JSON array of prompts`,
    );
    const empty = await file('e.txt', '\n\n');
    await expect(readPrompts(empty)).rejects.toThrow(`${empty}: no prompts`);
    await expect(readPrompts(join(tmp, 'missing.txt'))).rejects.toThrow(ResourceError);
    await expect(readPrompts(join(tmp, 'missing.txt'))).rejects.toThrow(
      `cannot read prompts file ${join(tmp, 'missing.txt')} (ENOENT)`,
    );
  });
});

describe('ppoCommand', () => {
  it('without a registry knows module:<file.js> only, and says where offline lives', async () => {
    const prompts = await file('p.txt', 'The food was\n');
    const err = await ppoCommand(['--prompts', prompts, '--out', join(tmp, 'run')], {
      logger: { info() {}, warn() {}, metrics() {} },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      "unknown reward model 'offline'; expected module:<file.js>. 'offline' and 'ensemble:<dir>' are registered by @va/experiment: run 'va ppo' (or pass its rewardModels as io.rewards).",
    );
  });
});
