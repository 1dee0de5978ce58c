import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ResourceError, ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { type BackendName, probeBackend, selectBackend, selectWith } from '../src/backend.js';
import { loadCausalLM } from '../src/load.js';
import { FIXTURES } from './helpers.js';

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      metrics() {},
    },
  };
}

describe('selectBackend', () => {
  it('picks wasm here, saying why the native backends were skipped', async () => {
    const { lines, logger } = recorder();
    const choice = await selectBackend({ logger });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    expect(choice.reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(lines).toEqual([`@va/lm backend: wasm (${choice.reason})`]);
  });

  it('runs a matmul on forced wasm', async () => {
    const choice = await selectBackend({ backend: 'wasm' });
    expect(choice).toEqual({
      backend: 'wasm',
      reason: expect.stringMatching(/forced/),
      threads: expect.any(Number),
    });
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[4], [5], [6]])));
    expect(tf.getBackend()).toBe('wasm');
    expect(await y.data()).toEqual(new Float32Array([32]));
    y.dispose();
  });

  it('refuses a forced native backend that cannot load, naming the package to install', async () => {
    for (const [name, pkg] of [
      ['tensorflow', '@tensorflow/tfjs-node'],
      ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
    ] as const) {
      const attempt = selectBackend({ backend: name });
      await expect(attempt).rejects.toThrow(ResourceError);
      await expect(selectBackend({ backend: name })).rejects.toThrow(
        new RegExp(
          `backend '${name}' is not available: ${pkg} is not installed; install it .*npm i ${pkg}@`,
        ),
      );
    }
    // A failed attempt leaves the previous backend in place.
    expect(['wasm', 'cpu']).toContain(tf.getBackend());
  });

  it('switches between backends and back, idempotently and concurrently', async () => {
    const cpu = await selectBackend({ backend: 'cpu' });
    expect(cpu.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const many = await Promise.all(Array.from({ length: 5 }, () => selectBackend()));
    expect(new Set(many.map((c) => c.backend))).toEqual(new Set(['wasm']));
    expect(tf.getBackend()).toBe('wasm');
    const a = await selectBackend({ backend: 'wasm' });
    const b = await selectBackend({ backend: 'wasm' });
    expect(a).toEqual(b);
  });

  it('rejects an unknown backend name', async () => {
    await expect(selectBackend({ backend: 'webgpu' as BackendName })).rejects.toThrow(
      ValidationError,
    );
    await expect(selectBackend({ backend: 'webgpu' as BackendName })).rejects.toThrow(
      /options.backend.*'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'/,
    );
  });

  it('falls through a native package that is installed but fails to load', async () => {
    const broken = {
      resolve: (pkg: string) => `/fake/node_modules/${pkg}/index.js`,
      load: async () => {
        throw new Error('libtensorflow.so.2: cannot open shared object file\n    at Module._load');
      },
    };
    const found = await probeBackend('tensorflow', broken);
    expect(found).toEqual({
      ok: false,
      detail:
        '@tensorflow/tfjs-node is installed but failed to load (libtensorflow.so.2: cannot open shared object file)',
      fix: expect.stringMatching(/npm rebuild @tensorflow\/tfjs-node/),
    });
    const quiet = await probeBackend('tensorflow-gpu', { ...broken, load: async () => ({}) });
    expect(quiet).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/registered no 'tensorflow' backend/),
    });
    const { lines, logger } = recorder();
    const choice = await selectWith(undefined, logger, async (name) =>
      name === 'tensorflow'
        ? found
        : name === 'tensorflow-gpu'
          ? quiet
          : { ok: true, detail: 'ok' },
    );
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toContain('failed to load (libtensorflow.so.2');
    expect(lines).toHaveLength(1);
    await expect(selectWith('tensorflow', logger, async () => found)).rejects.toThrow(
      /npm rebuild/,
    );
  });

  it('loadCausalLM says once which backend it took', async () => {
    const { lines, logger } = recorder();
    const model = await loadCausalLM(join(FIXTURES, 'gpt2-tiny'), { backend: 'wasm', logger });
    expect(lines.filter((l) => /backend/i.test(l))).toEqual([
      expect.stringMatching(/^@va\/lm backend: wasm \(forced by the caller/),
    ]);
    expect(lines.filter((l) => l.startsWith('loadCausalLM: gpt2'))).toHaveLength(1);
    model.dispose();
  });
});
