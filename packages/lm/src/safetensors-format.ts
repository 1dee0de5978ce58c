// Hugging Face safetensors, in memory (https://github.com/huggingface/safetensors, "Format"): an
// 8-byte little-endian header length, a JSON header, then one contiguous little-endian data buffer.

import { ResourceError, ValidationError } from '@va/core';
import { decodeBf16, decodeF16, encodeBf16, encodeF16 } from './float16.js';

/** The float dtypes we decode and write. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

/** A tensor decoded to float32; `dtype` is how it was stored. */
export interface TensorEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array;
}

/**
 * A tensor of a dtype we do not decode (F64, I64, I32, U8, BOOL, F8_*, ...), kept as its raw
 * little-endian bytes. Checkpoints carry such buffers now and then (an `I64` `position_ids`, say).
 */
export interface RawTensorEntry {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

export interface ParsedSafetensors {
  tensors: Map<string, TensorEntry>;
  /** The header's `__metadata__` (string values only, as the format requires). */
  metadata: Record<string, string>;
  /** Tensors of other dtypes, undecoded; absent from `tensors`. */
  others: Map<string, RawTensorEntry>;
}

/** Bytes per element of every dtype the format defines. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
});

/** The reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One tensor's place in the data buffer, checked against the header. */
export interface TensorSlot {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte offsets relative to the start of the data buffer. */
  begin: number;
  end: number;
}

/** The validated header of a safetensors file: tensors sorted by offset, and the metadata. */
export interface SafetensorsHeader {
  slots: TensorSlot[];
  metadata: Record<string, string>;
  /** Bytes before the data buffer (8 + the JSON header's length). */
  dataStart: number;
}

/**
 * Reads the 8-byte prefix: the length of the JSON header. `where` names the file in errors.
 */
export function headerLength(prefix: Uint8Array, fileBytes: number, where: string): number {
  if (prefix.length < 8 || fileBytes < 8) {
    throw new ResourceError(
      `${where}: ${fileBytes} bytes is too short for safetensors (8-byte header length first)`,
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = Number(view.getBigUint64(0, true));
  if (n > MAX_HEADER_BYTES || n > fileBytes - 8) {
    throw new ResourceError(
      `${where}: header length ${n} does not fit the file's ${fileBytes} bytes (limit ${MAX_HEADER_BYTES}); ` +
        'the file is truncated or not safetensors',
    );
  }
  return n;
}

/**
 * Parses and validates the JSON header the way the reference implementation does: known dtypes,
 * non-negative integer shapes, byte ranges that match the shapes and tile the data buffer exactly.
 */
export function parseHeader(json: Uint8Array, dataBytes: number, where: string): SafetensorsHeader {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (cause) {
    throw new ResourceError(`${where}: the header is not valid UTF-8 JSON (${String(cause)})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new ResourceError(`${where}: the header must be a JSON object`);
  }
  const metadata: Record<string, string> = {};
  const slots: TensorSlot[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((info ?? {}) as Record<string, unknown>)) {
        if (typeof v !== 'string') {
          throw new ResourceError(`${where}: __metadata__.${k} must be a string, got ${typeof v}`);
        }
        metadata[k] = v;
      }
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
    const bytesPer = typeof dtype === 'string' ? SAFETENSORS_DTYPE_BYTES[dtype] : undefined;
    if (bytesPer === undefined) {
      throw new ResourceError(
        `${where}: tensor '${name}' has unknown dtype ${JSON.stringify(dtype)} ` +
          `(known: ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(', ')})`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ResourceError(
        `${where}: tensor '${name}' has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`,
      );
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[1] < offsets[0]
    ) {
      throw new ResourceError(
        `${where}: tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`,
      );
    }
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    const [begin, end] = offsets as [number, number];
    if (end - begin !== count * bytesPer) {
      throw new ResourceError(
        `${where}: tensor '${name}' (${dtype} [${shape.join(', ')}]) needs ${count * bytesPer} bytes ` +
          `but data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    }
    slots.push({ name, dtype: dtype as string, shape: shape as number[], begin, end });
  }
  slots.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const slot of slots) {
    if (slot.begin !== cursor) {
      throw new ResourceError(
        `${where}: tensor '${slot.name}' starts at byte ${slot.begin} but the previous tensor ends at ${cursor}; ` +
          'the data buffer has a gap or an overlap',
      );
    }
    cursor = slot.end;
  }
  if (cursor !== dataBytes) {
    const last = slots.at(-1);
    throw new ResourceError(
      `${where}: the tensors cover ${cursor} bytes of data but the file holds ${dataBytes}` +
        (last ? ` (last tensor '${last.name}')` : '') +
        (cursor > dataBytes ? '; the file is truncated' : ''),
    );
  }
  return { slots, metadata, dataStart: 8 + json.length };
}

/** Decodes one tensor's bytes; F32 becomes a view of `bytes` when it is 4-byte aligned. */
export function decodeTensor(dtype: SafetensorsDtype, bytes: Uint8Array): Float32Array {
  if (!littleEndian) {
    throw new ResourceError('safetensors: big-endian platforms are not supported');
  }
  const n = bytes.length / (dtype === 'F32' ? 4 : 2);
  const align = dtype === 'F32' ? 4 : 2;
  const aligned = bytes.byteOffset % align === 0 ? bytes : bytes.slice();
  if (dtype === 'F32') return new Float32Array(aligned.buffer, aligned.byteOffset, n);
  const bits = new Uint16Array(aligned.buffer, aligned.byteOffset, n);
  return dtype === 'F16' ? decodeF16(bits) : decodeBf16(bits);
}

export function isDecodedDtype(dtype: string): dtype is SafetensorsDtype {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

/**
 * Parses a whole safetensors file held in memory. F32 tensors are views into `bytes` where
 * alignment allows (no copy: do not reuse `bytes` while they live); F16 and BF16 are decoded to
 * float32; other dtypes come back undecoded in `others`.
 */
export function parseSafetensors(bytes: Uint8Array): ParsedSafetensors {
  const where = 'parseSafetensors';
  const n = headerLength(bytes, bytes.length, where);
  const { slots, metadata, dataStart } = parseHeader(
    bytes.subarray(8, 8 + n),
    bytes.length - 8 - n,
    where,
  );
  const tensors = new Map<string, TensorEntry>();
  const others = new Map<string, RawTensorEntry>();
  for (const { name, dtype, shape, begin, end } of slots) {
    const raw = bytes.subarray(dataStart + begin, dataStart + end);
    if (isDecodedDtype(dtype)) tensors.set(name, { dtype, shape, data: decodeTensor(dtype, raw) });
    else others.set(name, { dtype, shape, bytes: raw });
  }
  return { tensors, metadata, others };
}

/** What serialization needs of a tensor. */
export interface TensorInput {
  shape: number[];
  data: Float32Array;
}

/** The layout of a file about to be written: its header bytes and each tensor's place. */
export interface SafetensorsPlan {
  header: Uint8Array;
  /** Tensors in data order (sorted by name, as the reference writer does for one dtype). */
  order: string[];
  dataBytes: number;
}

/**
 * Checks the tensors and lays out a file: the JSON header padded with spaces to a multiple of 8
 * bytes (as the reference writer does), then the data in name order. `where` names the caller.
 */
export function planSafetensors(
  tensors: Map<string, TensorInput>,
  dtype: SafetensorsDtype,
  metadata: Record<string, string> | undefined,
  where: string,
): SafetensorsPlan {
  if (!isDecodedDtype(dtype)) {
    throw new ValidationError(where, 'options.dtype', "one of 'F32', 'F16', 'BF16'", dtype);
  }
  const meta: Record<string, string> = { format: 'pt', ...metadata };
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string') {
      throw new ValidationError(where, `options.metadata.${k}`, 'a string', v);
    }
  }
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const order = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: meta };
  let offset = 0;
  for (const name of order) {
    if (name === '__metadata__') {
      throw new ValidationError(where, 'tensors', 'tensor names other than __metadata__', name);
    }
    const { shape, data } = tensors.get(name)!;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ValidationError(
        where,
        `tensors['${name}'].shape`,
        'an array of non-negative integers',
        shape,
      );
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(data instanceof Float32Array) || data.length !== count) {
      throw new ValidationError(
        where,
        `tensors['${name}'].data`,
        `a Float32Array of ${count} values (shape [${shape.join(', ')}])`,
        data,
      );
    }
    header[name] = { dtype, shape, data_offsets: [offset, offset + count * bytesPer] };
    offset += count * bytesPer;
  }
  let json = JSON.stringify(header);
  const encoded = new TextEncoder().encode(json);
  json += ' '.repeat((8 - (encoded.length % 8)) % 8);
  return { header: new TextEncoder().encode(json), order, dataBytes: offset };
}

