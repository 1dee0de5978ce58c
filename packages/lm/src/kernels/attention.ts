// Attention over every batch row and head in one tfjs kernel (csrc/attention.c), with its gradient:
// q, k and v are read where the projections wrote them (GPT-2's fused [b * t, 3d] output, [b * t,
// h * hd] rows, or the KV cache's [b, h, s, hd]) and the output is written as [b * t, h * hd] rows,
// so no split, transpose or merge copies are made, forward or backward.

import * as tf from '@tensorflow/tfjs';
import { bits, K, type Kernels, kernelsOf } from './module.js';

/** q, k and v as three tensors, or (packed) one tensor holding all three, as GPT-2's c_attn writes. */
export const ATTENTION = 'VaLmAttention';
export const ATTENTION_PACKED = 'VaLmAttentionPacked';
export const ATTENTION_GRAD = 'VaLmAttentionGrad';

/** Where an operand's heads live in its tensor: element (b, h, t, j) at offset + b bs + t ts + h hs + j. */
export interface HeadLayout {
  /** The input tensor it is read from: 'q', 'k', 'v' or 'qkv' (one tensor holding all three). */
  input: 'q' | 'k' | 'v' | 'qkv';
  offset: number;
  bs: number;
  ts: number;
  hs: number;
}

export interface AttentionAttrs {
  batch: number;
  time: number;
  keys: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  scale: number;
  /** Gemma 2's soft-cap of the scaled scores (0: none). */
  cap: number;
  q: HeadLayout;
  k: HeadLayout;
  v: HeadLayout;
  /** Keep the attention weights for the backward pass (a second output, [b, h, t, s]). */
  keepProbs: boolean;
}

/** Rows layout [b * n, heads * hd] starting at column `column` of a row `width` wide. */
export function rowsLayout(
  input: HeadLayout['input'],
  n: number,
  width: number,
  column: number,
  headDim: number,
): HeadLayout {
  return { input, offset: column, bs: n * width, ts: width, hs: headDim };
}

/** The KV cache's layout [b, heads, s, hd]. */
export function headsLayout(
  input: HeadLayout['input'],
  heads: number,
  s: number,
  headDim: number,
): HeadLayout {
  return { input, offset: 0, bs: heads * s * headDim, ts: headDim, hs: s * headDim };
}

function layoutArgs(base: number, l: HeadLayout): number[] {
  return [base + 4 * l.offset, l.bs, l.ts, l.hs];
}

/**
 * The arguments both directions share: dims, q k v, the output's (or its gradient's) rows
 * [b * t, h * hd] at `rows`, the bias, the weights, scale, cap and the per-thread scratch.
 */
function sharedArgs(
  kern: Kernels,
  ins: Record<string, tf.TensorInfo>,
  at: AttentionAttrs,
  rows: number,
  bias: number,
  probs: number,
  scratch: number,
  stride: number,
): number[] {
  const { batch: b, time: t, keys: s, heads: h, kvHeads: hkv, headDim: hd } = at;
  const base = (l: HeadLayout) => kern.offset(ins[l.input]!);
  return [
    ...[b, t, s, h, hkv, hd],
    ...layoutArgs(base(at.q), at.q),
    ...layoutArgs(base(at.k), at.k),
    ...layoutArgs(base(at.v), at.v),
    ...[rows, t * h * hd, h * hd, hd],
    ...[bias, probs, bits(at.scale), bits(at.cap), scratch, stride],
  ];
}

const attentionKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const at = attrs as unknown as AttentionAttrs;
  const kern = kernelsOf(backend);
  const ins = inputs as Record<string, tf.TensorInfo>;
  const { batch: b, time: t, keys: s, heads: h, kvHeads: hkv, headDim: hd } = at;
  const out = kern.backend.makeOutput([b * t, h * hd], 'float32');
  const probs = at.keepProbs ? kern.backend.makeOutput([b, h, t, s], 'float32') : undefined;
  const stride = t * s;
  const scratch = probs ? 0 : kern.scratch(4 * stride * kern.threads);
  const bias = ins.bias ? kern.offset(ins.bias) : 0;
  kern.run(
    K.attention,
    b * hkv,
    sharedArgs(
      kern,
      ins,
      at,
      kern.offset(out),
      bias,
      probs ? kern.offset(probs) : 0,
      scratch,
      stride,
    ),
    2 * b * h * t * s * hd,
  );
  return probs ? [out, probs] : [out];
};

const attentionGradKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const at = attrs as unknown as AttentionAttrs;
  const kern = kernelsOf(backend);
  const ins = inputs as Record<string, tf.TensorInfo>;
  const { batch: b, time: t, keys: s, heads: h, kvHeads: hkv, headDim: hd } = at;
  const names = [...new Set([at.q.input, at.k.input, at.v.input])];
  const grads = new Map(
    names.map((n) => [n, kern.backend.makeOutput([...ins[n]!.shape], 'float32')] as const),
  );
  const stride = 2 * t * s;
  const scratch = kern.scratch(4 * stride * kern.threads);
  const gbase = (l: HeadLayout) => kern.offset(grads.get(l.input)!);
  kern.run(
    K.attentionGrad,
    b * hkv,
    [
      ...sharedArgs(
        kern,
        ins,
        at,
        kern.offset(ins.dy!),
        0,
        kern.offset(ins.probs!),
        scratch,
        stride,
      ),
      ...layoutArgs(gbase(at.q), at.q),
      ...layoutArgs(gbase(at.k), at.k),
      ...layoutArgs(gbase(at.v), at.v),
    ],
    4 * b * h * t * s * hd,
  );
  return names.map((n) => grads.get(n)!);
};

export function registerAttention(): void {
  for (const kernelName of [ATTENTION, ATTENTION_PACKED]) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: attentionKernel });
  }
  tf.registerKernel({
    kernelName: ATTENTION_GRAD,
    backendName: 'wasm',
    kernelFunc: attentionGradKernel,
  });
  for (const [kernelName, names] of [
    [ATTENTION, ['q', 'k', 'v']],
    [ATTENTION_PACKED, ['qkv']],
  ] as const) {
    tf.registerGradient({
      kernelName,
      inputsToSave: [...names],
      outputsToSave: [false, true],
      gradFunc: (dy, saved, attrs) => {
        const inputs: tf.NamedTensorMap = { dy: (dy as tf.Tensor[])[0]! };
        names.forEach((n, i) => {
          inputs[n] = saved[i]!;
        });
        inputs.probs = saved[names.length]!;
        const grads = tf
          .engine()
          .runKernel(ATTENTION_GRAD, inputs, attrs as tf.NamedAttrMap) as tf.Tensor[];
        return Object.fromEntries(names.map((n, i) => [n, () => grads[i]!]));
      },
    });
  }
}

/** Whether gradients are being recorded (the weights are kept only then). */
function recording(): boolean {
  const state = (tf.engine() as unknown as { state: { gradientDepth: number } }).state;
  return state.gradientDepth > 0;
}

/**
 * Attention through the kernel: `tensors` maps the layouts' inputs to tensors; bias [b, 1, t, s]
 * (additive). Returns [b * t, heads * hd].
 */
export function fusedAttention(
  tensors: Partial<Record<HeadLayout['input'], tf.Tensor>>,
  bias: tf.Tensor,
  attrs: Omit<AttentionAttrs, 'keepProbs'>,
): tf.Tensor2D {
  const packed = attrs.q.input === 'qkv';
  if (packed !== (attrs.k.input === 'qkv' && attrs.v.input === 'qkv')) {
    throw new Error('fusedAttention: q, k and v come from one packed tensor or from three');
  }
  const inputs: tf.NamedTensorMap = { bias };
  for (const l of [attrs.q, attrs.k, attrs.v]) inputs[l.input] = tensors[l.input]!;
  const all = { ...attrs, keepProbs: recording() };
  const outs = tf
    .engine()
    .runKernel(
      packed ? ATTENTION_PACKED : ATTENTION,
      inputs,
      all as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  // The weights (a second output while recording) leave with the tape or the caller's tidy.
  return outs[0] as tf.Tensor2D;
}
