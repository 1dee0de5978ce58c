// The wasm SIMD kernels (src/kernels/, csrc/) against the composed tfjs ops they replace, on the
// same backend: values and gradients on shapes whose sizes are not multiples of the SIMD tiles,
// attention with padding, grouped and multi-query heads, soft-capping and a KV cache's layout; no
// leaked tensors; and the built binaries' shape (no data, nothing imported but tfjs's memory).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  fusedAddLayerNorm,
  fusedAddRmsNorm,
  fusedAttention,
  fusedEmbed,
  fusedEntropy,
  fusedGated,
  fusedGeluTanh,
  fusedLayerNorm,
  fusedLogSoftmaxPick,
  fusedMatMul,
  fusedRmsNorm,
  headsLayout,
  rowsLayout,
  useSimdKernels,
} from '../src/kernels/index.js';
import { kernelsOf } from '../src/kernels/module.js';
import { attention, geluTanh, layerNorm, pickLogProbs, rmsNorm } from '../src/ops.js';
import { maxAbsDiff, useBackend } from './helpers.js';

/** Value and gradients of sum(f * r) of the kernel op and of the composed one, and their scale. */
function compare(
  kernel: (...xs: tf.Tensor[]) => tf.Tensor,
  composed: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
): { value: number; grads: number[] } {
  const run = (f: (...xs: tf.Tensor[]) => tf.Tensor, simd: boolean) => {
    useSimdKernels(simd);
    return tf.tidy(() => {
      const y = f(...inputs);
      const r = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
      return { y: y.dataSync(), grads: grads.map((g) => g.dataSync()) };
    });
  };
  const a = run(kernel, true);
  const b = run(composed, false);
  useSimdKernels(true);
  const rel = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let scale = 1e-30;
    for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]!));
    return maxAbsDiff(x, y) / scale;
  };
  return { value: rel(a.y, b.y), grads: a.grads.map((g, i) => rel(g, b.grads[i]!)) };
}

function expectAgree(r: { value: number; grads: number[] }, tol = 2e-6) {
  expect(r.value, 'value').toBeLessThan(tol);
  r.grads.forEach((g, i) => {
    expect(g, `gradient ${i}`).toBeLessThan(5 * tol);
  });
}

const randn = (shape: number[], seed: number, scale = 1) =>
  tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);

/** The additive bias [b, 1, t, past + t] of left-padded rows, as mask.ts builds it. */
function biasOf(mask: number[][], t: number): tf.Tensor4D {
  const s = mask[0]!.length;
  const out = new Float32Array(mask.length * t * s).fill(-1e9);
  mask.forEach((row, i) => {
    for (let q = 0; q < t; q++)
      for (let k = 0; k <= s - t + q; k++) if (row[k]) out[(i * t + q) * s + k] = 0;
  });
  return tf.tensor4d(out, [mask.length, 1, t, s]);
}

/** [b * t, n * hd] rows -> [b, n, t, hd] (what splitHeads does). */
const heads = (x: tf.Tensor, b: number, t: number, n: number, hd: number) =>
  tf.transpose(tf.reshape(x, [b, t, n, hd]), [0, 2, 1, 3]) as tf.Tensor4D;

