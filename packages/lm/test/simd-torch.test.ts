// The wasm SIMD kernels (src/kernels/) against PyTorch 1.13 (scripts/kernel_fixtures.py) on slices
// of the shapes of the default model, GPT-2-small, Llama-3.2-1B and Gemma-2B: values and the
// gradients of sum(output * r), with inputs regenerated here bit for bit from the fixture's seeds.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../src/adamw.js';
import {
  fusedAddLayerNorm,
  fusedAddRmsNorm,
  fusedAttention,
  fusedEntropy,
  fusedGated,
  fusedGeluTanh,
  fusedLayerNorm,
  fusedLogSoftmaxPick,
  fusedMatMul,
  fusedRmsNorm,
  type GatedKind,
  rowsLayout,
  simdKernelsActive,
} from '../src/kernels/index.js';
import { FIXTURES, useBackend } from './helpers.js';

interface Stored {
  offset: number;
  count: number;
  stride: number;
  size: number;
}
interface Case {
  name: string;
  kernel: string;
  params: Record<string, unknown>;
  seed: number;
  inputs: Record<string, { shape: number[]; scale: number }>;
  value: Stored;
  grads: Record<string, Stored>;
  steps?: { p: Stored; q: Stored }[];
}

const dir = join(FIXTURES, 'kernels');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { cases: Case[] };
const blob = readFileSync(join(dir, 'values.bin'));
const values = new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);

/** The fixture script's xorshift32 floats in [-scale, scale). */
export function xorshift(seed: number, n: number, scale = 1): Float32Array {
  let x = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (((x >>> 8) / 16777216) * 2 - 1) * scale;
  }
  return out;
}

/** Additive bias [b, 1, t, t] of a left-padded causal mask, as the model builds it. */
function bias(mask: number[][], t: number): tf.Tensor4D {
  const b = mask.length;
  const out = new Float32Array(b * t * t).fill(-1e9);
  for (let i = 0; i < b; i++)
    for (let q = 0; q < t; q++)
      for (let k = 0; k <= q; k++) if (mask[i]![k]) out[(i * t + q) * t + k] = 0;
  return tf.tensor4d(out, [b, 1, t, t]);
}

/** The op under test, by the fixture's kernel name. */
function op(c: Case): (...xs: tf.Tensor[]) => tf.Tensor {
  const p = c.params as Record<string, number> & {
    kind: GatedKind;
    mask: number[][];
    targets: number[];
  };
  switch (c.kernel) {
    case 'linear':
      return (x, w, b) =>
        fusedMatMul(x as tf.Tensor2D, w as tf.Tensor2D, { bias: b as tf.Tensor1D });
    case 'head':
      return (x, t) => fusedMatMul(x as tf.Tensor2D, t as tf.Tensor2D, { transposeB: true });
    case 'layerNorm':
      return (x, w, b) => fusedLayerNorm(x!, w!, b!, p.eps);
    case 'addLayerNorm':
      return (x, d, w, b) => {
        const r = fusedAddLayerNorm(x!, d!, w!, b!, p.eps);
        return tf.concat([r.y, tf.mul(r.sum, 0.5)], 1);
      };
    case 'rmsNorm':
      return (x, w) => fusedRmsNorm(x!, w!, p.eps, p.offset);
    case 'addRmsNorm':
      return (x, d, w) => {
        const r = fusedAddRmsNorm(x!, d!, w!, p.eps, p.offset);
        return tf.concat([r.y, tf.mul(r.sum, 0.5)], 1);
      };
    case 'gelu':
      return (x) => fusedGeluTanh(x!);
    case 'gated':
      return (g, u) => fusedGated(g!, u!, p.kind);
    case 'pick':
      return (l) => fusedLogSoftmaxPick(l as tf.Tensor2D, tf.tensor1d(p.targets, 'int32'));
    case 'entropy':
      return (l) => fusedEntropy(l!);
    case 'attentionPacked':
    case 'attention': {
      const { batch: b, time: t, heads: h, kvHeads: hkv, headDim: hd, scale, cap } = p;
      const attrs = { batch: b, time: t, keys: t, heads: h, kvHeads: hkv, headDim: hd, scale, cap };
      const d = h * hd;
      if (c.kernel === 'attentionPacked') {
        return (qkv) =>
          fusedAttention({ qkv }, bias(p.mask, t), {
            ...attrs,
            q: rowsLayout('qkv', t, 3 * d, 0, hd),
            k: rowsLayout('qkv', t, 3 * d, d, hd),
            v: rowsLayout('qkv', t, 3 * d, 2 * d, hd),
          });
      }
      return (q, k, v) =>
        fusedAttention({ q, k, v }, bias(p.mask, t), {
          ...attrs,
          q: rowsLayout('q', t, d, 0, hd),
          k: rowsLayout('k', t, hkv * hd, 0, hd),
          v: rowsLayout('v', t, hkv * hd, 0, hd),
        });
    }
    default:
      throw new Error(`unknown kernel ${c.kernel}`);
  }
}