/** The little-endian bytes of a tensor in `dtype` (a view, not a copy, for F32). */
export function encodeTensor(data: Float32Array, dtype: SafetensorsDtype): Uint8Array {
  if (!littleEndian) {
    throw new ResourceError('safetensors: big-endian platforms are not supported');
  }
  if (dtype === 'F32') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bits = dtype === 'F16' ? encodeF16(data) : encodeBf16(data);
  return new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
}

/** The 8-byte little-endian length prefix. */
export function lengthPrefix(n: number): Uint8Array {
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(n), true);
  return prefix;
}

/**
 * Serializes tensors to one safetensors file in memory. `dtype` (default F32) converts every tensor,
 * rounding to nearest even; `metadata` is merged over `{ format: 'pt' }`, which `transformers`
 * requires to load the file. F32 round trips bit-exactly.
 */
export function serializeSafetensors(
  tensors: Map<string, TensorInput>,
  options: { dtype?: SafetensorsDtype; metadata?: Record<string, string> } = {},
): Uint8Array {
  const dtype = options.dtype ?? 'F32';
  const plan = planSafetensors(tensors, dtype, options.metadata, 'serializeSafetensors');
  const out = new Uint8Array(8 + plan.header.length + plan.dataBytes);
  out.set(lengthPrefix(plan.header.length), 0);
  out.set(plan.header, 8);
  let offset = 8 + plan.header.length;
  for (const name of plan.order) {
    const bytes = encodeTensor(tensors.get(name)!.data, dtype);
    out.set(bytes, offset);
    offset += bytes.length;
  }
  return out;
}
