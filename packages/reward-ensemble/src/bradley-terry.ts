// The Bradley-Terry preference loss of the ensemble (SPEC 3, paper Appendix B): for one member,
// -log sigmoid(r(chosen) - r(rejected)), computed as softplus(-margin) so it never overflows.

/** `log(1 + exp(x))` without overflow or loss of precision for large |x|. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** The logistic function, stable on both tails. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Loss and gradient of one member on a batch of reward margins. */
export interface BradleyTerryResult {
  /** Mean over the batch of `-log sigmoid(margin)`. */
  readonly loss: number;
  /** d loss / d margin for each pair: `-sigmoid(-margin) / n` (the 1/n of the mean included). */
  readonly gradient: Float64Array;
}

/**
 * The Bradley-Terry loss of one member over `margins[i] = r(chosen_i) - r(rejected_i)`, averaged
 * over the batch, and its gradient with respect to each margin. The ensemble loss is the sum of
 * this over members (additive, so each head's gradient depends on that head alone).
 */
export function bradleyTerryLoss(margins: ArrayLike<number>): BradleyTerryResult {
  const n = margins.length;
  const gradient = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const m = margins[i]!;
    loss += softplus(-m);
    gradient[i] = -sigmoid(-m) / n;
  }
  return { loss: n === 0 ? 0 : loss / n, gradient };
}

/**
 * The share of pairs whose chosen response gets the strictly higher reward (RewardBench's rule:
 * a tie counts as wrong).
 */
export function pairAccuracy(margins: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < margins.length; i++) if (margins[i]! > 0) correct++;
  return margins.length === 0 ? Number.NaN : correct / margins.length;
}
