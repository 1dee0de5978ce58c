// Safetensors checkpoints on disk in Hugging Face layout: `model.safetensors`, or shards
// `model-00001-of-0000N.safetensors` listed in `model.safetensors.index.json` (transformers' layout).

import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ResourceError, ValidationError } from '@va/core';
import {
  decodeTensor,
  encodeTensor,
  headerLength,
  isDecodedDtype,
  lengthPrefix,
  type ParsedSafetensors,
  parseHeader,
  planSafetensors,
  type RawTensorEntry,
  type SafetensorsDtype,
  type TensorEntry,
  type TensorInput,
} from './safetensors-format.js';

export const SAFE_WEIGHTS_NAME = 'model.safetensors';
export const SAFE_WEIGHTS_INDEX_NAME = 'model.safetensors.index.json';
/** transformers' default `max_shard_size` ("5GB"). */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

/** fs reads and writes of at most this many bytes per call (Node refuses more than 2 GiB). */
const IO_CHUNK = 1 << 30;

type FileHandle = Awaited<ReturnType<typeof open>>;

async function readExactly(fh: FileHandle, into: Uint8Array, position: number, where: string) {
  let done = 0;
  while (done < into.length) {
    const length = Math.min(IO_CHUNK, into.length - done);
    const { bytesRead } = await fh.read(into, done, length, position + done);
    if (bytesRead === 0) throw new ResourceError(`${where}: unexpected end of file`);
    done += bytesRead;
  }
}

/** Which tensors to read (all by default): skipped tensors are never read from disk. */
export interface SafetensorsReadOptions {
  filter?: (name: string) => boolean;
}

/** One tensor of a checkpoint as it is read: decoded (`tensor`) or of another dtype (`raw`). */
export type SafetensorsItem = { name: string; file: string } & (
  | { tensor: TensorEntry; raw?: undefined }
  | { raw: RawTensorEntry; tensor?: undefined }
);

async function* iterateFile(
  path: string,
  filter: ((name: string) => boolean) | undefined,
  expected: readonly string[] = [],
): AsyncGenerator<SafetensorsItem, Record<string, string>> {
  const fh = await open(path, 'r').catch((cause: unknown) => {
    throw new ResourceError(`readSafetensorsFile: cannot open ${path} (${String(cause)})`);
  });
  try {
    const size = (await fh.stat()).size;
    const prefix = new Uint8Array(8);
    if (size >= 8) await readExactly(fh, prefix, 0, path);
    const n = headerLength(prefix, size, path);
    const json = new Uint8Array(n);
    await readExactly(fh, json, 8, path);
    const { slots, metadata, dataStart } = parseHeader(json, size - 8 - n, path);
    const present = new Set(slots.map((slot) => slot.name));
    for (const name of expected) {
      if (!present.has(name)) {
        throw new ResourceError(
          `readSafetensorsFolder: ${SAFE_WEIGHTS_INDEX_NAME} maps tensor '${name}' to ${basename(path)}, which does not hold it`,
        );
      }
    }
    for (const { name, dtype, shape, begin, end } of slots) {
      if (filter && !filter(name)) continue;
      const bytes = new Uint8Array(end - begin);
      await readExactly(fh, bytes, dataStart + begin, `${path} (tensor '${name}')`);
      yield isDecodedDtype(dtype)
        ? { name, file: path, tensor: { dtype, shape, data: decodeTensor(dtype, bytes) } }
        : { name, file: path, raw: { dtype, shape, bytes } };
    }
    return metadata;
  } finally {
    await fh.close();
  }
}

async function collect(
  items: AsyncGenerator<SafetensorsItem, Record<string, string>>,
): Promise<ParsedSafetensors> {
  const tensors = new Map<string, TensorEntry>();
  const others = new Map<string, RawTensorEntry>();
  for (;;) {
    const next = await items.next();
    if (next.done) return { tensors, metadata: next.value, others };
    const { name, tensor, raw } = next.value;
    if (tensor) tensors.set(name, tensor);
    else others.set(name, raw!);
  }
}

/**
 * Reads one safetensors file tensor by tensor: each F32 tensor is read straight into its own
 * Float32Array, so the file is never held in memory twice and files above 2 GiB work.
 */
