// Fused kernels for the wasm backend: GELU (tanh form) and LayerNorm, forward and backward, and the
// log-softmax of a target with its gradient, as passes over views of the wasm heap in JavaScript.
// tfjs composes each from 6-15 kernels, every one a pass over the tensor and an allocation (GELU
// alone: square, three multiplies, add, tanh, add, multiply; its gradient twice that), and wasm's
// Tanh is a scalar library call (1M elements: 20-40 ms). Formulas are torch's
// (F.gelu(approximate='tanh'), F.layer_norm, F.cross_entropy); intermediates are float64.

import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from './wasm-kernels.js';

const GELU_C = Math.sqrt(2 / Math.PI);
/** Where Eigen's rational tanh stops. */
const TANH_CLAMP = 7.905311107635498;

/**
 * tanh as a rational function of x (Eigen's float tanh: x P(x^2) / Q(x^2), within 2 ulp of float32),
 * a few multiply-adds instead of a library call; Math.tanh beyond +-7.9, where the rational form
 * stops (there tanh is 1 to 3e-7, and GELU's gradient multiplies 1 - tanh^2 by up to x^3).
 */
export function fastTanh(x: number): number {
  if (Math.abs(x) >= TANH_CLAMP) return Math.tanh(x);
  if (Math.abs(x) < 0.0004) return x;
  const x2 = x * x;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (x * p) / q;
}

const KERNELS = {
  gelu: 'VaLmGeluTanh',
  geluGrad: 'VaLmGeluTanhGrad',
  layerNorm: 'VaLmLayerNorm',
  layerNormGrad: 'VaLmLayerNormGrad',
  pick: 'VaLmLogSoftmaxPick',
  pickGrad: 'VaLmLogSoftmaxPickGrad',
} as const;

function heapOf(args: { backend: unknown }): WasmHeap {
  return args.backend as WasmHeap;
}

/** y = 0.5 x (1 + tanh(c (x + 0.044715 x^3))). */
const geluKernel: tf.KernelFunc = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const heap = heapOf(args);
  const out = heap.makeOutput(x.shape, 'float32');
  const xs = heap.typedArrayFromHeap(x);
  const ys = heap.typedArrayFromHeap(out);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    ys[i] = 0.5 * v * (1 + fastTanh(GELU_C * (v + 0.044715 * v * v * v)));
  }
  return out;
};

/** dx = dy (0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 * 0.044715 x^2)). */
const geluGradKernel: tf.KernelFunc = (args) => {
  const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const heap = heapOf(args);
  const out = heap.makeOutput(x.shape, 'float32');
  const xs = heap.typedArrayFromHeap(x);
  const dys = heap.typedArrayFromHeap(dy);
  const dxs = heap.typedArrayFromHeap(out);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    const t = fastTanh(GELU_C * (v + 0.044715 * v * v * v));
    dxs[i] = dys[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 0.134145 * v * v));
  }
  return out;
};

/** LayerNorm over the last axis: outputs y, and the mean and 1/std of each row (for the gradient). */
const layerNormKernel: tf.KernelFunc = (args) => {
  const { x, w, b } = args.inputs as { x: tf.TensorInfo; w: tf.TensorInfo; b: tf.TensorInfo };
  const eps = (args.attrs as { eps: number }).eps;
  const heap = heapOf(args);
  const d = x.shape[x.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x.shape) / d;
  const out = heap.makeOutput(x.shape, 'float32');
  const mean = heap.makeOutput([rows], 'float32');
  const rstd = heap.makeOutput([rows], 'float32');
  const [xs, ws, bs, ys, ms, rs] = [x, w, b, out, mean, rstd].map((t) =>
    heap.typedArrayFromHeap(t),
  );
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += xs![o + j]!;
    const mu = s / d;
    let v = 0;
    for (let j = 0; j < d; j++) {
      const c = xs![o + j]! - mu;
      v += c * c;
    }
    const inv = 1 / Math.sqrt(v / d + eps);
    ms![r] = mu;
    rs![r] = inv;
    for (let j = 0; j < d; j++) ys![o + j] = (xs![o + j]! - mu) * inv * ws![j]! + bs![j]!;
  }
  return [out, mean, rstd];
};

/**
 * LayerNorm's gradient: with xhat = (x - mean) / std and g = dy w,
 * dx = (g - mean(g) - xhat mean(g xhat)) / std, dw = sum over rows of dy xhat, db = sum of dy.
 */
const layerNormGradKernel: tf.KernelFunc = (args) => {
  const { dy, x, w, mean, rstd } = args.inputs as Record<string, tf.TensorInfo>;
  const heap = heapOf(args);
  const d = x!.shape[x!.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x!.shape) / d;
  const dx = heap.makeOutput(x!.shape, 'float32');
  const dw = heap.makeOutput([d], 'float32');
  const db = heap.makeOutput([d], 'float32');
  const [dys, xs, ws, ms, rs, dxs, dws, dbs] = [dy, x, w, mean, rstd, dx, dw, db].map((t) =>
    heap.typedArrayFromHeap(t!),
  );
  const accW = new Float64Array(d);
  const accB = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const mu = ms![r]!;
    const inv = rs![r]!;
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < d; j++) {
      const g = dys![o + j]!;
      const xhat = (xs![o + j]! - mu) * inv;
      accW[j]! += g * xhat;
      accB[j]! += g;
      const gw = g * ws![j]!;
      sumG += gw;
      sumGX += gw * xhat;
    }
    const meanG = sumG / d;
    const meanGX = sumGX / d;
    for (let j = 0; j < d; j++) {
      const xhat = (xs![o + j]! - mu) * inv;
      dxs![o + j] = (dys![o + j]! * ws![j]! - meanG - xhat * meanGX) * inv;
    }
  }
  dws!.set(accW);
  dbs!.set(accB);
  return [dx, dw, db];
};

