// GELU (tanh form) and the gated MLP activations GeGLU (GELU tanh) and SwiGLU (SiLU), act(gate) *
// up, as tfjs kernels with gradients (csrc/pointwise.c): one pass forward, one backward, where tfjs
// composes GELU from 8 kernels (its gradient from twice that) and wasm's Tanh is a scalar call.

import * as tf from '@tensorflow/tfjs';
import { K, type Kernels, kernelsOf } from './module.js';

export const GELU = 'VaLmGeluTanh';
export const GELU_GRAD = 'VaLmGeluTanhGrad';
export const GATED = 'VaLmGated';
export const GATED_GRAD = 'VaLmGatedGrad';

/** The activations of a gated MLP the kernel knows (csrc/pointwise.c's kinds). */
export const GATED_KINDS = { geluTanh: 0, silu: 1 } as const;
export type GatedKind = keyof typeof GATED_KINDS;

/** Elements per task. */
function chunk(n: number, kern: Kernels): number {
  return Math.max(4096, Math.ceil(n / (4 * kern.threads) / 4) * 4);
}

const out = (kern: Kernels, like: tf.TensorInfo) =>
  kern.backend.makeOutput([...like.shape], 'float32');

export function registerActivations(): void {
  const kernels: [string, tf.KernelFunc][] = [
    [
      GELU,
      ({ inputs, backend }) => {
        const kern = kernelsOf(backend);
        const x = inputs.x as tf.TensorInfo;
        const y = out(kern, x);
        const n = tf.util.sizeFromShape(x.shape);
        const per = chunk(n, kern);
        kern.run(K.gelu, Math.ceil(n / per), [kern.offset(x), kern.offset(y), n, per], n);
        return y;
      },
    ],
    [
      GELU_GRAD,
      ({ inputs, backend }) => {
        const kern = kernelsOf(backend);
        const { dy, x } = inputs as Record<string, tf.TensorInfo>;
        const dx = out(kern, x!);
        const n = tf.util.sizeFromShape(x!.shape);
        const per = chunk(n, kern);
        kern.run(
          K.geluGrad,
          Math.ceil(n / per),
          [kern.offset(dy!), kern.offset(x!), kern.offset(dx), n, per],
          n,
        );
        return dx;
      },
    ],
    [
      GATED,
      ({ inputs, attrs, backend }) => {
        const kern = kernelsOf(backend);
        const { gate, up } = inputs as Record<string, tf.TensorInfo>;
        const y = out(kern, gate!);
        const n = tf.util.sizeFromShape(gate!.shape);
        const per = chunk(n, kern);
        const kind = GATED_KINDS[(attrs as { kind: GatedKind }).kind];
        kern.run(
          K.gated,
          Math.ceil(n / per),
          [kern.offset(gate!), kern.offset(up!), kern.offset(y), n, per, kind],
          n,
        );
        return y;
      },
    ],
    [
      GATED_GRAD,
      ({ inputs, attrs, backend }) => {
        const kern = kernelsOf(backend);
        const { dy, gate, up } = inputs as Record<string, tf.TensorInfo>;
        const dg = out(kern, gate!);
        const du = out(kern, up!);
        const n = tf.util.sizeFromShape(gate!.shape);
        const per = chunk(n, kern);
        const kind = GATED_KINDS[(attrs as { kind: GatedKind }).kind];
        kern.run(
          K.gatedGrad,
          Math.ceil(n / per),
          [
            kern.offset(dy!),
            kern.offset(gate!),
            kern.offset(up!),
            kern.offset(dg),
            kern.offset(du),
            n,
            per,
            kind,
          ],
          n,
        );
        return [dg, du];
      },
    ],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  tf.registerGradient({
    kernelName: GELU,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const dx = tf.engine().runKernel(GELU_GRAD, { dy: dy as tf.Tensor, x: saved[0]! }, {});
      return { x: () => dx as tf.Tensor };
    },
  });
  tf.registerGradient({
    kernelName: GATED,
    inputsToSave: ['gate', 'up'],
    gradFunc: (dy, saved, attrs) => {
      const [dg, du] = tf
        .engine()
        .runKernel(
          GATED_GRAD,
          { dy: dy as tf.Tensor, gate: saved[0]!, up: saved[1]! },
          attrs,
        ) as tf.Tensor[];
      return { gate: () => dg!, up: () => du! };
    },
  });
}

/** GELU, tanh form. */
export function fusedGeluTanh(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(GELU, { x }, {}) as tf.Tensor;
}

/** act(gate) * up (GeGLU / SwiGLU), gate and up of one shape. */
export function fusedGated(gate: tf.Tensor, up: tf.Tensor, kind: GatedKind): tf.Tensor {
  return tf.engine().runKernel(GATED, { gate, up }, { kind }) as tf.Tensor;
}
