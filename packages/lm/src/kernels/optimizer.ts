// AdamW over every parameter in one kernel call, and the global gradient norm in another
// (csrc/adamw.c): moments are tfjs tensors on the wasm heap, updated in place (no other tensor
// shares their data); new weights go to fresh tensors, so tfjs-wasm's cached packings of the old
// ones (keyed by tensor) are dropped with them.

import * as tf from '@tensorflow/tfjs';
import { bits, K, kernelsOf } from './module.js';

/** Elements per task record: runs of one parameter, small enough to share among threads. */
const RUN = 16_384;
const RECORD_INTS = 8;

/** The AdamW hyper-parameters of one step, derived as torch.optim.AdamW derives them. */
export interface AdamWStepArgs {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - lr * weightDecay (applies where `decay` is set). */
  keep: number;
  /** lr / (1 - beta1^t). */
  stepSize: number;
  /** sqrt(1 - beta2^t). */
  bc2Sqrt: number;
  gradScale: number;
}

/**
 * Writes a table of runs into scratch, one record per run of at most RUN elements, with room for
 * `extra` bytes per record after it (8-byte aligned, at `after`).
 */
function table(
  entries: { p: number; g: number; m: number; v: number; out: number; n: number; decay: boolean }[],
  kern: ReturnType<typeof kernelsOf>,
  extra = 0,
): { ptr: number; count: number; after: number } {
  let count = 0;
  for (const e of entries) count += Math.max(1, Math.ceil(e.n / RUN));
  const ptr = kern.scratch(count * (RECORD_INTS * 4 + extra) + 8);
  const view = new Int32Array(kern.memory.buffer as ArrayBuffer, ptr, count * RECORD_INTS);
  let r = 0;
  for (const e of entries) {
    for (let start = 0; start < Math.max(1, e.n); start += RUN) {
      const o = r * RECORD_INTS;
      const b = 4 * start;
      view.set(
        [
          e.p + b,
          e.g + b,
          e.m + b,
          e.v + b,
          e.out + b,
          Math.min(RUN, e.n - start),
          e.decay ? 1 : 0,
          0,
        ],
        o,
      );
      r++;
    }
  }
  return { ptr, count, after: Math.ceil((ptr + count * RECORD_INTS * 4) / 8) * 8 };
}

/**
 * One AdamW step of every variable: moments `m`, `v` (heap tensors, updated in place), new weights
 * assigned to the variables.
 */
export function heapAdamWStep(
  variables: readonly tf.Variable[],
  grads: readonly tf.Tensor[],
  m: readonly tf.Tensor[],
  v: readonly tf.Tensor[],
  decay: readonly boolean[],
  args: AdamWStepArgs,
): void {
  const kern = kernelsOf(tf.backend());
  const outs = variables.map((p) => kern.backend.makeOutput([...p.shape], 'float32'));
  const total = variables.reduce((n, p) => n + p.size, 0);
  const t = table(
    variables.map((p, i) => ({
      p: kern.offset(p),
      g: kern.offset(grads[i]!),
      m: kern.offset(m[i]!),
      v: kern.offset(v[i]!),
      out: kern.offset(outs[i]!),
      n: p.size,
      decay: decay[i]!,
    })),
    kern,
  );
  kern.run(
    K.adamw,
    t.count,
    [
      t.ptr,
      t.count,
      bits(args.beta1),
      bits(args.beta2),
      bits(args.epsilon),
      bits(args.keep),
      bits(args.stepSize),
      bits(args.bc2Sqrt),
      bits(args.gradScale),
    ],
    total,
  );
  variables.forEach((p, i) => {
    const next = tf.engine().makeTensorFromTensorInfo(outs[i]!);
    p.assign(next);
    next.dispose();
  });
}

/** The sum of squares of every gradient entry (float64 over float32 partial sums). */
export function heapSumSquares(grads: readonly tf.Tensor[]): number {
  const kern = kernelsOf(tf.backend());
  const t = table(
    grads.map((g) => {
      const o = kern.offset(g);
      return { p: o, g: o, m: o, v: o, out: o, n: g.size, decay: false };
    }),
    kern,
    8,
  );
  kern.run(K.sumSquares, t.count, [t.ptr, t.count, t.after], t.count * RUN);
  const values = new Float64Array(kern.memory.buffer as ArrayBuffer, t.after, t.count);
  let total = 0;
  for (let i = 0; i < t.count; i++) total += values[i]!;
  return total;
}
