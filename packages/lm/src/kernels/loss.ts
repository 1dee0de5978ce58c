// log softmax(logits)[target] per row as a tfjs kernel with its gradient (csrc/loss.c): one pass
// forward keeping each row's log-sum-exp, one pass backward, no [n, vocab] intermediate; and the
// entropy of each row's softmax in one pass (PPO's entropy statistic).

import * as tf from '@tensorflow/tfjs';
import { K, kernelsOf } from './module.js';

export const PICK = 'VaLmLogSoftmaxPick';
export const PICK_GRAD = 'VaLmLogSoftmaxPickGrad';
export const ENTROPY = 'VaLmEntropy';
export const ENTROPY_GRAD = 'VaLmEntropyGrad';

export function registerLoss(): void {
  tf.registerKernel({
    kernelName: PICK,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const kern = kernelsOf(backend);
      const { logits, targets } = inputs as Record<string, tf.TensorInfo>;
      const [n, v] = logits!.shape as [number, number];
      const out = kern.backend.makeOutput([n], 'float32');
      const lse = kern.backend.makeOutput([n], 'float32');
      const per = Math.max(1, Math.ceil(n / (4 * kern.threads)));
      kern.run(
        K.pick,
        Math.ceil(n / per),
        [
          kern.offset(logits!),
          kern.offset(targets!),
          kern.offset(out),
          kern.offset(lse),
          n,
          v,
          per,
        ],
        n * v,
      );
      return [out, lse];
    },
  });
  tf.registerKernel({
    kernelName: PICK_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const kern = kernelsOf(backend);
      const { dy, logits, targets, lse } = inputs as Record<string, tf.TensorInfo>;
      const [n, v] = logits!.shape as [number, number];
      const dx = kern.backend.makeOutput([n, v], 'float32');
      const per = Math.max(1, Math.ceil(n / (4 * kern.threads)));
      kern.run(
        K.pickGrad,
        Math.ceil(n / per),
        [
          kern.offset(dy!),
          kern.offset(logits!),
          kern.offset(targets!),
          kern.offset(lse!),
          kern.offset(dx),
          n,
          v,
          per,
        ],
        n * v,
      );
      return dx;
    },
  });
  tf.registerKernel({
    kernelName: ENTROPY,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const kern = kernelsOf(backend);
      const logits = inputs.logits as tf.TensorInfo;
      const v = logits.shape[logits.shape.length - 1]!;
      const n = tf.util.sizeFromShape(logits.shape) / v;
      const out = kern.backend.makeOutput(logits.shape.slice(0, -1), 'float32');
      const per = Math.max(1, Math.ceil(n / (4 * kern.threads)));
      kern.run(
        K.entropy,
        Math.ceil(n / per),
        [kern.offset(logits), kern.offset(out), n, v, per],
        n * v,
      );
      return out;
    },
  });
  tf.registerKernel({
    kernelName: ENTROPY_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const kern = kernelsOf(backend);
      const { dy, logits, h } = inputs as Record<string, tf.TensorInfo>;
      const v = logits!.shape[logits!.shape.length - 1]!;
      const n = tf.util.sizeFromShape(logits!.shape) / v;
      const dx = kern.backend.makeOutput([...logits!.shape], 'float32');
      const per = Math.max(1, Math.ceil(n / (4 * kern.threads)));
      const o = (t: tf.TensorInfo) => kern.offset(t);
      kern.run(
        K.entropyGrad,
        Math.ceil(n / per),
        [o(dy!), o(logits!), o(h!), o(dx), n, v, per],
        n * v,
      );
      return dx;
    },
  });
  tf.registerGradient({
    kernelName: ENTROPY,
    inputsToSave: ['logits'],
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [logits, h] = saved as [tf.Tensor, tf.Tensor];
      const dx = tf.engine().runKernel(ENTROPY_GRAD, { dy: dy as tf.Tensor, logits, h }, {});
      return { logits: () => dx as tf.Tensor };
    },
  });
  tf.registerGradient({
    kernelName: PICK,
    inputsToSave: ['logits', 'targets'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const [logits, targets, lse] = saved as tf.Tensor[];
      const dx = tf
        .engine()
        .runKernel(
          PICK_GRAD,
          { dy: (dys as tf.Tensor[])[0]!, logits: logits!, targets: targets!, lse: lse! },
          {},
        );
      return { logits: () => dx as tf.Tensor };
    },
  });
}

/** The entropy of softmax(logits) over the last axis: [..., v] -> [...]. */
export function fusedEntropy(logits: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(ENTROPY, { logits }, {}) as tf.Tensor;
}

/** log softmax(logits)[targets[r]] per row: [n, v], [n] int32 -> [n]. */
export function fusedLogSoftmaxPick(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  return (tf.engine().runKernel(PICK, { logits, targets }, {}) as tf.Tensor[])[0] as tf.Tensor1D;
}
