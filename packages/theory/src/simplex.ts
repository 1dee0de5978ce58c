// The 'simplex' variant of problems (2) and (3): max <pi, r> s.t. ||pi - pi0||_W^2 <= eps,
// sum pi = 1, pi >= 0, W = diag(w) (w = 1: vanilla; w = sigma2: variance-aware), solved exactly.
//
// KKT: pi_i = max(0, pi0_i + t (r_i - mu) / w_i), t = 1/lambda > 0, mu the sum-to-one multiplier.
// For a fixed t this is the W-projection of pi0 + t W^{-1} r onto the simplex (exact, by sorting
// the breakpoints). Inside one active set A the step d = pi - pi0 is affine in t and
// g(t) = ||d(t)||_W^2 = a_A t^2 + b_A exactly, with
//   c = sum_A r_i/w_i / sum_A 1/w_i,  a_A = sum_A (r_i - c)^2 / w_i,
//   b_A = (1 - sum_A pi0_i)^2 / sum_A 1/w_i + sum_{i not in A} w_i pi0_i^2,
// and g is non-decreasing in t (the projection arc moves away from pi0). So: guess t, find its
// active set, solve that set's quadratic for g(t) = eps, repeat until the active set no longer
// changes (usually 1-3 rounds), with a bracket that falls back to bisection.

/** Reusable work buffers for one problem size (allocation-free solves in simulations). */
export class SimplexSolver {
  readonly size: number;
  private readonly order: Int32Array;
  private readonly breaks: Float64Array;
  private readonly active: Uint8Array;
  private readonly previous: Uint8Array;
  /** Rounds of the last {@link solve} (for tests and benchmarks). */
  rounds = 0;

  constructor(size: number) {
    this.size = size;
    this.order = new Int32Array(size);
    this.breaks = new Float64Array(size);
    this.active = new Uint8Array(size);
    this.previous = new Uint8Array(size);
  }

