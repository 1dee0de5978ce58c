// A saved model is a complete Hugging Face folder even once the folder it was loaded from is gone:
// its tokenizer and generation files travel in memory (a PPO checkpoint is loaded from, then pruned).

import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@va/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../src/default-model.js';
import { loadCausalLM } from '../src/load.js';
import { useBackend } from './helpers.js';

const tmp = tempDir('va-lm-save-');
beforeAll(async () => {
  await useBackend('cpu');
});

describe('saveCausalLM', () => {
  it('writes the tokenizer and generation files of a source folder that is gone', async () => {
    const first = join(tmp, 'first');
    const model = await loadCausalLM(DEFAULT_MODEL_DIR, { backend: 'current' });
    await model.save(first);
    model.dispose();
    const again = await loadCausalLM(first, { backend: 'current' });
    await rm(first, { recursive: true });
    const second = join(tmp, 'second');
    await again.save(second);
    const names = (await readdir(second)).sort();
    const source = (await readdir(DEFAULT_MODEL_DIR)).filter((n) => names.includes(n));
    expect(source.sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(names).toEqual(source);
    for (const name of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
      expect(await readFile(join(second, name))).toEqual(
        await readFile(join(DEFAULT_MODEL_DIR, name)),
      );
    }
    const loaded = await loadCausalLM(second, { backend: 'current' });
    expect(loaded.tokenizer?.encode('The room was clean')).toEqual(
      again.tokenizer?.encode('The room was clean'),
    );
    loaded.dispose();
    again.dispose();
  });
});
