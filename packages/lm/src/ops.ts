// Tensor building blocks of both architectures, with backward passes that every tfjs backend runs
// fast and that wasm 4.22 has kernels for (no transposed matmuls, no UnsortedSegmentSum).

import * as tf from '@tensorflow/tfjs';
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
  simdKernelsActive,
} from './kernels/index.js';
import { ensureWasmKernels } from './wasm-kernels.js';

/** Swaps the last two axes. */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return tf.transpose(x, perm);
}

/**
 * Per-matrix work (m * k * n multiply-adds) from which wasm multiplies a batch faster as separate
 * 2-D products: its batched kernel runs at about 1.3 GFLOP/s, its 2-D one (XNNPACK) at 15-20.
 * Measured crossover: 32k (64 products of 32 x 32 x 32); at 512k (attention of the default model
 * in training) the loop is 3.5-4.5x faster, below 8k it is 3-20x slower (per-op overhead).
 */
export const WASM_LOOP_MIN_WORK = 65_536;

/**
 * `a @ b` with plain (untransposed) operands of equal rank and batch axes. On wasm, a batch of
 * large enough matrices runs as one 2-D product per matrix (slices cost their output only, see
 * wasm-kernels.ts).
 */
function product(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const r = a.rank;
  const [m, k] = a.shape.slice(r - 2) as [number, number];
  const n = b.shape[r - 1]!;
  const count = a.size / (m * k);
  if (r < 3 || count < 2 || m * k * n < WASM_LOOP_MIN_WORK || tf.getBackend() !== 'wasm') {
    return tf.matMul(a, b);
  }
  ensureWasmKernels();
  return tf.tidy(() => {
    const as = tf.split(tf.reshape(a, [count * m, k]), count, 0);
    const bs = tf.split(tf.reshape(b, [count * k, n]), count, 0);
    const parts = as.map((x, i) => tf.matMul(x, bs[i]!));
    return tf.reshape(tf.concat(parts, 0), [...a.shape.slice(0, r - 1), n]);
  });
}

/**
 * `a @ b` for tensors of equal rank and equal batch axes. tfjs's own matMul gradient multiplies with
 * transposed operands, which the wasm backend runs 10-30x slower than a plain product; this one
 * transposes explicitly (a copy) and multiplies plainly.
 */
export const matmul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: product(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      // tidy frees the transposed copies now, not at the end of the whole backward pass.
      return tf.tidy(() => [product(dy, swapLast(sb)), product(swapLast(sa), dy)]);
    },
  };
}) as <R extends tf.Rank>(a: tf.Tensor<R>, b: tf.Tensor<R>) => tf.Tensor<R>;

/** `x @ w (+ b)`: x [n, in], w [in, out] (the layout of GPT-2's Conv1D), b [out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (simdKernelsActive()) return fusedMatMul(x, w, b ? { bias: b } : {});
  const y = matmul(x, w);
  return b ? tf.add(y, b) : y;
}

/**
 * Rows of `table` [v, d] at `ids` [n] -> [n, d], times `scale` (Gemma), plus rows of a position
 * table (GPT-2's learned positions): one kernel on wasm. Elsewhere the gradient scatters with
 * ScatterNd (which sums repeated ids) instead of tfjs's UnsortedSegmentSum, which wasm lacks.
 */
export function embed(
  table: tf.Tensor2D,
  ids: tf.Tensor1D,
  options: { scale?: number; positions?: { table: tf.Tensor2D; ids: tf.Tensor1D } } = {},
): tf.Tensor2D {
  if (simdKernelsActive()) return fusedEmbed(table, ids, options);
  const { scale, positions } = options;
  let x = lookup(table, ids);
  if (scale !== undefined && scale !== 1) x = tf.mul(x, scale);
  return positions ? tf.add(x, lookup(positions.table, positions.ids)) : x;
}

function lookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const shape = table.shape;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([ids]); // kept until the backward pass (the caller's tidy may free `ids` before it)
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.scatterND(tf.expandDims(saved[0]!, 1), dy, shape),
    };
  });
  return op(table) as tf.Tensor2D;
}

/**
 * Logits `h @ table^T`: h [n, d], table [v, d] (tied or untied head, Hugging Face's layout).
 * `tableT` [d, v] may be passed when the caller has the transpose already (generation).
 */