/** Compares the stored (strided) values of a reference with ours, relative to the reference's scale. */
function expectClose(got: ArrayLike<number>, ref: Stored, what: string, tol: number) {
  expect(got.length, what).toBe(ref.size);
  const want = values.subarray(ref.offset, ref.offset + ref.count);
  let scale = 0;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  let worst = 0;
  for (let i = 0; i < ref.count; i++) {
    worst = Math.max(worst, Math.abs(got[i * ref.stride]! - want[i]!));
  }
  expect(
    worst / Math.max(scale, 1e-30),
    `${what}: max |diff| ${worst}, max |ref| ${scale}`,
  ).toBeLessThan(tol);
}

describe('wasm SIMD kernels against PyTorch', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(simdKernelsActive()).toBe(true);
  });

  const cases = manifest.cases.filter((c) => c.kernel !== 'adamw');
  it('covers every kernel on the four model shapes', () => {
    expect(new Set(cases.map((c) => c.name.split(' ')[0])).size).toBe(4);
    for (const k of [
      'linear',
      'head',
      'layerNorm',
      'rmsNorm',
      'gelu',
      'gated',
      'pick',
      'attention',
      'attentionPacked',
    ]) {
      expect(
        cases.some((c) => c.kernel === k),
        k,
      ).toBe(true);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const f = op(c);
    const inputs = Object.values(c.inputs).map(({ shape, scale }, i) =>
      tf.tensor(xorshift(c.seed + 7919 * i, tf.util.sizeFromShape(shape), scale), shape),
    );
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const y = f(...inputs);
      // torch's float32 sums over 128k-256k logits (pick, entropy) stray by a few ulps of the
      // log-sum-exp; the kernel sums in float64.
      expectClose(y.dataSync(), c.value, 'value', 2e-6);
      const r = tf.tensor(xorshift(c.seed + 104729, y.size), y.shape);
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
      // torch sums a row's 128k-256k exponentials in float32, the kernel in float64: the log-sum-exp
      // of the large vocabularies differs by a few of its ulps, and every softmax entry with it.
      const tol = c.kernel === 'pick' || c.kernel === 'entropy' ? 5e-5 : 1e-5;
      Object.keys(c.inputs).forEach((name, i) => {
        expectClose(grads[i]!.dataSync(), c.grads[name]!, `gradient of ${name}`, tol);
      });
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(inputs);
  });

  it('AdamW (every variable in one kernel call) follows torch.optim.AdamW for three steps', () => {
    const c = manifest.cases.find((x) => x.kernel === 'adamw')!;
    const s = c.params as Record<string, number>;
    const vars = [
      tf.variable(tf.tensor2d(xorshift(9001, 300, 0.5), [6, 50])),
      tf.variable(tf.tensor1d(xorshift(9002, 70, 0.5))),
    ];
    const opt = new AdamW(vars, {
      learningRate: s.lr,
      beta1: s.beta1,
      beta2: s.beta2,
      epsilon: s.eps,
      weightDecay: s.weightDecay,
    });
    expect(opt.onHost).toBe(false);
    c.steps!.forEach((want, step) => {
      const grads = [
        tf.tensor2d(xorshift(9100 + step, 300), [6, 50]),
        tf.tensor1d(xorshift(9200 + step, 70)),
      ];
      opt.step(grads);
      tf.dispose(grads);
      expectClose(vars[0]!.dataSync(), want.p, `step ${step + 1}, matrix`, 2e-6);
      expectClose(vars[1]!.dataSync(), want.q, `step ${step + 1}, vector`, 2e-6);
    });
    opt.dispose();
    tf.dispose(vars);
  });
});
