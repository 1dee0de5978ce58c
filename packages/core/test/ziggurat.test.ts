import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng.js';
import { fillStandardNormal } from '../src/ziggurat.js';

/**
 * Phi(x) through erfc's rational Chebyshev approximation (Numerical Recipes `erfcc`, relative error
 * below 1.2e-7): ample for a KS test at n = 1e6 (critical distance 1.6e-3) and the tail counts.
 */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

describe('fillStandardNormal (ziggurat)', () => {
  const n = 1_000_000;
  const z = fillStandardNormal(new Rng(2024), new Float64Array(n));

  it('has the moments of N(0, 1)', () => {
    let m = 0;
    let v = 0;
    let k = 0;
    for (const x of z) {
      m += x;
      v += x * x;
      k += x ** 4;
    }
    expect(Math.abs(m / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(v / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(k / n - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  });

  it('passes a Kolmogorov-Smirnov test and matches tail frequencies', () => {
    const sorted = Float64Array.from(z).sort();
    let ks = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(sorted[i]!);
      ks = Math.max(ks, (i + 1) / n - f, f - i / n);
    }
    expect(ks).toBeLessThan(1.63 / Math.sqrt(n)); // 1% critical value
    // Beyond the ziggurat's base (|x| > 3.44) the tail algorithm takes over.
    for (const t of [2, 3, 3.5, 4]) {
      const p = 2 * normalCdf(-t);
      const count = z.filter((x) => Math.abs(x) > t).length;
      expect(Math.abs(count / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n) + 1 / n);
    }
  });

  it('backs Rng.fillNormal, for Float64Array and Float32Array', () => {
    const a = new Rng(3).fillNormal(new Float64Array(64));
    expect(a).toEqual(fillStandardNormal(new Rng(3), new Float64Array(64)));
    const b = new Rng(3).fillNormal(new Float32Array(64));
    expect(Array.from(b)).toEqual(Array.from(Float32Array.from(a)));
  });

  it('is reproducible for a seed', () => {
    const a = fillStandardNormal(new Rng(1), new Float64Array(100));
    const b = fillStandardNormal(new Rng(1), new Float64Array(100));
    expect(a).toEqual(b);
  });
});
