// The fused wasm kernels (src/wasm-fused.ts) against the composed tfjs ops they replace: values and
// gradients on random inputs, no leaked tensors, and the rational tanh against Math.tanh.

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { geluTanh, layerNorm, pickLogProbs } from '../src/ops.js';
import { fastTanh, fusedKernelsActive, useFusedKernels } from '../src/wasm-fused.js';
import { maxAbsDiff, useBackend } from './helpers.js';

/** Value and gradients (of sum(f * r), r fixed random) with the fused kernels on, then off. */
function bothWays(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  const run = (fused: boolean) => {
    useFusedKernels(fused);
    expect(fusedKernelsActive()).toBe(fused);
    return tf.tidy(() => {
      const y = f(...inputs);
      const r = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
      return { y: y.dataSync(), grads: grads.map((g) => g.dataSync()) };
    });
  };
  const fused = run(true);
  const plain = run(false);
  useFusedKernels(true);
  return { fused, plain };
}

describe('fused wasm kernels', () => {
  beforeAll(() => useBackend('wasm'));
  afterEach(() => useFusedKernels(true));

  it('GELU (tanh form) and its gradient match the float64 formula and its derivative', () => {
    useFusedKernels(true);
    const x = tf.mul(tf.randomNormal([6, 50], 0, 1, 'float32', 1), 4);
    const [y, dx] = tf.tidy(() => [
      geluTanh(x).dataSync(),
      tf
        .grad((a: tf.Tensor) => tf.sum(geluTanh(a)))(x)
        .dataSync(),
    ]);
    const c = Math.sqrt(2 / Math.PI);
    const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v ** 3)));
    x.dataSync().forEach((v, i) => {
      const want = gelu(v);
      // Central difference in float64: independent of the derivative the kernel implements.
      const slope = (gelu(v + 1e-6) - gelu(v - 1e-6)) / 2e-6;
      expect(Math.abs(y![i]! - want)).toBeLessThan(2e-6 * Math.max(1, Math.abs(want)));
      expect(Math.abs(dx![i]! - slope)).toBeLessThan(1e-5);
    });
    x.dispose();
  });

  it('LayerNorm and its three gradients match the composed ops', () => {
    const x = tf.add(tf.mul(tf.randomNormal([3, 5, 24], 0, 1, 'float32', 2), 3), 1);
    const w = tf.randomNormal([24], 1, 0.5, 'float32', 3);
    const b = tf.randomNormal([24], 0, 0.5, 'float32', 4);
    const { fused, plain } = bothWays((a, c, d) => layerNorm(a!, c!, d!, 1e-5), [x, w, b]);
    expect(maxAbsDiff(fused.y, plain.y)).toBeLessThan(1e-5);
    for (let i = 0; i < 3; i++) {
      expect(maxAbsDiff(fused.grads[i]!, plain.grads[i]!), `gradient ${i}`).toBeLessThan(1e-4);
    }
    tf.dispose([x, w, b]);
  });

  it('the log-softmax of targets and its gradient match the composed ops', () => {
    const logits = tf.mul(tf.randomNormal([9, 31], 0, 1, 'float32', 5), 5);
    const targets = tf.tensor1d([0, 30, 4, 4, 17, 9, 2, 25, 11], 'int32');
    const { fused, plain } = bothWays((a) => pickLogProbs(a as tf.Tensor2D, targets), [logits]);
    expect(maxAbsDiff(fused.y, plain.y)).toBeLessThan(1e-5);
    expect(maxAbsDiff(fused.grads[0]!, plain.grads[0]!)).toBeLessThan(1e-6);
    tf.dispose([logits, targets]);
  });

  it('leaves no tensors behind, forward or backward', () => {
    const x = tf.randomNormal([4, 16], 0, 1, 'float32', 6);
    const w = tf.ones([16]);
    const b = tf.zeros([16]);
    const targets = tf.tensor1d([1, 2, 3, 4], 'int32');
    const before = tf.memory().numTensors;
    const loss = (a: tf.Tensor) =>
      tf.sum(pickLogProbs(geluTanh(layerNorm(a, w, b, 1e-5)) as tf.Tensor2D, targets));
    tf.tidy(() => loss(x)).dispose();
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor) => loss(a))([x]);
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, targets]);
  });

  it('fastTanh is within 3e-7 of Math.tanh, and exact at 0 and odd', () => {
    let worst = 0;
    for (let x = -12; x <= 12; x += 1e-3) {
      worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
      expect(fastTanh(-x)).toBe(-fastTanh(x));
    }
    expect(worst).toBeLessThan(3e-7);
    expect(fastTanh(0)).toBe(0);
  });
});
