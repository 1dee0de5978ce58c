// The browser build's file access (files.browser.ts, source.browser.ts,
// safetensors-folder.browser.ts), run in Node against a loopback HTTP server: a model folder given
// as a URL loads with the same weights, logits (PyTorch's) and tokenizer as from disk.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ResourceError } from '@va/core';
import { checkBrowserSiblings, type ServedFiles, serveFiles } from '@va/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleFiles } from '../src/files.browser.js';
import { loadCausalLM } from '../src/load.js';
import { parseSafetensors } from '../src/safetensors.js';
import { readSafetensorsFolder } from '../src/safetensors-folder.js';
import { HfTokenizer } from '../src/tokenizer.js';
import { FIXTURES, maxAbsDiff, useBackend } from './helpers.js';

vi.mock('../src/files.js', () => import('../src/files.browser.js'));
vi.mock('../src/source.js', () => import('../src/source.browser.js'));
vi.mock('../src/safetensors-folder.js', () => import('../src/safetensors-folder.browser.js'));
vi.mock('../src/save.js', () => import('../src/save.browser.js'));

const ASSETS = join(import.meta.dirname, '..', 'assets', 'default');
let served: ServedFiles;
let base: string;
let requested: string[];

beforeAll(async () => {
  // test/fixtures under /fixtures, the embedded model under /default.
  served = await serveFiles((path) =>
    path.startsWith('/fixtures/')
      ? join(FIXTURES, path.slice(10))
      : path.startsWith('/default/')
        ? join(ASSETS, path.slice(9))
        : undefined,
  );
  ({ url: base, requests: requested } = served);
  await useBackend('wasm');
});
afterAll(() => served.close());

describe('browser build', () => {
  it('each .browser.ts exports every name of the module it replaces', async () => {
    const { files, missing } = await checkBrowserSiblings(new URL('../src', import.meta.url));
    expect(files).toEqual([
      'backend.browser.ts',
      'default-model.browser.ts',
      'files.browser.ts',
      'kernels/binary.browser.ts',
      'kernels/pool.browser.ts',
      'safetensors-folder.browser.ts',
      'save.browser.ts',
      'source.browser.ts',
      'wasm-threads.browser.ts',
    ]);
    expect(missing).toEqual([]);
  });

  it("loads a checkpoint from a folder URL: PyTorch's logits", async () => {
    const model = await loadCausalLM(`${base}/fixtures/gpt2-tiny`, { backend: 'current' });
    const expected = JSON.parse(
      readFileSync(join(FIXTURES, 'gpt2-tiny', 'expected.json'), 'utf8'),
    ) as { inputIds: number[][]; logits: number[] };
    const { logits, hiddenStates } = model.forward(expected.inputIds);
    expect(maxAbsDiff(logits.dataSync(), expected.logits)).toBeLessThan(1e-4);
    tf.dispose([logits, hiddenStates]);
    model.dispose();
  });

  it('reads a sharded checkpoint through its index, bit for bit', async () => {
    const dir = join(FIXTURES, 'safetensors', 'ours-sharded');
    const got = await readSafetensorsFolder(`${base}/fixtures/safetensors/ours-sharded`);
    const want = [1, 2].flatMap((i) => [
      ...parseSafetensors(readFileSync(join(dir, `model-0000${i}-of-00002.safetensors`))).tensors,
    ]);
    expect([...got.tensors.keys()].sort()).toEqual(want.map(([n]) => n).sort());
    for (const [name, t] of want) {
      expect(got.tensors.get(name)!.shape).toEqual(t.shape);
      const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
      expect(bits(got.tensors.get(name)!.data)).toEqual(bits(t.data));
    }
  });

  it('loads bundled files (one URL each) with their tokenizer, asking for no other file', async () => {
    const files = Object.fromEntries(
      ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].map((f) => [
        f,
        `${base}/default/${f}`,
      ]),
    );
    bundleFiles('bundle://default', files);
    requested.length = 0;
    const model = await loadCausalLM('bundle://default', { backend: 'current' });
    expect(requested.sort()).toEqual(
      ['config.json', 'config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']
        .map((f) => `GET /default/${f}`)
        .sort(),
    );
    const reference = new HfTokenizer({
      tokenizerJson: JSON.parse(readFileSync(join(ASSETS, 'tokenizer.json'), 'utf8')),
      tokenizerConfig: JSON.parse(readFileSync(join(ASSETS, 'tokenizer_config.json'), 'utf8')),
    });
    const text = 'The food was great, but the service was slow.';
    expect(model.tokenizer!.encode(text)).toEqual(reference.encode(text));
    const { tensors } = parseSafetensors(readFileSync(join(ASSETS, 'model.safetensors')));
    expect(model.parameterCount).toBe([...tensors.values()].reduce((n, t) => n + t.data.length, 0));
    model.dispose();
  });

  it('refuses what needs a file system, saying what to do instead', async () => {
    const model = await loadCausalLM(`${base}/fixtures/gpt2-tiny`, { backend: 'current' });
    await expect(model.save('/tmp/x')).rejects.toThrow(ResourceError);
    await expect(model.save('/tmp/x')).rejects.toThrow(/saveCausalLM: needs Node\.js.*readParams/);
    model.dispose();
    await expect(loadCausalLM(`${base}/fixtures/none`)).rejects.toThrow(
      /none\/config\.json cannot be fetched/,
    );
  });
});