describe('wasm SIMD kernels against the composed tfjs ops', () => {
  beforeAll(() => useBackend('wasm'));
  afterEach(() => useSimdKernels(true));

  it.each([
    [3, 5, 7], // below the packed path: direct tiles and their tails
    [37, 50, 29],
    [64, 300, 40], // two K blocks of the packed path
    [9, 128, 2048],
  ])('matrix products %i x %i x %i, plain and with either operand transposed', (m, k, n) => {
    const a = randn([m, k], 1);
    const b = randn([k, n], 2);
    const bias = randn([n], 3);
    const at = tf.transpose(a);
    const bt = tf.transpose(b);
    const tol = 1e-6 * Math.sqrt(k);
    expectAgree(
      compare(
        (x, y, z) => fusedMatMul(x as tf.Tensor2D, y as tf.Tensor2D, { bias: z as tf.Tensor1D }),
        (x, y, z) => tf.add(tf.matMul(x!, y!), z!),
        [a, b, bias],
      ),
      tol,
    );
    expectAgree(
      compare(
        (x, y) => fusedMatMul(x as tf.Tensor2D, y as tf.Tensor2D, { transposeB: true }),
        (x, y) => tf.matMul(x!, y!, false, true),
        [a, bt],
      ),
      tol,
    );
    expectAgree(
      compare(
        (x, y) => fusedMatMul(x as tf.Tensor2D, y as tf.Tensor2D, { transposeA: true }),
        (x, y) => tf.matMul(x!, y!, true, false),
        [at, b],
      ),
      tol,
    );
    tf.dispose([a, b, bias, at, bt]);
  });

  it('LayerNorm and RMSNorm (plain and Gemma 1 + w), with and without the residual add', () => {
    const x = tf.add(randn([13, 70], 4, 3), 1);
    const delta = randn([13, 70], 5);
    const w = tf.add(randn([70], 6, 0.3), 1);
    const b = randn([70], 7, 0.5);
    expectAgree(
      compare(
        (a, c, d) => fusedLayerNorm(a!, c!, d!, 1e-5),
        (a, c, d) => layerNorm(a!, c!, d!, 1e-5),
        [x, w, b],
      ),
    );
    expectAgree(
      compare(
        (a, c) => fusedRmsNorm(a!, c!, 1e-6),
        (a, c) => rmsNorm(a!, c!, 1e-6),
        [x, w],
      ),
    );
    expectAgree(
      compare(
        (a, c) => fusedRmsNorm(a!, c!, 1e-6, 1),
        (a, c) => rmsNorm(a!, tf.add(c!, 1), 1e-6),
        [x, w],
      ),
    );
    // Both outputs of the residual forms carry gradient (the sum feeds the next residual).
    const both = (r: { sum: tf.Tensor; y: tf.Tensor }) => tf.add(r.y, tf.mul(r.sum, 0.3));
    expectAgree(
      compare(
        (a, e, c, d) => both(fusedAddLayerNorm(a!, e!, c!, d!, 1e-5)),
        (a, e, c, d) => {
          const sum = tf.add(a!, e!);
          return both({ sum, y: layerNorm(sum, c!, d!, 1e-5) });
        },
        [x, delta, w, b],
      ),
    );
    expectAgree(
      compare(
        (a, e, c) => both(fusedAddRmsNorm(a!, e!, c!, 1e-6, 1)),
        (a, e, c) => {
          const sum = tf.add(a!, e!);
          return both({ sum, y: rmsNorm(sum, tf.add(c!, 1), 1e-6) });
        },
        [x, delta, w],
      ),
    );
    tf.dispose([x, delta, w, b]);
  });

  it('GELU (tanh form), GeGLU and SwiGLU', () => {
    const g = randn([7, 33], 8, 3);
    const u = randn([7, 33], 9);
    expectAgree(
      compare(
        (a) => fusedGeluTanh(a!),
        (a) => geluTanh(a!),
        [g],
      ),
    );
    expectAgree(
      compare(
        (a, c) => fusedGated(a!, c!, 'geluTanh'),
        (a, c) => tf.mul(geluTanh(a!), c!),
        [g, u],
      ),
    );
    expectAgree(
      compare(
        (a, c) => fusedGated(a!, c!, 'silu'),
        (a, c) => tf.mul(tf.mul(a!, tf.sigmoid(a!)), c!),
        [g, u],
      ),
    );
    tf.dispose([g, u]);
  });

  it('the embedding lookup, scaled and with learned positions, repeated ids summed backward', () => {
    const table = randn([11, 20], 21);
    const positions = randn([7, 20], 22);
    const ids = tf.tensor1d([3, 0, 3, 10, 5, 3], 'int32');
    const pos = tf.tensor1d([0, 1, 2, 0, 1, 6], 'int32');
    const gathered = (t: tf.Tensor, i: tf.Tensor1D) => tf.matMul(tf.oneHot(i, t.shape[0]!), t); // differentiable on wasm without UnsortedSegmentSum
    expectAgree(
      compare(
        (t, p) =>
          fusedEmbed(t as tf.Tensor2D, ids, { positions: { table: p as tf.Tensor2D, ids: pos } }),
        (t, p) => tf.add(gathered(t!, ids), gathered(p!, pos)),
        [table, positions],
      ),
    );
    expectAgree(
      compare(
        (t) => fusedEmbed(t as tf.Tensor2D, ids, { scale: 45.25 }),
        (t) => tf.mul(gathered(t!, ids), 45.25),
        [table],
      ),
    );
    tf.dispose([table, positions, ids, pos]);
  });

  it('the log-softmax of the targets', () => {
    const logits = randn([9, 301], 10, 5);
    const targets = tf.tensor1d([0, 300, 4, 4, 17, 9, 2, 25, 11], 'int32');
    expectAgree(
      compare(
        (l) => fusedLogSoftmaxPick(l as tf.Tensor2D, targets),
        (l) => pickLogProbs(l as tf.Tensor2D, targets),
        [logits],
      ),
    );
    tf.dispose([logits, targets]);
  });

  it('the entropy of the softmax of each row: float64 values, the composed gradient', () => {
    const logits = randn([4, 3, 301], 20, 5);
    const x = logits.dataSync();
    const got = tf.tidy(() => fusedEntropy(logits).dataSync());
    for (let r = 0; r < 12; r++) {
      const row = Array.from(x.subarray(r * 301, (r + 1) * 301));
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      const h = -row.reduce((s, v) => s + Math.exp(v - lse) * (v - lse), 0);
      expect(Math.abs(got[r]! - h)).toBeLessThan(2e-6 * Math.max(1, h));
    }
    const composed = (l: tf.Tensor) => {
      const logp = tf.logSoftmax(l);
      return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1));
    };
    expectAgree(
      compare(
        (l) => fusedEntropy(l!),
        (l) => composed(l!),
        [logits],
      ),
      1e-5,
    );
    logits.dispose();
  });

  // Row 0's first two queries see no key at all (left padding): both sides give them uniform weights.
  const mask = [
    [0, 0, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1],
    [0, 1, 1, 1, 1, 1, 1],
  ];
  const [B, T] = [3, 7];

  it.each([0, 2.5])('attention on GPT-2 packed q, k, v (soft-cap %f)', (cap) => {
    const [h, hd] = [4, 16];
    const d = h * hd;
    const qkv = randn([B * T, 3 * d], 11);
    const bias = biasOf(mask, T);
    const attrs = {
      batch: B,
      time: T,
      keys: T,
      heads: h,
      kvHeads: h,
      headDim: hd,
      scale: 0.25,
      cap,
    };
    expectAgree(
      compare(
        (z) =>
          fusedAttention({ qkv: z! }, bias, {
            ...attrs,
            q: rowsLayout('qkv', T, 3 * d, 0, hd),
            k: rowsLayout('qkv', T, 3 * d, d, hd),
            v: rowsLayout('qkv', T, 3 * d, 2 * d, hd),
          }),
        (z) => {
          const [q, k, v] = tf.split(z!, 3, 1).map((p) => heads(p, B, T, h, hd));
          return attention(q!, k!, v!, bias, 0.25, cap || undefined);
        },
        [qkv],
      ),
    );
    tf.dispose([qkv, bias]);
  });

  it.each([
    [8, 2, 24],
    [4, 1, 40], // multi-query, as Gemma-2B
  ])('attention with %i query heads on %i key heads (head size %i), rows layout', (h, hkv, hd) => {
    const q = randn([B * T, h * hd], 12);
    const k = randn([B * T, hkv * hd], 13);
    const v = randn([B * T, hkv * hd], 14);
    const bias = biasOf(mask, T);
    const attrs = {
      batch: B,
      time: T,
      keys: T,
      heads: h,
      kvHeads: hkv,
      headDim: hd,
      scale: 0.3,
      cap: 0,
    };
    expectAgree(
      compare(
        (a, c, e) =>
          fusedAttention({ q: a!, k: c!, v: e! }, bias, {
            ...attrs,
            q: rowsLayout('q', T, h * hd, 0, hd),
            k: rowsLayout('k', T, hkv * hd, 0, hd),
            v: rowsLayout('v', T, hkv * hd, 0, hd),
          }),
        (a, c, e) =>
          attention(
            heads(a!, B, T, h, hd),
            heads(c!, B, T, hkv, hd),
            heads(e!, B, T, hkv, hd),
            bias,
            0.3,
          ),
        [q, k, v],
      ),
    );
    tf.dispose([q, k, v, bias]);
  });

  it("attention of new queries on a KV cache's [b, h, past + t, hd] keys", () => {
    const [h, hkv, hd, t] = [4, 2, 8, 2];
    const q = randn([B, h, t, hd], 15);
    const k = randn([B, hkv, T, hd], 16);
    const v = randn([B, hkv, T, hd], 17);
    const bias = biasOf(mask, t);
    const attrs = {
      batch: B,
      time: t,
      keys: T,
      heads: h,
      kvHeads: hkv,
      headDim: hd,
      scale: 0.35,
      cap: 0,
    };
    useSimdKernels(true);
    const got = tf.tidy(() =>
      fusedAttention({ q, k, v }, bias, {
        ...attrs,
        q: headsLayout('q', h, t, hd),
        k: headsLayout('k', hkv, T, hd),
        v: headsLayout('v', hkv, T, hd),
      }).dataSync(),
    );
    useSimdKernels(false);
    const want = tf.tidy(() =>
      attention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, bias, 0.35).dataSync(),
    );
    expect(maxAbsDiff(got, want)).toBeLessThan(2e-6);
    tf.dispose([q, k, v, bias]);
  });

  it('leaves no tensors behind, forward or backward, and writes nothing below address 1024', () => {
    // A kernel that spilled to the stack would write just below 1024 of tfjs's memory (the
    // module's stack pointer starts there): the build script refuses such a binary, this checks it.
    const memory = kernelsOf(tf.backend()).memory;
    const low = () => Array.from(new Uint8Array(memory.buffer as ArrayBuffer, 0, 1024));
    const untouched = low();
    const x = randn([6, 16], 18);
    const w = tf.ones([16]);
    const b = tf.zeros([16]);
    const wl = randn([16, 48], 19);
    const bias = biasOf(
      [
        [1, 1, 1],
        [0, 1, 1],
      ],
      3,
    ) as tf.Tensor;
    const targets = tf.tensor1d([1, 2, 3, 4, 5, 6], 'int32');
    const loss = (a: tf.Tensor) => {
      const n = fusedAddLayerNorm(a, a, w, b, 1e-5);
      const qkv = fusedMatMul(n.y as tf.Tensor2D, wl as tf.Tensor2D);
      const att = fusedAttention({ qkv }, bias, {
        batch: 2,
        time: 3,
        keys: 3,
        heads: 2,
        kvHeads: 2,
        headDim: 8,
        scale: 0.3,
        cap: 0,
        q: rowsLayout('qkv', 3, 48, 0, 8),
        k: rowsLayout('qkv', 3, 48, 16, 8),
        v: rowsLayout('qkv', 3, 48, 32, 8),
      });
      const hidden = fusedRmsNorm(fusedGated(att, n.sum, 'silu'), w, 1e-6);
      return tf.sum(fusedLogSoftmaxPick(fusedGeluTanh(hidden) as tf.Tensor2D, targets));
    };
    const before = tf.memory().numTensors;
    tf.tidy(() => loss(x)).dispose();
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor) => loss(a))([x]);
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    expect(low()).toEqual(untouched);
    tf.dispose([x, w, b, wl, bias, targets]);
  });
});