export function head(h: tf.Tensor2D, table: tf.Tensor2D, tableT?: tf.Tensor2D): tf.Tensor2D {
  if (simdKernelsActive()) {
    return tableT ? fusedMatMul(h, tableT) : fusedMatMul(h, table, { transposeB: true });
  }
  if (tableT) return tf.matMul(h, tableT);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, t, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, t]);
    return {
      value: tf.matMul(x, tf.transpose(t)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, st] = saved as [tf.Tensor, tf.Tensor];
        return tf.tidy(() => [tf.matMul(dy, st), tf.matMul(tf.transpose(dy), sx)]);
      },
    };
  });
  return op(h, table) as tf.Tensor2D;
}

/** LayerNorm over the last axis (biased variance, as torch); one fused kernel on wasm. */
export function layerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  if (simdKernelsActive()) return fusedLayerNorm(x, w, b, eps);
  const centred = tf.sub(x, tf.mean(x, -1, true));
  // x.sub(m).square() rather than tf.moments: wasm's SquaredDifference gradient ignores broadcasting.
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), w), b);
}

/**
 * `{ sum: x + delta, y: layerNorm(x + delta) }`: a residual add and the norm after it, one pass on
 * wasm (the backward adds the residual stream's gradient in the same pass).
 */
export function addLayerNorm(
  x: tf.Tensor,
  delta: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
  eps: number,
): { sum: tf.Tensor; y: tf.Tensor } {
  if (simdKernelsActive()) return fusedAddLayerNorm(x, delta, w, b, eps);
  const sum = tf.add(x, delta);
  return { sum, y: layerNorm(sum, w, b, eps) };
}

/**
 * RMSNorm over the last axis (Llama): x / sqrt(mean(x^2) + eps) * (w + offset); Gemma stores its
 * weights centred on 0 and scales by 1 + w (offset 1). One fused kernel on wasm.
 */
export function rmsNorm(x: tf.Tensor, w: tf.Tensor, eps: number, offset = 0): tf.Tensor {
  if (simdKernelsActive()) return fusedRmsNorm(x, w, eps, offset);
  const ms = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), offset === 0 ? w : tf.add(w, offset));
}

/** `{ sum: x + delta, y: rmsNorm(x + delta) }`, one pass on wasm (see {@link addLayerNorm}). */
export function addRmsNorm(
  x: tf.Tensor,
  delta: tf.Tensor,
  w: tf.Tensor,
  eps: number,
  offset = 0,
): { sum: tf.Tensor; y: tf.Tensor } {
  if (simdKernelsActive()) return fusedAddRmsNorm(x, delta, w, eps, offset);
  const sum = tf.add(x, delta);
  return { sum, y: rmsNorm(sum, w, eps, offset) };
}

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (GPT-2's `gelu_new`, torch's `gelu(approximate='tanh')`); one fused
 * kernel on wasm.
 */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  if (simdKernelsActive()) return fusedGeluTanh(x);
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** GELU, exact (erf). */
export function geluErf(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** SiLU (swish): x * sigmoid(x). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** A gated MLP's `act(gate) * up` (SwiGLU, GeGLU); one fused kernel on wasm for SiLU and GELU tanh. */
export function gated(gate: tf.Tensor, up: tf.Tensor, act: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (simdKernelsActive() && (act === silu || act === geluTanh)) {
    return fusedGated(gate, up, act === silu ? 'silu' : 'geluTanh');
  }
  return tf.mul(act(gate), up);
}

/** `rotate_half` of Hugging Face's rotary code: [x1, x2] -> [-x2, x1] on the last axis. */
export function rotateHalf(x: tf.Tensor): tf.Tensor {
  const [x1, x2] = tf.split(x, 2, -1) as [tf.Tensor, tf.Tensor];
  return tf.concat([tf.neg(x2), x1], -1);
}

/** Rotary positions as Hugging Face applies them: x * cos + rotate_half(x) * sin. */
export function applyRotary(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  return tf.add(tf.mul(x, cos), tf.mul(rotateHalf(x), sin)) as tf.Tensor4D;
}

/** Gemma 2's soft-capping: cap * tanh(x / cap), close to x for |x| << cap, never beyond +-cap. */
export function softcap(x: tf.Tensor, cap: number): tf.Tensor {
  return tf.mul(tf.tanh(tf.div(x, cap)), cap);
}

/**
 * Scaled dot-product attention with grouped-query heads.
 * q [b, h, t, hd]; k, v [b, hkv, s, hd] (h a multiple of hkv; query head i reads key head
 * floor(i / (h / hkv)) as Hugging Face's repeat_kv); bias [b, 1, t, s] additive (0 or -1e9).
 * With `cap`, the scaled scores are soft-capped before the bias (Gemma 2). Returns [b * t, h * hd].
 */
export function attention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  bias: tf.Tensor4D,
  scale: number,
  cap?: number,
): tf.Tensor2D {
  const [b, h, t, hd] = q.shape;
  const [, hkv, s] = k.shape;
  if (simdKernelsActive()) {
    return fusedAttention({ q, k, v }, bias, {
      batch: b,
      time: t,
      keys: s,
      heads: h,
      kvHeads: hkv,
      headDim: hd,
      scale,
      cap: cap ?? 0,
      q: headsLayout('q', h, t, hd),
      k: headsLayout('k', hkv, s, hd),
      v: headsLayout('v', hkv, s, hd),
    });
  }
  const rep = h / hkv;
  // Group the query heads that share a key head along the time axis: no copies of k and v.
  const qg = tf.reshape(q, [b, hkv, rep * t, hd]);
  const scores = tf.reshape(matmul(qg, swapLast(k) as tf.Tensor4D), [b, h, t, s]); // [b, h, t, s]
  const scaled = tf.mul(scores, scale);
  const probs = tf.softmax(tf.add(cap === undefined ? scaled : softcap(scaled, cap), bias));
  const out = matmul(tf.reshape(probs, [b, hkv, rep * t, s]) as tf.Tensor4D, v); // [b, hkv, rep*t, hd]
  const merged = tf.transpose(tf.reshape(out, [b, h, t, hd]), [0, 2, 1, 3]); // [b, t, h, hd]
  return tf.reshape(merged, [b * t, h * hd]);
}

