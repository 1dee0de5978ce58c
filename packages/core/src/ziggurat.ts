// Fast standard normal draws behind Rng.fillNormal (Monte Carlo, weight init): the ziggurat method
// (Marsaglia & Tsang 2000, "The Ziggurat Method for Generating Random Variables", J. Stat. Softw.
// 5(8)), 128 layers, driven by a seeded Rng. About one 32-bit draw per normal instead of the polar method's
// five and a logarithm. Unlike the original, the layer index (low 7 bits) and the signed magnitude
// (high 25 bits) come from disjoint bits (Doornik 2005 showed the original's overlap correlates them).

import type { Rng } from './rng.js';

const LAYERS = 128;
const R = 3.442619855899; // start of the tail
const AREA = 9.91256303526217e-3; // area of each layer
const SCALE = 2 ** 24; // magnitudes are 25-bit signed integers

const kn = new Float64Array(LAYERS); // |j| < kn[i]: inside the layer's rectangle, accept at once
const wn = new Float64Array(LAYERS); // x = j * wn[i]
const fn = new Float64Array(LAYERS); // exp(-x_i^2 / 2) at the layer edges
{
  let dn = R;
  let tn = dn;
  const q = AREA / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * SCALE;
  kn[1] = 0;
  wn[0] = q / SCALE;
  wn[LAYERS - 1] = dn / SCALE;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * SCALE;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / SCALE;
  }
}

/** The slow path: wedges between rectangles and the Gaussian curve, and the tail beyond R. */
function slow(rng: Rng, j: number, i: number): number {
  for (;;) {
    const x = j * wn[i]!;
    if (i === 0) {
      // Tail beyond R (Marsaglia 1964).
      let tx: number;
      let ty: number;
      do {
        tx = -Math.log(1 - rng.next()) / R;
        ty = -Math.log(1 - rng.next());
      } while (ty + ty < tx * tx);
      return j > 0 ? R + tx : -R - tx;
    }
    if (fn[i]! + rng.next() * (fn[i - 1]! - fn[i]!) < Math.exp(-0.5 * x * x)) return x;
    const u = rng.uint32() | 0;
    i = u & (LAYERS - 1);
    j = u >> 7;
    if (Math.abs(j) < kn[i]!) return j * wn[i]!;
  }
}

/** Fills `out` with independent standard normal draws from `rng` (ziggurat) and returns it. */
export function fillStandardNormal<T extends Float64Array | Float32Array>(rng: Rng, out: T): T {
  for (let n = 0; n < out.length; n++) {
    const u = rng.uint32() | 0;
    const i = u & (LAYERS - 1);
    const j = u >> 7;
    out[n] = Math.abs(j) < kn[i]! ? j * wn[i]! : slow(rng, j, i);
  }
  return out;
}