/** The parts of the WebAssembly global used here (the project's libs carry no DOM types). */
interface ModuleStatics {
  new (bytes: Uint8Array): object;
  imports(m: object): { module: string; name: string; kind: string }[];
  exports(m: object): { name: string; kind: string }[];
}
const WA = (globalThis as unknown as { WebAssembly: { Module: ModuleStatics } }).WebAssembly;

describe('the built kernels (assets/wasm)', () => {
  it.each(['va-kernels.wasm', 'va-kernels-threads.wasm'])(
    '%s has no data segment and imports only the memory',
    (name) => {
      const bytes = readFileSync(fileURLToPath(new URL(`../assets/wasm/${name}`, import.meta.url)));
      const module = new WA.Module(bytes);
      expect(WA.Module.imports(module)).toEqual([
        { module: 'env', name: 'memory', kind: 'memory' },
      ]);
      expect(
        WA.Module.exports(module)
          .map((e) => e.name)
          .sort(),
      ).toEqual(['abi_version', 'run']);
      // Section ids after the 8-byte header: 11 (data) and 12 (data count) must be absent.
      const ids: number[] = [];
      for (let p = 8; p < bytes.length; ) {
        ids.push(bytes[p]!);
        let size = 0;
        let shift = 0;
        let byte: number;
        p++;
        do {
          byte = bytes[p++]!;
          size += (byte & 0x7f) * 2 ** shift;
          shift += 7;
        } while (byte & 0x80);
        p += size;
      }
      expect(ids).toContain(10);
      expect(ids.filter((id) => id === 11 || id === 12)).toEqual([]);
    },
  );
});
