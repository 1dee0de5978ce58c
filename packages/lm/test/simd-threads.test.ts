// The kernels on two threads (src/kernels/pool.ts: workers on tfjs-wasm's shared memory): every
// product, norm and attention gives the single-thread result, job after job (a race between the
// threads, or a kernel that spills to the stack both instances share, shows up as a wrong tile),
// and the bottom of tfjs's memory, which no kernel may write, stays untouched.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import {
  fusedAttention,
  fusedLayerNorm,
  fusedMatMul,
  rowsLayout,
  simdKernelsActive,
} from '../src/kernels/index.js';
import { kernelsOf } from '../src/kernels/module.js';

/** a @ b by the textbook loop, in float64. */
function product(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let l = 0; l < k; l++) {
      const x = a[i * k + l]!;
      for (let j = 0; j < n; j++) out[i * n + j]! += x * b[l * n + j]!;
    }
  return out;
}

describe('the kernels on two threads', () => {
  beforeAll(async () => {
    const choice = await selectBackend({ backend: 'wasm', threads: 2 });
    expect(choice.threads).toBe(2);
    expect(simdKernelsActive()).toBe(true);
    expect(kernelsOf(tf.backend()).threads).toBe(2);
  });

  it.each([
    [9, 128, 2048], // a tail row below the last full panel of 4
    [37, 50, 300],
    [192, 160, 224],
  ])('a %i x %i x %i product is right on every one of 60 calls, in all three forms', (m, k, n) => {
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
    const at = tf.transpose(a);
    const bt = tf.transpose(b);
    const want = product(a.dataSync(), b.dataSync(), m, k, n);
    let worst = 0;
    for (let r = 0; r < 60; r++) {
      const y =
        r % 3 === 0
          ? fusedMatMul(a as tf.Tensor2D, b as tf.Tensor2D)
          : r % 3 === 1
            ? fusedMatMul(at as tf.Tensor2D, b as tf.Tensor2D, { transposeA: true })
            : fusedMatMul(a as tf.Tensor2D, bt as tf.Tensor2D, { transposeB: true });
      const got = y.dataSync();
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      y.dispose();
    }
    expect(worst).toBeLessThan(1e-5 * Math.sqrt(k) * 4);
    tf.dispose([a, b, at, bt]);
  });

  it('norms and attention give the same numbers on every call (their sums do not depend on threads)', () => {
    const x = tf.randomNormal([300, 96], 0, 2, 'float32', 3);
    const w = tf.randomNormal([96], 1, 0.2, 'float32', 4);
    const b = tf.randomNormal([96], 0, 0.2, 'float32', 5);
    const qkv = tf.randomNormal([4 * 33, 3 * 64], 0, 1, 'float32', 6);
    const bias = tf.zeros([4, 1, 33, 33]);
    const attrs = {
      batch: 4,
      time: 33,
      keys: 33,
      heads: 4,
      kvHeads: 4,
      headDim: 16,
      scale: 0.25,
      cap: 0,
      q: rowsLayout('qkv', 33, 192, 0, 16),
      k: rowsLayout('qkv', 33, 192, 64, 16),
      v: rowsLayout('qkv', 33, 192, 128, 16),
    };
    const once = () =>
      tf.tidy(() => {
        const [gx, gw] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
          tf.sum(tf.square(fusedLayerNorm(p, q, b, 1e-5))),
        )([x, w]);
        const [gq] = tf.grads((z: tf.Tensor) =>
          tf.sum(tf.square(fusedAttention({ qkv: z }, bias, attrs))),
        )([qkv]);
        return [gx!.dataSync(), gw!.dataSync(), gq!.dataSync()];
      });
    const first = once();
    for (let r = 0; r < 20; r++) {
      once().forEach((g, i) => {
        expect(Array.from(g), `output ${i}, call ${r}`).toEqual(Array.from(first[i]!));
      });
    }
    tf.dispose([x, w, b, qkv, bias]);
  });

  it("writes nothing below address 1024 of tfjs's memory (where a kernel's stack would be)", () => {
    const kern = kernelsOf(tf.backend());
    const low = () => new Uint8Array(kern.memory.buffer as ArrayBuffer, 0, 1024).slice();
    const before = low();
    const a = tf.randomNormal([13, 70], 0, 1, 'float32', 7);
    const b = tf.randomNormal([70, 9], 0, 1, 'float32', 8);
    tf.tidy(() =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) =>
        tf.sum(fusedMatMul(p as tf.Tensor2D, q as tf.Tensor2D)),
      )([a, b]),
    );
    expect(Array.from(low())).toEqual(Array.from(before));
    tf.dispose([a, b]);
  });
});
