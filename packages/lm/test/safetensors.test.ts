import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResourceError, ValidationError } from '@va/core';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import {
  decodeF16,
  encodeBf16,
  encodeF16,
  f16BitsToF32,
  f32Bits,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
} from '../src/float16.js';
import {
  iterateSafetensorsFolder,
  parseSafetensors,
  readSafetensorsFolder,
  serializeSafetensors,
  writeSafetensorsFolder,
} from '../src/safetensors.js';
import { sampleTensors } from './fixtures/safetensors/sample.js';

const fix = join(import.meta.dirname, 'fixtures', 'safetensors');
const json = (name: string) => JSON.parse(readFileSync(join(fix, name), 'utf8'));
const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** A file with a hand-written header, for the malformed cases. */
function craft(header: object, dataBytes: number): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

describe('half-precision conversions against numpy (f16) and torch (bf16)', () => {
  const conv = json('conversions.json') as { f32: number[]; f16: number[]; bf16: number[] };

  it('f32 -> f16 matches numpy bit for bit on 6000+ stress cases', () => {
    const bad = conv.f32.filter((b, i) => f32BitsToF16Bits(b) !== conv.f16[i]);
    expect(bad).toEqual([]);
  });

  it('f32 -> bf16 matches torch bit for bit (any NaN for NaN)', () => {
    const isNan16 = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
    const bad = conv.f32.filter((b, i) => {
      const ours = f32BitsToBf16Bits(b);
      const ref = conv.bf16[i]!;
      return isNan16(ref) ? !isNan16(ours) : ours !== ref;
    });
    expect(bad).toEqual([]);
  });

  it('decodes binary16 exactly: literals and an exhaustive round trip', () => {
    expect(f16BitsToF32(0x3c00)).toBe(1);
    expect(f16BitsToF32(0x7bff)).toBe(65504);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToF32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16BitsToF32(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
    expect(f16BitsToF32(0x7e00)).toBeNaN();
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = decodeF16(all);
    for (let h = 0; h < 65536; h++) {
      if (Number.isNaN(decoded[h])) continue;
      if (f32BitsToF16Bits(f32Bits(decoded[h]!)) !== h) throw new Error(`0x${h.toString(16)}`);
    }
  });

  it('rounds ties to even and overflows to infinity', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to the even 1.
    expect(f32BitsToF16Bits(f32Bits(1 + 2 ** -11))).toBe(0x3c00);
    expect(f32BitsToF16Bits(f32Bits(1 + 3 * 2 ** -11))).toBe(0x3c02);
    expect(f32BitsToF16Bits(f32Bits(65520))).toBe(0x7c00);
    expect(f32BitsToBf16Bits(f32Bits(1 + 2 ** -8))).toBe(0x3f80);
    expect(f32BitsToBf16Bits(f32Bits(1 + 3 * 2 ** -8))).toBe(0x3f82);
    expect(f32BitsToBf16Bits(0x7f7fffff)).toBe(0x7f80);
    const v = new Float32Array([0.1, -3]);
    expect([...encodeF16(v)]).toEqual([0x2e66, 0xc200]);
    expect([...encodeBf16(v)]).toEqual([0x3dcd, 0xc040]);
  });
});