  /**
   * Writes the maximiser into `out` and returns it. Inputs are trusted (checked by the callers):
   * `p0` a distribution, `w > 0`, `eps >= 0`, all of length {@link size}.
   */
  solve(
    p0: Float64Array,
    r: Float64Array,
    w: Float64Array,
    eps: number,
    out: Float64Array = new Float64Array(this.size),
  ): Float64Array {
    const n = this.size;
    this.rounds = 0;
    let rMax = Number.NEGATIVE_INFINITY;
    let rMin = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (r[i]! > rMax) rMax = r[i]!;
      if (r[i]! < rMin) rMin = r[i]!;
    }
    // Nothing to gain (eps = 0), or every distribution scores the same (r constant): stay at pi0.
    if (eps === 0 || rMax === rMin) {
      out.set(p0);
      return out;
    }
    // The limit t -> infinity: the point of the optimal face {supp in argmax r} nearest to pi0.
    // If it is feasible it is optimal (it maximises <pi, r> over the whole simplex).
    let pT = 0;
    let sT = 0;
    for (let i = 0; i < n; i++) {
      if (r[i] === rMax) {
        pT += p0[i]!;
        sT += 1 / w[i]!;
      }
    }
    let gLimit = 0;
    for (let i = 0; i < n; i++) {
      const d = r[i] === rMax ? (1 - pT) / (sT * w[i]!) : -p0[i]!;
      gLimit += w[i]! * d * d;
    }
    if (gLimit <= eps) {
      for (let i = 0; i < n; i++) out[i] = r[i] === rMax ? p0[i]! + (1 - pT) / (sT * w[i]!) : 0;
      return out;
    }
    // Start from the full active set's root: the answer whenever no probability hits zero.
    let t = this.root(p0, r, w, eps, true);
    let g = this.project(p0, r, w, t, out);
    let lo = 0;
    let hi = Number.POSITIVE_INFINITY;
    for (let round = 1; round <= 200; round++) {
      this.rounds = round;
      if (g === eps) return out;
      if (g < eps) lo = t;
      else hi = t;
      if (Number.isFinite(hi) && hi - lo <= 4 * Number.EPSILON * hi) break;
      // The root of this active set's quadratic is exact if the active set still holds there.
      this.previous.set(this.active);
      const next = this.root(p0, r, w, eps, false);
      if (next >= lo && next <= hi) {
        const moved = next !== t;
        t = next;
        g = this.project(p0, r, w, t, out);
        let same = true;
        for (let i = 0; i < n; i++) same &&= this.active[i] === this.previous[i];
        if (same) return out;
        if (!moved) {
          // Rounding put the root on a breakpoint: bisect instead of repeating it.
          t = Number.isFinite(hi) ? 0.5 * (lo + hi) : 2 * Math.max(t, lo);
          g = this.project(p0, r, w, t, out);
        }
      } else {
        t = Number.isFinite(hi) ? 0.5 * (lo + hi) : 2 * Math.max(t, lo);
        g = this.project(p0, r, w, t, out);
      }
    }
    if (Number.isFinite(hi)) this.project(p0, r, w, hi, out);
    return out;
  }

  /**
   * pi(t) = W-projection of pi0 + t W^{-1} r onto the simplex, written to `out`; marks the active
   * set and returns g(t) = ||pi(t) - pi0||_W^2.
   */
  private project(
    p0: Float64Array,
    r: Float64Array,
    w: Float64Array,
    t: number,
    out: Float64Array,
  ): number {
    const n = this.size;
    const { order, breaks, active } = this;
    // Coordinate i is positive iff mu < m_i = r_i + w_i pi0_i / t; sort the m_i descending.
    for (let i = 0; i < n; i++) {
      breaks[i] = r[i]! + (w[i]! * p0[i]!) / t;
      let j = i;
      while (j > 0 && breaks[order[j - 1]!]! < breaks[i]!) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
    }
    let p = 0;
    let s = 0;
    let q = 0;
    let mu = 0;
    let k = 0;
    while (k < n) {
      const i = order[k]!;
      p += p0[i]!;
      s += 1 / w[i]!;
      q += r[i]! / w[i]!;
      k++;
      mu = (p - 1) / (t * s) + q / s;
      if (k === n || mu >= breaks[order[k]!]!) break;
    }
    active.fill(0);
    for (let j = 0; j < k; j++) active[order[j]!] = 1;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      out[i] = active[i] ? Math.max(0, p0[i]! + (t * (r[i]! - mu)) / w[i]!) : 0;
      sum += out[i]!;
    }
    // Rounding in t (r - mu) / w can leave the sum a few ulps of the largest term off one when
    // rewards or weights span many orders of magnitude: shift mu by the amount that removes it.
    const excess = (sum - 1) / s;
    let g = 0;
    for (let i = 0; i < n; i++) {
      if (active[i] && excess !== 0) out[i] = Math.max(0, out[i]! - excess / w[i]!);
      const d = out[i]! - p0[i]!;
      g += w[i]! * d * d;
    }
    return g;
  }

  /** The t > 0 with a_A t^2 + b_A = eps for the marked active set (or all, with `all`); NaN if none. */
  private root(
    p0: Float64Array,
    r: Float64Array,
    w: Float64Array,
    eps: number,
    all: boolean,
  ): number {
    const n = this.size;
    let p = 0;
    let s = 0;
    let q = 0;
    let rest = 0;
    for (let i = 0; i < n; i++) {
      if (all || this.active[i]) {
        p += p0[i]!;
        s += 1 / w[i]!;
        q += r[i]! / w[i]!;
      } else {
        rest += w[i]! * p0[i]! * p0[i]!;
      }
    }
    const c = q / s;
    let a = 0;
    for (let i = 0; i < n; i++) {
      if (all || this.active[i]) a += (r[i]! - c) ** 2 / w[i]!;
    }
    const b = ((1 - p) * (1 - p)) / s + rest;
    return a > 0 && eps > b ? Math.sqrt((eps - b) / a) : Number.NaN;
  }
}
