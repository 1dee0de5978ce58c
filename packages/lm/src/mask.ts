// Attention masks, left padding and position ids, computed as Hugging Face does for batched inputs
// (`position_ids = attention_mask.cumsum(-1) - 1`, filled with 1 where the mask is 0).

import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@va/core';

/** Additive bias for a masked score: large enough that exp() is 0, finite so no row becomes NaN. */
export const MASKED = -1e9;

/** A batch of token ids or mask values as nested arrays (tensors are read back once). */
export function toRows(where: string, argument: string, x: number[][] | tf.Tensor2D): number[][] {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new ValidationError(where, argument, 'a rank-2 tensor', x.shape);
    return x.arraySync() as number[][];
  }
  if (!Array.isArray(x) || x.length === 0 || !Array.isArray(x[0])) {
    throw new ValidationError(where, argument, 'a non-empty array of rows ([batch][time])', x);
  }
  const len = x[0].length;
  for (let i = 0; i < x.length; i++) {
    if (!Array.isArray(x[i]) || x[i]!.length !== len) {
      throw new ValidationError(
        where,
        `${argument}[${i}]`,
        `a row of length ${len} (all rows equally long; left-pad with a mask)`,
        x[i],
      );
    }
  }
  return x;
}

/** Position ids of the last `time` columns of `mask` [batch][past + time]. */
export function positionsFromMask(mask: readonly (readonly number[])[], time: number): number[][] {
  return mask.map((row) => {
    let count = 0;
    const pos = row.map((m) => {
      count += m ? 1 : 0;
      return m ? count - 1 : 1;
    });
    return pos.slice(pos.length - time);
  });
}

/**
 * Additive attention bias [batch, 1, time, past + time] (flattened): a query sees a key when the key
 * is not after it, is not padding, and (with a sliding window w) is fewer than w positions back.
 */
export function attentionBias(
  mask: readonly (readonly number[])[],
  time: number,
  slidingWindow?: number,
): Float32Array {
  const b = mask.length;
  const s = mask[0]!.length;
  const past = s - time;
  const out = new Float32Array(b * time * s).fill(MASKED);
  for (let i = 0; i < b; i++) {
    const row = mask[i]!;
    for (let t = 0; t < time; t++) {
      const q = past + t;
      const from = slidingWindow ? Math.max(0, q - slidingWindow + 1) : 0;
      const base = (i * time + t) * s;
      for (let k = from; k <= q; k++) if (row[k]) out[base + k] = 0;
    }
  }
  return out;
}

/**
 * Left-pads rows of token ids to one length: `{ ids, mask }` with `padId` and 0 in front of shorter
 * rows. Left padding keeps every row's last token in the last column, as generation needs.
 */
export function padLeft(
  rows: readonly (readonly number[])[],
  padId: number,
): { ids: number[][]; mask: number[][] } {
  const len = Math.max(...rows.map((r) => r.length));
  return {
    ids: rows.map((r) => [...new Array<number>(len - r.length).fill(padId), ...r]),
    mask: rows.map((r) => [...new Array<number>(len - r.length).fill(0), ...r.map(() => 1)]),
  };
}
