// 2-D matrix products on the wasm kernels (csrc/gemm.c) as tfjs kernels with gradients: C = op(A)
// op(B) (+ bias), either operand read transposed in place, so a product's gradient, x^T dy and
// dy W^T, needs no transposed copy (tfjs-wasm's own matMul runs transposed operands 10-30x slower
// than plain ones, and packs B again for every new tensor).

import * as tf from '@tensorflow/tfjs';
import { K, type Kernels, kernelsOf } from './module.js';

export const MATMUL = 'VaLmMatMul';
export const MATMUL_GRAD = 'VaLmMatMulGrad';

export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** K of a packed block (csrc/gemm.c's KC). */
const KC = 256;

/**
 * Rows and columns of a task's tile: packed blocks of at most 128 x 256 (with KC, 384 KB: the L2
 * cache of one core), and enough tiles to share among the threads.
 */
function tiles(m: number, n: number, threads: number): { tm: number; tn: number; count: number } {
  const tm = m <= 160 ? m : 128;
  const rowTiles = Math.ceil(m / tm);
  const want = Math.max(1, Math.ceil((threads * 3) / rowTiles));
  const tn = Math.max(8, Math.ceil(Math.min(n / (threads > 1 ? want : 1), 256) / 8) * 8);
  return { tm, tn, count: rowTiles * Math.ceil(n / tn) };
}

/**
 * C [m, n] (+)= op(A) op(B) (+ bias) on heap offsets: A [m, k] or, transposed, [k, m]; B [k, n] or,
 * transposed, [n, k]. Not both transposed.
 */
export function product(
  kern: Kernels,
  m: number,
  n: number,
  k: number,
  a: number,
  transposeA: boolean,
  b: number,
  transposeB: boolean,
  c: number,
  options: { bias?: number; accumulate?: boolean; lda?: number; ldb?: number; ldc?: number } = {},
): void {
  if (transposeA && transposeB) throw new Error('product: both operands transposed');
  const lda = options.lda ?? (transposeA ? m : k);
  const ldb = options.ldb ?? (transposeB ? k : n);
  const ldc = options.ldc ?? n;
  const t = tiles(m, n, kern.threads);
  const stride = KC * (t.tm + t.tn + 16);
  const scratch = kern.scratch(4 * stride * kern.threads);
  kern.run(
    K.matmul,
    t.count,
    [
      m,
      n,
      k,
      a,
      transposeA ? 1 : lda,
      transposeA ? lda : 1,
      b,
      ldb,
      transposeB ? 1 : 0,
      c,
      ldc,
      options.bias ?? 0,
      options.accumulate ? 1 : 0,
      t.tm,
      t.tn,
      scratch,
      stride,
    ],
    m * n * k,
  );
}

/** The shape [m, n] and inner size k of op(a) op(b). */
function dims(a: tf.TensorInfo, b: tf.TensorInfo, attrs: MatMulAttrs) {
  const [a0, a1] = a.shape as [number, number];
  const [b0, b1] = b.shape as [number, number];
  const [m, k] = attrs.transposeA ? [a1, a0] : [a0, a1];
  const n = attrs.transposeB ? b0 : b1;
  return { m, n, k };
}

const matMulKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { a, b, bias } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo };
  const at = attrs as unknown as MatMulAttrs;
  const kern = kernelsOf(backend);
  const { m, n, k } = dims(a, b, at);
  const out = kern.backend.makeOutput([m, n], 'float32');
  product(
    kern,
    m,
    n,
    k,
    kern.offset(a),
    at.transposeA,
    kern.offset(b),
    at.transposeB,
    kern.offset(out),
    {
      bias: bias ? kern.offset(bias) : 0,
    },
  );
  return out;
};

/**
 * Gradients of C = op(A) op(B) + bias: [dA, dB, dbias?]. With the plain product, dA = dC B^T and
 * dB = A^T dC; the transposed forms follow from them.
 */
const matMulGradKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, a, b } = inputs as Record<string, tf.TensorInfo>;
  const {
    transposeA: ta,
    transposeB: tb,
    withBias,
  } = attrs as unknown as MatMulAttrs & {
    withBias: boolean;
  };
  const kern = kernelsOf(backend);
  const { m, n, k } = dims(a!, b!, { transposeA: ta, transposeB: tb });
  const da = kern.backend.makeOutput([...a!.shape], 'float32');
  const db = kern.backend.makeOutput([...b!.shape], 'float32');
  const [pa, pb, pdy, pda, pdb] = [a!, b!, dy!, da, db].map((t) => kern.offset(t)) as number[];
  if (!ta) {
    // dA [m, k] = dC [m, n] op(B)^T
    if (tb) product(kern, m, k, n, pdy!, false, pb!, false, pda!);
    else product(kern, m, k, n, pdy!, false, pb!, true, pda!);
  } else {
    // dA [k, m] = op(B) dC^T
    product(kern, k, m, n, pb!, false, pdy!, true, pda!);
  }
  if (!tb) {
    // dB [k, n] = op(A)^T dC
    if (ta) product(kern, k, n, m, pa!, false, pdy!, false, pdb!);
    else product(kern, k, n, m, pa!, true, pdy!, false, pdb!);
  } else {
    // dB [n, k] = dC^T op(A)
    if (ta) product(kern, n, k, m, pdy!, true, pa!, true, pdb!, { lda: n });
    else product(kern, n, k, m, pdy!, true, pa!, false, pdb!);
  }
  const outs = [da, db];
  if (withBias) {
    const dbias = kern.backend.makeOutput([n], 'float32');
    columnSums(kern, pdy!, m, n, kern.offset(dbias));
    outs.push(dbias);
  }
  return outs;
};

/** out[n] = the sums of the columns of x [rows, n]. */
export function columnSums(kern: Kernels, x: number, rows: number, n: number, out: number): void {
  const per = Math.max(16, Math.ceil(n / (4 * kern.threads) / 16) * 16);
  kern.run(K.colSum, Math.ceil(n / per), [x, rows, n, n, out, per, 0], rows * n);
}

export function registerMatMul(): void {
  tf.registerKernel({ kernelName: MATMUL, backendName: 'wasm', kernelFunc: matMulKernel });
  tf.registerKernel({ kernelName: MATMUL_GRAD, backendName: 'wasm', kernelFunc: matMulGradKernel });
  tf.registerGradient({
    kernelName: MATMUL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const at = attrs as unknown as MatMulAttrs & { withBias: boolean };
      const grads = tf.engine().runKernel(MATMUL_GRAD, { dy: dy as tf.Tensor, a, b }, {
        ...at,
      } as unknown as tf.NamedAttrMap) as tf.Tensor[];
      return {
        a: () => grads[0]!,
        b: () => grads[1]!,
        ...(at.withBias ? { bias: () => grads[2]! } : {}),
      };
    },
  });
}

/** op(a) op(b) (+ bias) through the kernels: a, b 2-D; bias [n]. */
export function fusedMatMul(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  options: { transposeA?: boolean; transposeB?: boolean; bias?: tf.Tensor1D } = {},
): tf.Tensor2D {
  const attrs = {
    transposeA: options.transposeA ?? false,
    transposeB: options.transposeB ?? false,
    withBias: options.bias !== undefined,
  };
  const inputs: tf.NamedTensorMap = options.bias ? { a, b, bias: options.bias } : { a, b };
  return tf.engine().runKernel(MATMUL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