/**
 * Attention on GPT-2's fused projection qkv [b * t, 3 * h * hd] as c_attn writes it, on the wasm
 * kernels (the caller checks {@link simdKernelsActive}): q, k and v are read in place, with no
 * split or transpose, and the result is [b * t, h * hd].
 */
export function packedAttention(
  qkv: tf.Tensor2D,
  bias: tf.Tensor4D,
  dims: { batch: number; time: number; heads: number; headDim: number },
  scale: number,
): tf.Tensor2D {
  const { batch, time, heads: h, headDim: hd } = dims;
  const width = 3 * h * hd;
  return fusedAttention({ qkv }, bias, {
    batch,
    time,
    keys: time,
    heads: h,
    kvHeads: h,
    headDim: hd,
    scale,
    cap: 0,
    q: rowsLayout('qkv', time, width, 0, hd),
    k: rowsLayout('qkv', time, width, h * hd, hd),
    v: rowsLayout('qkv', time, width, 2 * h * hd, hd),
  });
}

/**
 * log softmax(logits)[target] for each row: logits [n, v], targets [n] -> [n]. One fused op: the
 * backward pass reuses the forward's exponentials (dlogits = dy * (onehot - softmax)) and needs no
 * gather gradient (UnsortedSegmentSum, which wasm lacks).
 */
export function pickLogProbs(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  if (simdKernelsActive()) return fusedLogSoftmaxPick(logits, targets);
  const [n, v] = logits.shape;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const shifted = tf.sub(x, tf.max(x, -1, true));
    const e = tf.exp(shifted);
    const sum = tf.sum(e, -1, true);
    const onehot = tf.oneHot(targets, v);
    const picked = tf.sum(tf.mul(shifted, onehot), -1);
    save([e, sum, onehot]);
    return {
      value: tf.sub(picked, tf.reshape(tf.log(sum), [n])),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [se, ssum, soh] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.tidy(() => tf.mul(tf.sub(soh, tf.div(se, ssum)), tf.reshape(dy, [n, 1])));
      },
    };
  });
  return op(logits) as tf.Tensor1D;
}

/**
 * The entropy of softmax(logits) over the last axis, -sum p log p: [..., v] -> [...] (TRL's
 * entropy_from_logits, PPO's entropy statistic). One pass per row on wasm.
 */
export function tokenEntropy(logits: tf.Tensor): tf.Tensor {
  if (simdKernelsActive()) return fusedEntropy(logits);
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1));
  });
}
