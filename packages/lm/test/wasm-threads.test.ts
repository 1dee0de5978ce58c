// The threaded wasm build in Node (src/wasm-threads.ts): the pool gets the threads asked for, products
// match a plain loop, models match PyTorch on both builds, and a process using it exits by itself.

import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import { defaultWasmThreads } from '../src/wasm-threads.js';

const run = promisify(execFile);

/** a @ b by the textbook loop, in float64. */
function product(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += a[i * k + l]! * b[l * n + j]!;
      out[i * n + j] = s;
    }
  return out;
}

describe('threaded wasm', () => {
  it('runs products on the threads asked for, with the result of a plain loop', async () => {
    const choice = await selectBackend({ backend: 'wasm', threads: 2 });
    expect(choice.threads).toBe(2);
    expect(choice.reason).toMatch(/threaded SIMD build, 2 threads on worker_threads/);
    // Large enough for XNNPACK to split the work between the threads.
    const [m, k, n] = [192, 160, 224];
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
    const y = tf.matMul(a, b);
    const want = product(a.dataSync() as Float32Array, b.dataSync() as Float32Array, m, k, n);
    const got = y.dataSync();
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([a, b, y]);
  });

  it('refuses another thread count once started, and counts outside [1, 8]', async () => {
    await selectBackend({ backend: 'wasm', threads: 2 });
    await expect(selectBackend({ threads: 1 })).rejects.toThrow(ValidationError);
    await expect(selectBackend({ threads: 1 })).rejects.toThrow(
      /selectBackend.*options\.threads.*first selectBackend call/s,
    );
    await expect(selectBackend({ threads: 0 })).rejects.toThrow(/integer in \[1, 8\]/);
    await expect(selectBackend({ threads: 1.5 })).rejects.toThrow(ValidationError);
  });

  it('matches PyTorch on one thread and on two, and lets the process exit', async () => {
    const child = join(import.meta.dirname, 'wasm-threads-child.ts');
    const outputs = await Promise.all(
      [1, 2].map((threads) =>
        run(process.execPath, ['--import', 'tsx', child, String(threads)], { timeout: 50_000 }),
      ),
    );
    const results = outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').pop()!));
    expect(results.map((r) => [r.threads, r.pool])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    for (const r of results) expect(r.diff).toBeLessThan(1e-4);
  });

  it('starts single-threaded unless VA_LM_WASM_THREADS asks for more', () => {
    const saved = process.env.VA_LM_WASM_THREADS;
    try {
      delete process.env.VA_LM_WASM_THREADS;
      expect(defaultWasmThreads()).toBe(1);
      process.env.VA_LM_WASM_THREADS = '3';
      expect(defaultWasmThreads()).toBe(3);
      process.env.VA_LM_WASM_THREADS = 'auto';
      expect(defaultWasmThreads()).toBe(Math.min(availableParallelism(), 8));
      process.env.VA_LM_WASM_THREADS = 'many';
      expect(() => defaultWasmThreads()).toThrow(/VA_LM_WASM_THREADS.*'auto'/);
    } finally {
      if (saved === undefined) delete process.env.VA_LM_WASM_THREADS;
      else process.env.VA_LM_WASM_THREADS = saved;
    }
  });
});