export async function readSafetensorsFile(
  path: string,
  options: SafetensorsReadOptions = {},
): Promise<ParsedSafetensors> {
  return collect(iterateFile(path, options.filter));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The weight files of a checkpoint folder, with the tensors the index expects in each. */
async function weightFiles(dir: string): Promise<{ path: string; expected: string[] }[]> {
  if (dir.endsWith('.safetensors') && (await exists(dir))) return [{ path: dir, expected: [] }];
  const single = join(dir, SAFE_WEIGHTS_NAME);
  if (await exists(single)) return [{ path: single, expected: [] }];
  const indexPath = join(dir, SAFE_WEIGHTS_INDEX_NAME);
  if (!(await exists(indexPath))) {
    const found = await readdir(dir).catch(() => undefined);
    if (!found) {
      throw new ResourceError(`readSafetensorsFolder: folder ${dir} does not exist`);
    }
    const legacy = found.filter((f) => /\.(bin|pt|pth|ckpt|h5|msgpack)$/.test(f));
    throw new ResourceError(
      `readSafetensorsFolder: ${dir} has neither ${SAFE_WEIGHTS_NAME} nor ${SAFE_WEIGHTS_INDEX_NAME}` +
        (legacy.length
          ? `; it holds ${legacy.join(', ')}: convert it in Python with ` +
            '`AutoModelForCausalLM.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)`'
          : ` (found: ${found.join(', ') || 'nothing'})`),
    );
  }
  const byFile = new Map<string, string[]>();
  for (const [name, file] of Object.entries(await readIndex(indexPath))) {
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file)!.push(name);
  }
  const files: { path: string; expected: string[] }[] = [];
  for (const [file, names] of byFile) {
    const path = join(dir, file);
    if (!(await exists(path))) {
      throw new ResourceError(
        `readSafetensorsFolder: ${SAFE_WEIGHTS_INDEX_NAME} maps tensor '${names[0]}' to ${file}, ` +
          `which is missing from ${dir}; download the complete checkpoint`,
      );
    }
    files.push({ path, expected: names });
  }
  return files;
}

/**
 * Yields the tensors of a checkpoint folder one at a time, shard after shard, so that a caller
 * that converts each tensor (to a tf.Tensor, say) and drops it never holds the whole checkpoint
 * twice. Checks as {@link readSafetensorsFolder}; returns the files' merged `__metadata__`.
 */
export async function* iterateSafetensorsFolder(
  dir: string,
  options: SafetensorsReadOptions = {},
): AsyncGenerator<SafetensorsItem, Record<string, string>> {
  const files = await weightFiles(dir);
  const seen = new Set<string>();
  const metadata: Record<string, string> = {};
  for (const { path, expected } of files) {
    const items = iterateFile(path, options.filter, expected);
    try {
      for (;;) {
        const next = await items.next();
        if (next.done) {
          Object.assign(metadata, next.value);
          break;
        }
        if (seen.has(next.value.name)) {
          throw new ResourceError(
            `readSafetensorsFolder: tensor '${next.value.name}' appears in more than one shard (again in ${basename(path)})`,
          );
        }
        seen.add(next.value.name);
        yield next.value;
      }
    } finally {
      // Closes the shard's file when the caller stops early or something throws.
      await items.return({});
    }
  }
  return metadata;
}

/**
 * Reads a checkpoint folder: `model.safetensors` when present (transformers' precedence), else
 * `model.safetensors.index.json` and its shards, checking that every tensor of the index is in its
 * shard and that no tensor appears twice. A path to a `.safetensors` file also works.
 * `options.filter` reads only the tensors it accepts.
 */
export async function readSafetensorsFolder(
  dir: string,
  options: SafetensorsReadOptions = {},
): Promise<ParsedSafetensors> {
  return collect(iterateSafetensorsFolder(dir, options));
}

async function readIndex(indexPath: string): Promise<Record<string, string>> {
  let index: unknown;
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch (cause) {
    throw new ResourceError(`readSafetensorsFolder: ${indexPath} is not valid JSON (${cause})`);
  }
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (weightMap === null || typeof weightMap !== 'object' || Array.isArray(weightMap)) {
    throw new ResourceError(
      `readSafetensorsFolder: ${indexPath} has no "weight_map" object ({ "weight_map": { tensor: file } })`,
    );
  }
  for (const [name, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string' || basename(file) !== file || file === '..' || file === '.') {
      throw new ResourceError(
        `readSafetensorsFolder: ${indexPath} maps tensor '${name}' to ${JSON.stringify(file)}; ` +
          'expected a file name in the same folder',
      );
    }
  }
  return weightMap as Record<string, string>;
}

