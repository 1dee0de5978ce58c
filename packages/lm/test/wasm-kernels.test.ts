// The replacement wasm Slice / SplitV kernels and the per-matrix product path of `matmul`: same
// values as the cpu backend (and as wasm's own batched kernel), forward and backward.

import * as tf from '@tensorflow/tfjs';
import { Rng } from '@va/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { matmul, WASM_LOOP_MIN_WORK } from '../src/ops.js';
import { useBackend } from './helpers.js';

function values(shape: number[], rng: Rng, dtype: 'float32' | 'int32' | 'bool'): number[] {
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
    dtype === 'float32'
      ? rng.next() * 2 - 1
      : dtype === 'int32'
        ? Math.floor(rng.next() * 1e6)
        : +(rng.next() < 0.5),
  );
}

/** Runs `f` on cpu and on wasm with the same inputs; returns both results as nested arrays. */
async function onBoth<T>(f: () => tf.Tensor | tf.Tensor[]): Promise<[T, T]> {
  const out: T[] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend);
    const r = f();
    out.push((Array.isArray(r) ? r.map((t) => t.arraySync()) : r.arraySync()) as T);
    tf.dispose(r);
  }
  return out as [T, T];
}

describe('wasm Slice and SplitV replacements', () => {
  beforeAll(() => useBackend('wasm'));

  it('are registered for wasm once a model runs there', () => {
    const kernel = tf.getKernel('Slice', 'wasm')!;
    expect(kernel.kernelFunc.name).toBe('sliceFunc');
    expect(tf.getKernel('SplitV', 'wasm')!.kernelFunc.name).toBe('splitVFunc');
  });

  it('slice exactly as the cpu backend: contiguous, strided, every rank and dtype', async () => {
    const rng = new Rng(11);
    const cases: [number[], number[], number[]][] = [
      [[7], [2], [4]],
      [
        [5, 6],
        [1, 0],
        [3, 6],
      ], // contiguous rows
      [
        [5, 6],
        [1, 2],
        [3, 3],
      ], // strided
      [
        [4, 3, 5],
        [1, 0, 0],
        [2, 3, 5],
      ],
      [
        [4, 3, 5],
        [0, 1, 2],
        [4, 2, 3],
      ],
      [
        [3, 4, 2, 6],
        [1, 1, 0, 3],
        [2, 3, 2, -1],
      ],
      [
        [2, 3, 4, 5, 2],
        [1, 0, 1, 2, 0],
        [1, 3, 2, 3, 2],
      ],
      [
        [4, 3],
        [2, 0],
        [0, 3],
      ], // empty
    ];
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const [shape, begin, size] of cases) {
        const data = values(shape, rng, dtype);
        const [cpu, wasm] = await onBoth(() =>
          tf.slice(tf.tensor(data, shape, dtype), begin, size),
        );
        expect(wasm, `${dtype} ${shape} ${begin} ${size}`).toEqual(cpu);
      }
    }
  });

  it('split along any axis, equal and uneven', async () => {
    const rng = new Rng(12);
    const data = values([6, 4, 10], rng, 'float32');
    for (const [splits, axis] of [
      [3, 0],
      [2, 1],
      [[3, 3, 4], 2],
      [[1, -1], 2],
    ] as const) {
      const [cpu, wasm] = await onBoth(() =>
        tf.split(tf.tensor3d(data, [6, 4, 10]), splits as number | number[], axis),
      );
      expect(wasm).toEqual(cpu);
    }
  });
});

describe('matmul on wasm by separate 2-D products', () => {
  it('equals the batched product, and so does its gradient', async () => {
    const rng = new Rng(13);
    // [2, 3] batch of 64 x 32 @ 32 x 64: 131k multiply-adds per matrix, above the threshold.
    const [aShape, bShape] = [
      [2, 3, 64, 32],
      [2, 3, 32, 64],
    ];
    expect(64 * 32 * 64).toBeGreaterThanOrEqual(WASM_LOOP_MIN_WORK);
    const a = values(aShape, rng, 'float32');
    const b = values(bShape, rng, 'float32');
    const w = values([2, 3, 64, 64], rng, 'float32');
    const run = () =>
      tf.tidy(() => {
        const [ta, tb, tw] = [
          tf.tensor(a, aShape),
          tf.tensor(b, bShape),
          tf.tensor(w, [2, 3, 64, 64]),
        ];
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matmul(x, y), tw));
        const { value, grads } = tf.valueAndGrads(f)([ta, tb]);
        return [matmul(ta, tb), value, ...grads];
      });
    const [cpu, wasm] = await onBoth<unknown[]>(run);
    const flat = (x: unknown) => (x as number[]).flat(4) as number[];
    for (const i of [0, 2, 3]) {
      const c = flat(cpu[i]);
      const g = flat(wasm[i]);
      expect(g).toHaveLength(c.length);
      const worst = Math.max(...c.map((v, j) => Math.abs(v - g[j]!)));
      expect(worst, `output ${i}`).toBeLessThan(1e-4);
    }
    expect(wasm[1] as number).toBeCloseTo(cpu[1] as number, 2);
    // And on wasm it really ran as six 2-D products.
    const info = await tf.profile(() => matmul(tf.tensor(a, aShape), tf.tensor(b, bShape)));
    const products = info.kernels.filter((k) => k.name === 'BatchMatMul');
    expect(products.map((k) => k.inputShapes)).toEqual(
      Array(6).fill([
        [64, 32],
        [32, 64],
      ]),
    );
    tf.dispose(info.result);
  });

  it('leaks no tensors', async () => {
    await useBackend('wasm');
    const a = tf.randomNormal([4, 64, 64]);
    const b = tf.randomNormal([4, 64, 32]);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matmul(x, y)))(
      [a, b],
    );
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
