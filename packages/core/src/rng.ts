// Seeded, reproducible random numbers for every package: xoshiro128** (Blackman & Vigna 2018)
// seeded through splitmix32, 53-bit uniforms, and standard normals by Marsaglia's polar method.

import { checkNumber } from './validate.js';
import { fillStandardNormal } from './ziggurat.js';

/** splitmix32 step: a strong 32-bit mixer, used to expand a seed into generator state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Derives a new seed from a seed and labels (for example `deriveSeed(seed, memberIndex)`), so that
 * independent streams need no hand-picked seeds. Deterministic; different labels give unrelated seeds.
 */
export function deriveSeed(seed: number, ...labels: (number | string)[]): number {
  const st = { s: (seed >>> 0) ^ Math.floor(seed / 2 ** 32) };
  let h = splitmix32(st);
  for (const label of labels) {
    const text = String(label);
    for (let i = 0; i < text.length; i++) {
      st.s = (h ^ text.charCodeAt(i)) | 0;
      h = splitmix32(st);
    }
    st.s = (h ^ 0x2f) | 0;
    h = splitmix32(st);
  }
  return h;
}

/** A seeded pseudo-random generator. Same seed, same sequence, on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;
  readonly seed: number;

  /** `seed`: a non-negative integer below 2^53. */
  constructor(seed: number) {
    this.seed = checkNumber('Rng', 'seed', seed, {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
    });
    const st = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x27d4eb2f) };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
  }

  /** The next 32 random bits as an unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform double in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    checkNumber('Rng.int', 'n', n, { min: 1, max: 2 ** 32, integer: true });
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** A normal draw with the given mean and standard deviation (Marsaglia's polar method). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return mean + sd * u * f;
  }

  /**
   * Fills `out` with standard normal draws and returns it: the ziggurat method, about five times
   * faster than repeated {@link normal} calls (and a different stream from them).
   */
  fillNormal<T extends Float64Array | Float32Array>(out: T): T {
    return fillStandardNormal(this, out);
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** An independent generator derived from this one's seed and `label`; does not advance this one. */
  fork(label: number | string): Rng {
    return new Rng(deriveSeed(this.seed, label));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
