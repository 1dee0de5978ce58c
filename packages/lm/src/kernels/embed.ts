// The embedding lookup as one tfjs kernel with its gradient (csrc/pointwise.c): token rows, scaled
// (Gemma's sqrt(hidden)), plus learned position rows (GPT-2), where tfjs runs two gathers, an add
// or a multiply, and a ScatterNd per table backward (wasm's Gather costs 0.1 ms for 16 rows).

import * as tf from '@tensorflow/tfjs';
import { bits, K, kernelsOf } from './module.js';

export const EMBED = 'VaLmEmbed';
export const EMBED_POSITIONS = 'VaLmEmbedPositions';
export const EMBED_GRAD = 'VaLmEmbedGrad';

const embedKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const kern = kernelsOf(backend);
  const { table, ids, positions, positionIds } = inputs as Record<string, tf.TensorInfo>;
  const n = ids!.shape[0]!;
  const d = table!.shape[1]!;
  const out = kern.backend.makeOutput([n, d], 'float32');
  const per = Math.max(1, Math.ceil(n / (4 * kern.threads)));
  const o = (t: tf.TensorInfo | undefined) => (t ? kern.offset(t) : 0);
  const scale = (attrs as { scale: number }).scale;
  kern.run(
    K.embed,
    Math.ceil(n / per),
    [o(table), o(ids), o(positions), o(positionIds), o(out), n, d, bits(scale), per],
    n * d,
  );
  return out;
};

/** The dense gradient [rows, d] of a table from dy [n, d] and the ids that read it. */
const embedGradKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const kern = kernelsOf(backend);
  const { dy, ids } = inputs as Record<string, tf.TensorInfo>;
  const { rows, scale } = attrs as { rows: number; scale: number };
  const [n, d] = dy!.shape as [number, number];
  const grad = kern.backend.makeOutput([rows, d], 'float32');
  const per = Math.max(4, Math.ceil(d / kern.threads / 4) * 4);
  kern.run(
    K.embedGrad,
    Math.ceil(d / per),
    [kern.offset(dy!), kern.offset(ids!), kern.offset(grad), rows, n, d, bits(scale), per],
    rows * d,
  );
  return grad;
};

export function registerEmbed(): void {
  for (const kernelName of [EMBED, EMBED_POSITIONS]) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: embedKernel });
  }
  tf.registerKernel({ kernelName: EMBED_GRAD, backendName: 'wasm', kernelFunc: embedGradKernel });
  const grad = (dy: tf.Tensor, ids: tf.Tensor, table: tf.Tensor, scale: number) =>
    tf.engine().runKernel(EMBED_GRAD, { dy, ids }, { rows: table.shape[0]!, scale }) as tf.Tensor;
  tf.registerGradient({
    kernelName: EMBED,
    inputsToSave: ['table', 'ids'],
    gradFunc: (dy, saved, attrs) => {
      const [table, ids] = saved as [tf.Tensor, tf.Tensor];
      const g = grad(dy as tf.Tensor, ids, table, (attrs as { scale: number }).scale);
      return { table: () => g };
    },
  });
  tf.registerGradient({
    kernelName: EMBED_POSITIONS,
    inputsToSave: ['table', 'ids', 'positions', 'positionIds'],
    gradFunc: (dy, saved, attrs) => {
      const [table, ids, positions, positionIds] = saved as tf.Tensor[];
      const g = grad(dy as tf.Tensor, ids!, table!, (attrs as { scale: number }).scale);
      const gp = grad(dy as tf.Tensor, positionIds!, positions!, 1);
      return { table: () => g, positions: () => gp };
    },
  });
}

/**
 * Rows `scale * table[ids]` (+ `positions[positionIds]`): table [v, d], ids [n] int32 -> [n, d].
 * Ids must be in range (the caller checks them).
 */
export function fusedEmbed(
  table: tf.Tensor2D,
  ids: tf.Tensor1D,
  options: { scale?: number; positions?: { table: tf.Tensor2D; ids: tf.Tensor1D } } = {},
): tf.Tensor2D {
  const attrs = { scale: options.scale ?? 1 };
  const p = options.positions;
  return tf
    .engine()
    .runKernel(
      p ? EMBED_POSITIONS : EMBED,
      p ? { table, ids, positions: p.table, positionIds: p.ids } : { table, ids },
      attrs,
    ) as tf.Tensor2D;
}
