// LayerNorm and RMSNorm over the last axis as tfjs kernels with gradients (csrc/norm.c), with the
// residual add before them fused in: normWithResidual(x, delta) returns x + delta and its norm
// from one pass, and the backward adds the residual stream's gradient in the same pass.

import * as tf from '@tensorflow/tfjs';
import { bits, K, type Kernels, kernelsOf } from './module.js';

export const LAYER_NORM = 'VaLmLayerNorm';
export const LAYER_NORM_RESIDUAL = 'VaLmLayerNormResidual';
export const LAYER_NORM_GRAD = 'VaLmLayerNormGrad';
export const RMS_NORM = 'VaLmRmsNorm';
export const RMS_NORM_RESIDUAL = 'VaLmRmsNormResidual';
export const RMS_NORM_GRAD = 'VaLmRmsNormGrad';

interface NormAttrs {
  eps: number;
  /** RMSNorm: added to the weight (Gemma's x * (1 + w)). */
  offset?: number;
}

/**
 * Rows per task: at most 8 tasks, whatever the threads, so that the partial weight sums (added in
 * task order) and with them the results are the same on any number of threads.
 */
function rowsPerTask(rows: number): number {
  return Math.max(8, Math.ceil(rows / 8));
}

/** out (+)= the sum of `nparts` partial vectors of `width` floats, `stride` apart. */
function sumParts(
  kern: Kernels,
  parts: number,
  nparts: number,
  stride: number,
  width: number,
  out: number,
) {
  const per = Math.max(64, Math.ceil(width / (2 * kern.threads) / 4) * 4);
  kern.run(
    K.sumParts,
    Math.ceil(width / per),
    [parts, nparts, stride, width, out, per, 0],
    nparts * width,
  );
}

const layerNormKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, w, b, delta } = inputs as Record<string, tf.TensorInfo>;
  const { eps } = attrs as unknown as NormAttrs;
  const kern = kernelsOf(backend);
  const d = x!.shape[x!.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x!.shape) / d;
  const y = kern.backend.makeOutput([...x!.shape], 'float32');
  const mean = kern.backend.makeOutput([rows], 'float32');
  const rstd = kern.backend.makeOutput([rows], 'float32');
  const sum = delta ? kern.backend.makeOutput([...x!.shape], 'float32') : undefined;
  const per = rowsPerTask(rows);
  const o = (t: tf.TensorInfo | undefined) => (t ? kern.offset(t) : 0);
  kern.run(
    K.layerNorm,
    Math.ceil(rows / per),
    [rows, d, o(x), o(w), o(b), o(y), o(mean), o(rstd), bits(eps), per, o(delta), o(sum)],
    rows * d,
  );
  return sum ? [y, mean, rstd, sum] : [y, mean, rstd];
};

const layerNormGradKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { dy, x, w, mean, rstd, dsum } = inputs as Record<string, tf.TensorInfo>;
  const kern = kernelsOf(backend);
  const d = x!.shape[x!.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x!.shape) / d;
  const dx = kern.backend.makeOutput([...x!.shape], 'float32');
  const dw = kern.backend.makeOutput([d], 'float32');
  const db = kern.backend.makeOutput([d], 'float32');
  const per = rowsPerTask(rows);
  const tasks = Math.ceil(rows / per);
  const parts = kern.scratch(4 * tasks * 2 * d);
  const o = (t: tf.TensorInfo | undefined) => (t ? kern.offset(t) : 0);
  kern.run(
    K.layerNormGrad,
    tasks,
    [rows, d, o(dy), o(x), o(w), o(mean), o(rstd), o(dx), parts, per, o(dsum)],
    rows * d,
  );
  sumParts(kern, parts, tasks, 2 * d, d, o(dw));
  sumParts(kern, parts + 4 * d, tasks, 2 * d, d, o(db));
  return [dx, dw, db];
};

const rmsNormKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, w, delta } = inputs as Record<string, tf.TensorInfo>;
  const { eps, offset = 0 } = attrs as unknown as NormAttrs;
  const kern = kernelsOf(backend);
  const d = x!.shape[x!.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x!.shape) / d;
  const y = kern.backend.makeOutput([...x!.shape], 'float32');
  const rstd = kern.backend.makeOutput([rows], 'float32');
  const sum = delta ? kern.backend.makeOutput([...x!.shape], 'float32') : undefined;
  const per = rowsPerTask(rows);
  const o = (t: tf.TensorInfo | undefined) => (t ? kern.offset(t) : 0);
  kern.run(
    K.rmsNorm,
    Math.ceil(rows / per),
    [rows, d, o(x), o(w), o(y), o(rstd), bits(eps), bits(offset), per, o(delta), o(sum)],
    rows * d,
  );
  return sum ? [y, rstd, sum] : [y, rstd];
};

const rmsNormGradKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, x, w, rstd, dsum } = inputs as Record<string, tf.TensorInfo>;
  const { offset = 0 } = attrs as unknown as NormAttrs;
  const kern = kernelsOf(backend);
  const d = x!.shape[x!.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x!.shape) / d;
  const dx = kern.backend.makeOutput([...x!.shape], 'float32');
  const dw = kern.backend.makeOutput([d], 'float32');
  const per = rowsPerTask(rows);
  const tasks = Math.ceil(rows / per);
  const parts = kern.scratch(4 * tasks * d);
  const o = (t: tf.TensorInfo | undefined) => (t ? kern.offset(t) : 0);
  kern.run(
    K.rmsNormGrad,
    tasks,
    [rows, d, o(dy), o(x), o(w), o(rstd), o(dx), parts, per, bits(offset), o(dsum)],
    rows * d,
  );
  sumParts(kern, parts, tasks, d, d, o(dw));
  return [dx, dw];
};

/** The gradient closures of a norm whose input may be x + delta: both get dx (delta a clone). */
function inputGrads(dx: tf.Tensor, withDelta: boolean, rest: Record<string, () => tf.Tensor>) {
  return withDelta ? { x: () => dx, delta: () => tf.clone(dx), ...rest } : { x: () => dx, ...rest };
}

export function registerNorms(): void {
  const kernels: [string, tf.KernelFunc][] = [
    [LAYER_NORM, layerNormKernel],
    [LAYER_NORM_RESIDUAL, layerNormKernel],
    [LAYER_NORM_GRAD, layerNormGradKernel],
    [RMS_NORM, rmsNormKernel],
    [RMS_NORM_RESIDUAL, rmsNormKernel],
    [RMS_NORM_GRAD, rmsNormGradKernel],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  // Without a residual the input x is saved; with one, the sum x + delta (the last output).
  for (const withDelta of [false, true]) {
    tf.registerGradient({
      kernelName: withDelta ? LAYER_NORM_RESIDUAL : LAYER_NORM,
      inputsToSave: withDelta ? ['w'] : ['x', 'w'],
      outputsToSave: [false, true, true, true],
      gradFunc: (dys, saved) => {
        const d = dys as tf.Tensor[];
        const [x, w, mean, rstd] = withDelta ? [saved[3]!, ...saved.slice(0, 3)] : saved;
        const inputs: tf.NamedTensorMap = { dy: d[0]!, x: x!, w: w!, mean: mean!, rstd: rstd! };
        if (withDelta) inputs.dsum = d[3]!;
        const [dx, dw, db] = tf.engine().runKernel(LAYER_NORM_GRAD, inputs, {}) as tf.Tensor[];
        return inputGrads(dx!, withDelta, { w: () => dw!, b: () => db! });
      },
    });
    tf.registerGradient({
      kernelName: withDelta ? RMS_NORM_RESIDUAL : RMS_NORM,
      inputsToSave: withDelta ? ['w'] : ['x', 'w'],
      outputsToSave: [false, true, true],
      gradFunc: (dys, saved, attrs) => {
        const d = dys as tf.Tensor[];
        const [x, w, rstd] = withDelta ? [saved[2]!, ...saved.slice(0, 2)] : saved;
        const inputs: tf.NamedTensorMap = { dy: d[0]!, x: x!, w: w!, rstd: rstd! };
        if (withDelta) inputs.dsum = d[2]!;
        const [dx, dw] = tf.engine().runKernel(RMS_NORM_GRAD, inputs, attrs) as tf.Tensor[];
        return inputGrads(dx!, withDelta, { w: () => dw! });
      },
    });
  }
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: NormAttrs) =>
  tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];

/** LayerNorm of x over its last axis (biased variance, as torch). */
export function fusedLayerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  return run(LAYER_NORM, { x, w, b }, { eps })[0]!;
}

/** `{ sum: x + delta, y: LayerNorm(x + delta) }` in one pass. */
export function fusedAddLayerNorm(
  x: tf.Tensor,
  delta: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
  eps: number,
): { sum: tf.Tensor; y: tf.Tensor } {
  const outs = run(LAYER_NORM_RESIDUAL, { x, delta, w, b }, { eps });
  return { sum: outs[3]!, y: outs[0]! };
}

/** RMSNorm of x over its last axis: x / sqrt(mean(x^2) + eps) * (w + offset). */
export function fusedRmsNorm(x: tf.Tensor, w: tf.Tensor, eps: number, offset = 0): tf.Tensor {
  return run(RMS_NORM, { x, w }, { eps, offset })[0]!;
}

/** `{ sum: x + delta, y: RMSNorm(x + delta) }` in one pass. */
export function fusedAddRmsNorm(
  x: tf.Tensor,
  delta: tf.Tensor,
  w: tf.Tensor,
  eps: number,
  offset = 0,
): { sum: tf.Tensor; y: tf.Tensor } {
  const outs = run(RMS_NORM_RESIDUAL, { x, delta, w }, { eps, offset });
  return { sum: outs[2]!, y: outs[0]! };
}
