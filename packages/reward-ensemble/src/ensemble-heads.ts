// K linear reward heads as one d x K matrix (SPEC 3): one backbone pass gives h, and
// r_k = w_k^T h + b_k for every member at once.

import { deriveSeed, Rng, ValidationError } from '@va/core';
import type { FeatureMatrix } from './backbone.js';

/**
 * The heads of an ensemble. `weight[i * k + j]` is row `i` (feature) of column `j` (member).
 * The bias never trains under the Bradley-Terry loss (it cancels in `r(chosen) - r(rejected)`), so
 * heads we train keep it at zero, as the paper's 10 x 2048 = 20,480 parameters imply; it is kept so
 * that heads trained elsewhere with a bias load unchanged.
 */
export interface EnsembleHeads {
  readonly dim: number;
  readonly k: number;
  readonly weight: Float64Array;
  readonly bias: Float64Array;
}

/** The seed of member `member` of an ensemble seeded with `seed` (its head's initialisation). */
export function memberSeed(seed: number, member: number): number {
  return deriveSeed(seed, 'member-init', member);
}

/**
 * Fresh heads: column `j` holds member `members[j]`, drawn from N(0, (initScale / sqrt(dim))^2)
 * with its own seed, so a member's start does not depend on which others are trained with it.
 */
export function initEnsembleHeads(
  dim: number,
  members: readonly number[],
  seed: number,
  initScale = 1,
): EnsembleHeads {
  const k = members.length;
  const weight = new Float64Array(dim * k);
  const sd = initScale / Math.sqrt(dim);
  members.forEach((member, j) => {
    const rng = new Rng(memberSeed(seed, member));
    for (let i = 0; i < dim; i++) weight[i * k + j] = rng.normal(0, sd);
  });
  return { dim, k, weight, bias: new Float64Array(k) };
}

/**
 * Every member's reward for every row of `features`: a `rows x k` row-major matrix. Each entry is
 * summed over features in the same order whatever `k` is, so a member scores identically alone or
 * inside a larger ensemble.
 */
export function scoreWithHeads(heads: EnsembleHeads, features: FeatureMatrix): Float64Array {
  if (features.dim !== heads.dim) {
    throw new ValidationError(
      'scoreWithHeads',
      'features.dim',
      `${heads.dim} (the heads' input width)`,
      features.dim,
      'Score with the backbone the heads were trained on.',
    );
  }
  const { dim, k, weight, bias } = heads;
  const out = new Float64Array(features.rows * k);
  const x = features.data;
  for (let r = 0; r < features.rows; r++) {
    const base = r * dim;
    const o = r * k;
    for (let j = 0; j < k; j++) out[o + j] = bias[j]!;
    for (let i = 0; i < dim; i++) {
      const xi = x[base + i]!;
      if (xi === 0) continue;
      const w = i * k;
      for (let j = 0; j < k; j++) out[o + j] += xi * weight[w + j]!;
    }
  }
  return out;
}

/** The heads of the listed members only (columns in the given order). */
export function selectMembers(heads: EnsembleHeads, members: readonly number[]): EnsembleHeads {
  for (const m of members) {
    if (!Number.isInteger(m) || m < 0 || m >= heads.k) {
      throw new ValidationError('selectMembers', 'members', `indices in [0, ${heads.k})`, members);
    }
  }
  const k = members.length;
  const weight = new Float64Array(heads.dim * k);
  for (let i = 0; i < heads.dim; i++) {
    members.forEach((m, j) => {
      weight[i * k + j] = heads.weight[i * heads.k + m]!;
    });
  }
  return { dim: heads.dim, k, weight, bias: Float64Array.from(members, (m) => heads.bias[m]!) };
}
