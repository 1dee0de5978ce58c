// Half-precision conversions for checkpoints: IEEE 754 binary16 (F16) and bfloat16 (BF16) to and
// from float32, rounding to nearest, ties to even (numpy's `npy_floatbits_to_halfbits`, torch's bf16).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bits of one float32 as binary16, rounded to nearest even; overflow gives ±inf, NaN stays NaN. */
export function f32BitsToF16Bits(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const exp = f & 0x7f800000;
  if (exp >= 0x47800000) {
    // Too large for binary16, infinite, or NaN.
    if (exp === 0x7f800000 && (f & 0x007fffff) !== 0) {
      // NaN: keep the top of the payload, but never let it collapse to infinity.
      const nan = 0x7c00 | ((f & 0x007fffff) >>> 13);
      return sign | (nan === 0x7c00 ? 0x7c01 : nan);
    }
    return sign | 0x7c00;
  }
  if (exp <= 0x38000000) {
    // A binary16 subnormal, or below half of the smallest one (which rounds to zero).
    if (exp < 0x33000000) return sign;
    const e = exp >>> 23;
    let sig = (0x00800000 | (f & 0x007fffff)) >>> (113 - e);
    // Round half to even; the shift may have dropped up to 11 bits that break the tie.
    if ((sig & 0x3fff) !== 0x1000 || (f & 0x7ff) !== 0) sig += 0x1000;
    // A carry out of the significand correctly lands on the smallest normal.
    return sign | (sig >>> 13);
  }
  let sig = f & 0x007fffff;
  if ((sig & 0x3fff) !== 0x1000) sig += 0x1000;
  // A carry out of the significand bumps the exponent, up to infinity: the right answer.
  return sign | (((exp - 0x38000000) >>> 13) + (sig >>> 13));
}

/** The float32 value of binary16 bits (exact: every binary16 value is a float32). */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The bits of one float32 as bfloat16, rounded to nearest even; NaN stays a quiet NaN. */
export function f32BitsToBf16Bits(f: number): number {
  if ((f & 0x7fffffff) > 0x7f800000) return ((f >>> 16) | 0x0040) & 0xffff;
  return ((f + 0x7fff + ((f >>> 16) & 1)) >>> 16) & 0xffff;
}

let f16Table: Float32Array | undefined;

/** Decodes binary16 values to float32 (a 256 KiB lookup table, built on first use). */
export function decodeF16(bits: Uint16Array, out = new Float32Array(bits.length)): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToF32(h);
  }
  const table = f16Table;
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** Decodes bfloat16 values to float32 (exact: bf16 is the top half of a float32). */
export function decodeBf16(bits: Uint16Array, out = new Float32Array(bits.length)): Float32Array {
  const words = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
  return out;
}

/** Encodes float32 values as binary16 bits. */
export function encodeF16(values: Float32Array, out = new Uint16Array(values.length)): Uint16Array {
  const words = wordsOf(values);
  for (let i = 0; i < words.length; i++) out[i] = f32BitsToF16Bits(words[i]!);
  return out;
}

/** Encodes float32 values as bfloat16 bits. */
export function encodeBf16(
  values: Float32Array,
  out = new Uint16Array(values.length),
): Uint16Array {
  const words = wordsOf(values);
  for (let i = 0; i < words.length; i++) out[i] = f32BitsToBf16Bits(words[i]!);
  return out;
}

/** The raw bits of a float32. */
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

function wordsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}
