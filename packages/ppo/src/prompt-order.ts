// The order in which a run takes its prompts: a fresh seeded permutation of the pool on every pass
// over it, so that a run resumed at step k takes the same prompts as one that never stopped.

import { deriveSeed, Rng } from '@va/core';

/** The prompt indices of `step`: a fresh seeded permutation of the pool on every pass over it. */
export function promptIndices(
  step: number,
  batchSize: number,
  poolSize: number,
  seed: number,
): number[] {
  const perms = new Map<number, number[]>();
  const perm = (epoch: number) => {
    let p = perms.get(epoch);
    if (!p) {
      p = new Rng(deriveSeed(seed, 'prompts', epoch)).shuffle(
        Array.from({ length: poolSize }, (_, i) => i),
      );
      perms.set(epoch, p);
    }
    return p;
  };
  return Array.from({ length: batchSize }, (_, j) => {
    const k = step * batchSize + j;
    return perm(Math.floor(k / poolSize))[k % poolSize]!;
  });
}