describe('parseSafetensors', () => {
  it('reads a file written by the independent Python writer', () => {
    const ref = json('reference.json');
    const parsed = parseSafetensors(readFileSync(join(fix, 'reference.safetensors')));
    expect(parsed.metadata).toEqual(ref.metadata);
    expect([...parsed.tensors.keys()].sort()).toEqual(Object.keys(ref.tensors).sort());
    for (const [name, want] of Object.entries(ref.tensors) as [
      string,
      { dtype: string; shape: number[]; values: number[] },
    ][]) {
      const got = parsed.tensors.get(name)!;
      expect(got.dtype).toBe(want.dtype);
      expect(got.shape).toEqual(want.shape);
      expect([...got.data]).toEqual(want.values);
    }
    const ids = parsed.others.get('position_ids')!;
    expect(ids.dtype).toBe('I64');
    const longs = new BigInt64Array(new Uint8Array(ids.bytes).buffer);
    expect([...longs].map(String)).toEqual(ref.others.position_ids.values);
  });

  it("reads a file written by the reference package's own save_file (safetensors 0.8, torch)", () => {
    const ref = json('official-torch.json') as Record<
      string,
      { dtype: string; shape: number[]; values: number[] }
    >;
    const parsed = parseSafetensors(readFileSync(join(fix, 'official-torch.safetensors')));
    expect(parsed.metadata).toEqual({ format: 'pt' });
    for (const [name, want] of Object.entries(ref)) {
      const got = parsed.tensors.get(name)!;
      expect({ dtype: got.dtype, shape: got.shape, values: [...got.data] }).toEqual(want);
    }
  });

  it('returns F32 tensors as views of an aligned buffer, and copies when misaligned', () => {
    const bytes = serializeSafetensors(sampleTensors());
    const view = parseSafetensors(bytes).tensors.get('transformer.wte.weight')!;
    expect(view.data.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const copy = parseSafetensors(shifted).tensors.get('transformer.wte.weight')!;
    expect(copy.data.buffer).not.toBe(shifted.buffer);
    expect([...bitsOf(copy.data)]).toEqual([...bitsOf(view.data)]);
  });

  it('names the tensor when offsets, sizes or dtypes are wrong', () => {
    const bad = (header: object, n: number) => () => parseSafetensors(craft(header, n));
    const t = (dtype: string, shape: number[], offsets: number[]) => ({
      dtype,
      shape,
      data_offsets: offsets,
    });
    expect(bad({ w: t('F32', [2, 2], [0, 12]) }, 12)).toThrow(/'w'.*needs 16 bytes/);
    expect(bad({ w: t('F32', [2], [0, 8]) }, 4)).toThrow(/truncated/);
    expect(bad({ w: t('F32', [2], [0, 8]), v: t('F32', [1], [4, 8]) }, 12)).toThrow(
      /'v' starts at byte 4.*overlap/,
    );
    expect(bad({ w: t('Q4', [2], [0, 2]) }, 2)).toThrow(/'w' has unknown dtype "Q4"/);
    expect(bad({ w: t('F32', [-1], [0, 0]) }, 0)).toThrow(/'w' has shape/);
    expect(bad({ __metadata__: { n: 3 } }, 0)).toThrow(/__metadata__.n must be a string/);
    expect(bad({ w: t('F32', [1], [0, 4]) }, 8)).toThrow(/cover 4 bytes.*holds 8/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1000n, true);
    expect(() => parseSafetensors(huge)).toThrow(ResourceError);
    expect(() => parseSafetensors(new Uint8Array(3))).toThrow(/too short/);
  });
});

describe('serializeSafetensors', () => {
  it('writes exactly the bytes the Python reference reader verified', () => {
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const ours = serializeSafetensors(sampleTensors(), { dtype, metadata: { writer: '@va/lm' } });
      const verified = readFileSync(join(fix, `ours-${dtype.toLowerCase()}.safetensors`));
      expect(Buffer.from(ours).equals(verified)).toBe(true);
    }
  });

  it('pads the header with spaces to a multiple of 8 and writes format=pt', () => {
    const bytes = serializeSafetensors(new Map([['a', { shape: [1], data: new Float32Array(1) }]]));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header).toMatch(/^\{"__metadata__":\{"format":"pt"\}.*\} *$/);
  });

  it('round trips F32 bit-exactly, NaN payloads and -0 included', () => {
    const words = new Uint32Array(1000);
    let s = 12345;
    for (let i = 0; i < words.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      words[i] = s ^ (s << 7);
    }
    words[0] = 0x80000000;
    words[1] = 0x7fa00001;
    const data = new Float32Array(words.buffer);
    const back = parseSafetensors(
      serializeSafetensors(new Map([['x', { shape: [10, 100], data }]])),
    );
    expect(back.tensors.get('x')!.shape).toEqual([10, 100]);
    expect(bitsOf(back.tensors.get('x')!.data)).toEqual(words);
  });

  it('rejects data that does not fit its shape, naming the tensor', () => {
    const tensors = new Map([['w', { shape: [2, 3], data: new Float32Array(5) }]]);
    expect(() => serializeSafetensors(tensors)).toThrow(ValidationError);
    expect(() => serializeSafetensors(tensors)).toThrow(/tensors\['w'\]\.data.*6 values/);
    const ok = new Map([['w', { shape: [1], data: new Float32Array(1) }]]);
    expect(() => serializeSafetensors(ok, { dtype: 'F64' as 'F32' })).toThrow(/options.dtype/);
    expect(() => serializeSafetensors(ok, { metadata: { n: 1 as unknown as string } })).toThrow(
      /options.metadata.n/,
    );
  });
});