/** shifted[r, target[r]] - log(sums[r]) per row: the log-softmax of the targets. */
const pickKernel: tf.KernelFunc = (args) => {
  const { shifted, sums, targets } = args.inputs as Record<string, tf.TensorInfo>;
  const heap = heapOf(args);
  const [n, v] = shifted!.shape as [number, number];
  const out = heap.makeOutput([n], 'float32');
  const xs = heap.typedArrayFromHeap(shifted!);
  const ss = heap.typedArrayFromHeap(sums!);
  const ts = heap.typedArrayFromHeap(targets!);
  const os = heap.typedArrayFromHeap(out);
  for (let r = 0; r < n; r++) os[r] = xs[r * v + ts[r]!]! - Math.log(ss[r]!);
  return out;
};

/** d logits = dy (onehot(target) - exps / sums), in one pass. */
const pickGradKernel: tf.KernelFunc = (args) => {
  const { dy, exps, sums, targets } = args.inputs as Record<string, tf.TensorInfo>;
  const heap = heapOf(args);
  const [n, v] = exps!.shape as [number, number];
  const dx = heap.makeOutput([n, v], 'float32');
  const dys = heap.typedArrayFromHeap(dy!);
  const es = heap.typedArrayFromHeap(exps!);
  const ss = heap.typedArrayFromHeap(sums!);
  const ts = heap.typedArrayFromHeap(targets!);
  const dxs = heap.typedArrayFromHeap(dx);
  for (let r = 0; r < n; r++) {
    const o = r * v;
    const g = -dys[r]! / ss[r]!;
    for (let j = 0; j < v; j++) dxs[o + j] = g * es[o + j]!;
    dxs[o + ts[r]!] = dxs[o + ts[r]!]! + dys[r]!;
  }
  return dx;
};

let registered = false;
let enabled = true;

/** Registers the fused kernels for the `wasm` backend, once (nothing when wasm is not loaded). */
export function ensureFusedKernels(): void {
  if (registered || !tf.getKernel(tf.Add, 'wasm')) return;
  registered = true;
  const pairs: [string, tf.KernelFunc][] = [
    [KERNELS.gelu, geluKernel],
    [KERNELS.geluGrad, geluGradKernel],
    [KERNELS.layerNorm, layerNormKernel],
    [KERNELS.layerNormGrad, layerNormGradKernel],
    [KERNELS.pick, pickKernel],
    [KERNELS.pickGrad, pickGradKernel],
  ];
  for (const [kernelName, kernelFunc] of pairs) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}

/**
 * Switches the fused kernels off (`false`: every backend then runs the composed ops) or back on.
 * For benchmarks that compare the two; results agree to float32 rounding.
 */
export function useFusedKernels(on: boolean): void {
  enabled = on;
}

/** Whether the fused kernels run now: on wasm, once registered, unless switched off. */
export function fusedKernelsActive(): boolean {
  return enabled && registered && tf.getBackend() === 'wasm';
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) =>
  tf.engine().runKernel(name, inputs, attrs);

/** GELU (tanh form) through the fused kernels. */
export function fusedGeluTanh(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: run(KERNELS.gelu, { x: input }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        run(KERNELS.geluGrad, { dy, x: saved[0]! }) as tf.Tensor,
    };
  });
  return op(x);
}

/** LayerNorm over the last axis through the fused kernels. */
export function fusedLayerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, weight, bias, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, rstd] = run(
      KERNELS.layerNorm,
      { x: input, w: weight, b: bias },
      { eps },
    ) as tf.Tensor[];
    save([input, weight, mean!, rstd!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sm, sr] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return run(KERNELS.layerNormGrad, { dy, x: sx, w: sw, mean: sm, rstd: sr }) as tf.Tensor[];
      },
    };
  });
  return op(x, w, b);
}

/**
 * log softmax(logits)[target] per row: [n, v], [n] -> [n]. The exponentials run on wasm's own
 * kernels (its Exp beats a JavaScript loop); the pick and the whole gradient, which tfjs builds from
 * a one-hot matrix, two casts, a product, a quotient and a difference, are one pass each.
 */
export function fusedLogSoftmaxPick(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const shifted = tf.sub(x, tf.max(x, -1, true));
    const exps = tf.exp(shifted);
    const sums = tf.sum(exps, -1);
    save([exps, sums, targets]);
    return {
      value: run(KERNELS.pick, { shifted, sums, targets }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [e, s, t] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return run(KERNELS.pickGrad, { dy, exps: e, sums: s, targets: t }) as tf.Tensor;
      },
    };
  });
  return op(logits) as tf.Tensor1D;
}
