import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng } from '../src/rng.js';

describe('Rng', () => {
  it('matches the reference C implementation of xoshiro128** with splitmix32 seeding', () => {
    // Values printed by test/xoshiro128ss-reference.c (gcc -O2), an independent implementation.
    const r42 = new Rng(42);
    expect(Array.from({ length: 5 }, () => r42.uint32())).toEqual([
      2837322924, 544945897, 479756282, 3500138142, 339756180,
    ]);
    const rBig = new Rng(12345678901);
    expect(Array.from({ length: 5 }, () => rBig.uint32())).toEqual([
      776842073, 1041258316, 2573692133, 3231393066, 565804718,
    ]);
  });

  it('is reproducible and seeds give different streams', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xa = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xa);
  });

  it('draws uniforms and normals with the right moments', () => {
    const rng = new Rng(1);
    const n = 200_000;
    let su = 0;
    let suu = 0;
    let sz = 0;
    let szz = 0;
    let sz4 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      su += u;
      suu += u * u;
      const z = rng.normal();
      sz += z;
      szz += z * z;
      sz4 += z ** 4;
    }
    // Uniform: mean 1/2, variance 1/12. Normal: mean 0, variance 1, kurtosis 3. Tolerances are ~5
    // standard errors at n = 2e5.
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(suu / n - (su / n) ** 2).toBeCloseTo(1 / 12, 3);
    expect(Math.abs(sz / n)).toBeLessThan(0.012);
    expect(Math.abs(szz / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(sz4 / n - 3)).toBeLessThan(0.1);
  });

  it('int(n) covers [0, n) evenly', () => {
    const rng = new Rng(3);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => rng.int(0)).toThrow(/Rng.int: argument 'n'/);
  });

  it('rejects invalid seeds with the argument named', () => {
    expect(() => new Rng(-1)).toThrow(/Rng: argument 'seed' must be an integer/);
    expect(() => new Rng(1.5)).toThrow(/seed/);
    expect(() => new Rng(Number.NaN)).toThrow(/got NaN/);
  });

  it('derives distinct, stable seeds and independent forks', () => {
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    const seeds = new Set(Array.from({ length: 1000 }, (_, k) => deriveSeed(1, k)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(2, 'a'));
    const parent = new Rng(5);
    const before = new Rng(5).next();
    const f1 = parent.fork('x').next();
    expect(parent.next()).toBe(before);
    expect(new Rng(5).fork('x').next()).toBe(f1);
  });

  it('shuffles to a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Rng(9).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});