/** Writes one safetensors file, streaming tensor by tensor (no whole-file buffer). */
export async function writeSafetensorsFile(
  path: string,
  tensors: Map<string, TensorInput>,
  options: { dtype?: SafetensorsDtype; metadata?: Record<string, string> } = {},
): Promise<void> {
  const dtype = options.dtype ?? 'F32';
  const plan = planSafetensors(tensors, dtype, options.metadata, 'writeSafetensorsFile');
  const fh = await open(path, 'w');
  try {
    await writeAll(fh, lengthPrefix(plan.header.length));
    await writeAll(fh, plan.header);
    for (const name of plan.order) await writeAll(fh, encodeTensor(tensors.get(name)!.data, dtype));
  } finally {
    await fh.close();
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await fh.write(bytes, done, Math.min(IO_CHUNK, bytes.length - done));
    done += bytesWritten;
  }
}

function shardName(i: number, n: number): string {
  const pad = (k: number) => String(k).padStart(5, '0');
  return `model-${pad(i)}-of-${pad(n)}.safetensors`;
}

/**
 * Writes a checkpoint folder as transformers' `save_pretrained` does: `model.safetensors` when the
 * tensors fit in `maxShardBytes` (default 5 GB), otherwise shards `model-00001-of-0000N.safetensors`
 * filled in the map's order (a tensor larger than the limit gets a shard of its own) and
 * `model.safetensors.index.json` (`{ metadata: { total_size }, weight_map }`). Weight files of an
 * earlier save in `dir` are removed so that they cannot shadow the new ones.
 */
export async function writeSafetensorsFolder(
  dir: string,
  tensors: Map<string, TensorInput>,
  options: {
    dtype?: SafetensorsDtype;
    maxShardBytes?: number;
    metadata?: Record<string, string>;
  } = {},
): Promise<void> {
  const where = 'writeSafetensorsFolder';
  const dtype = options.dtype ?? 'F32';
  const maxShardBytes = options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  if (!(Number.isSafeInteger(maxShardBytes) && maxShardBytes > 0)) {
    throw new ValidationError(where, 'options.maxShardBytes', 'a positive integer', maxShardBytes);
  }
  // Validates every tensor before anything is written or removed.
  planSafetensors(tensors, dtype, options.metadata, where);
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const shards: Map<string, TensorInput>[] = [];
  let current = new Map<string, TensorInput>();
  let currentBytes = 0;
  let totalSize = 0;
  for (const [name, tensor] of tensors) {
    const bytes = tensor.data.length * bytesPer;
    if (currentBytes + bytes > maxShardBytes && current.size > 0) {
      shards.push(current);
      current = new Map();
      currentBytes = 0;
    }
    current.set(name, tensor);
    currentBytes += bytes;
    totalSize += bytes;
  }
  if (current.size > 0 || shards.length === 0) shards.push(current);

  await mkdir(dir, { recursive: true });
  const stale = (await readdir(dir)).filter(
    (f) =>
      f === SAFE_WEIGHTS_NAME ||
      f === SAFE_WEIGHTS_INDEX_NAME ||
      /^model-\d{5}-of-\d{5}\.safetensors$/.test(f),
  );
  await Promise.all(stale.map((f) => rm(join(dir, f), { force: true })));

  const fileOptions = { dtype, ...(options.metadata ? { metadata: options.metadata } : {}) };
  if (shards.length === 1) {
    await writeSafetensorsFile(join(dir, SAFE_WEIGHTS_NAME), shards[0]!, fileOptions);
    return;
  }
  const weightMap: Record<string, string> = {};
  for (const [i, shard] of shards.entries()) {
    const file = shardName(i + 1, shards.length);
    await writeSafetensorsFile(join(dir, file), shard, fileOptions);
    for (const name of shard.keys()) weightMap[name] = file;
  }
  const sorted = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : 1)));
  const index = { metadata: { total_size: totalSize }, weight_map: sorted };
  await writeFile(join(dir, SAFE_WEIGHTS_INDEX_NAME), `${JSON.stringify(index, null, 2)}\n`);
}