describe('safetensors folders', () => {
  it('reads the sharded folder the Python reference verified, bit-exactly', async () => {
    const { tensors } = await readSafetensorsFolder(join(fix, 'ours-sharded'));
    for (const [name, t] of sampleTensors()) {
      expect(tensors.get(name)!.shape).toEqual(t.shape);
      expect([...bitsOf(tensors.get(name)!.data)]).toEqual([...bitsOf(t.data)]);
    }
  });

  it('shards like transformers and reproduces the verified files', async () => {
    const dir = tempDir('va-lm-st-');
    await writeSafetensorsFolder(dir, sampleTensors(), {
      maxShardBytes: 200,
      metadata: { writer: '@va/lm' },
    });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(readdirSync(join(fix, 'ours-sharded')).sort());
    for (const f of files) {
      expect(readFileSync(join(dir, f)).equals(readFileSync(join(fix, 'ours-sharded', f)))).toBe(
        true,
      );
    }
  });

  it('gives a tensor above the limit its own shard, and removes stale weights', async () => {
    const dir = tempDir('va-lm-st-');
    const t = (n: number) => ({ shape: [n], data: new Float32Array(n).fill(n) });
    await writeSafetensorsFolder(
      dir,
      new Map([
        ['a', t(10)],
        ['b', t(100)],
        ['c', t(10)],
      ]),
      {
        maxShardBytes: 100,
      },
    );
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(index).toEqual({
      metadata: { total_size: 480 },
      weight_map: {
        a: 'model-00001-of-00003.safetensors',
        b: 'model-00002-of-00003.safetensors',
        c: 'model-00003-of-00003.safetensors',
      },
    });
    await writeSafetensorsFolder(dir, new Map([['a', t(10)]]), { dtype: 'BF16' });
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    const back = await readSafetensorsFolder(dir);
    expect(back.tensors.get('a')).toEqual({ dtype: 'BF16', shape: [10], data: t(10).data });
  });

  it('names the tensor and the shard when a sharded checkpoint is broken', async () => {
    const dir = tempDir('va-lm-st-');
    const t = { shape: [30], data: new Float32Array(30) };
    await writeSafetensorsFolder(
      dir,
      new Map([
        ['x', t],
        ['y', t],
      ]),
      { maxShardBytes: 150 },
    );
    const indexPath = join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(readFileSync(indexPath, 'utf8'));
    index.weight_map.z = 'model-00001-of-00002.safetensors';
    writeFileSync(indexPath, JSON.stringify(index));
    await expect(readSafetensorsFolder(dir)).rejects.toThrow(
      /maps tensor 'z' to model-00001-of-00002.safetensors, which does not hold it/,
    );
    index.weight_map.z = 'model-00009-of-00009.safetensors';
    writeFileSync(indexPath, JSON.stringify(index));
    await expect(readSafetensorsFolder(dir)).rejects.toThrow(/'z'.*missing from/);
    index.weight_map.z = '../evil.safetensors';
    writeFileSync(indexPath, JSON.stringify(index));
    await expect(readSafetensorsFolder(dir)).rejects.toThrow(/same folder/);
  });

  it('reads only the tensors a filter accepts, and streams them one by one', async () => {
    const dir = join(fix, 'ours-sharded');
    const some = await readSafetensorsFolder(dir, { filter: (n) => n.endsWith('.bias') });
    expect([...some.tensors.keys()].sort()).toEqual([
      'transformer.h.0.attn.c_attn.bias',
      'transformer.ln_f.bias',
    ]);
    const names: string[] = [];
    const items = iterateSafetensorsFolder(dir);
    let next = await items.next();
    while (!next.done) {
      names.push(next.value.name);
      expect(next.value.tensor?.data).toBeInstanceOf(Float32Array);
      next = await items.next();
    }
    expect(next.value).toEqual({ format: 'pt', writer: '@va/lm' });
    expect(names.sort()).toEqual([...sampleTensors().keys()].sort());
    for await (const item of iterateSafetensorsFolder(dir)) {
      expect(item.file).toMatch(/model-00001-of-00002/);
      break; // stopping early closes the shard
    }
  });

  it('says how to convert a folder that only has PyTorch weights', async () => {
    const dir = tempDir('va-lm-st-');
    writeFileSync(join(dir, 'pytorch_model.bin'), 'x');
    await expect(readSafetensorsFolder(dir)).rejects.toThrow(
      /pytorch_model.bin: convert it.*safe_serialization=True/,
    );
    await expect(readSafetensorsFolder(join(dir, 'nope'))).rejects.toThrow(/does not exist/);
  });
});
