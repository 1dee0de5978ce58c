// Browser build of safetensors-folder.ts: the checkpoint's files are fetched whole (a page cannot
// read a file piece by piece) and parsed with the same header checks; writing is for Node.

import { nodeOnly, ResourceError } from '@va/core';
import { fileExists, join, readBytes, readText } from './files.js';
import type * as Node from './safetensors-folder.js';
import {
  decodeTensor,
  headerLength,
  isDecodedDtype,
  type ParsedSafetensors,
  parseHeader,
  type RawTensorEntry,
  type TensorEntry,
} from './safetensors-format.js';

export type { SafetensorsItem, SafetensorsReadOptions } from './safetensors-folder.js';

type Item = Node.SafetensorsItem;

export const SAFE_WEIGHTS_NAME: typeof Node.SAFE_WEIGHTS_NAME = 'model.safetensors';
export const SAFE_WEIGHTS_INDEX_NAME: typeof Node.SAFE_WEIGHTS_INDEX_NAME =
  'model.safetensors.index.json';
export const DEFAULT_MAX_SHARD_BYTES: typeof Node.DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

function* itemsOf(
  bytes: Uint8Array,
  path: string,
  filter: ((name: string) => boolean) | undefined,
): Generator<Item, Record<string, string>> {
  const n = headerLength(bytes.subarray(0, 8), bytes.length, path);
  const { slots, metadata, dataStart } = parseHeader(
    bytes.subarray(8, 8 + n),
    bytes.length - 8 - n,
    path,
  );
  for (const { name, dtype, shape, begin, end } of slots) {
    if (filter && !filter(name)) continue;
    // A copy: the tensor's data must not keep the whole file alive.
    const data = bytes.slice(dataStart + begin, dataStart + end);
    yield isDecodedDtype(dtype)
      ? { name, file: path, tensor: { dtype, shape, data: decodeTensor(dtype, data) } }
      : { name, file: path, raw: { dtype, shape, bytes: data } };
  }
  return metadata;
}

/** The weight files of a folder URL: model.safetensors, else the shards of the index. */
async function weightFiles(dir: string): Promise<string[]> {
  if (dir.endsWith('.safetensors')) return [dir];
  if (await fileExists(join(dir, SAFE_WEIGHTS_NAME))) return [join(dir, SAFE_WEIGHTS_NAME)];
  const indexPath = join(dir, SAFE_WEIGHTS_INDEX_NAME);
  if (!(await fileExists(indexPath))) {
    throw new ResourceError(
      `readSafetensorsFolder: ${dir} has neither ${SAFE_WEIGHTS_NAME} nor ${SAFE_WEIGHTS_INDEX_NAME}`,
    );
  }
  const map = (JSON.parse(await readText(indexPath)) as { weight_map?: Record<string, unknown> })
    .weight_map;
  const files = new Set(Object.values(map ?? {}));
  if (files.size === 0 || [...files].some((f) => typeof f !== 'string' || f.includes('/'))) {
    throw new ResourceError(
      `readSafetensorsFolder: ${indexPath} has no "weight_map" of tensor -> file name in the same folder`,
    );
  }
  return [...files].map((f) => join(dir, f as string));
}

export const iterateSafetensorsFolder: typeof Node.iterateSafetensorsFolder = async function* (
  dir,
  options = {},
) {
  const seen = new Set<string>();
  const metadata: Record<string, string> = {};
  for (const path of await weightFiles(dir)) {
    const items = itemsOf(await readBytes(path), path, options.filter);
    for (;;) {
      const next = items.next();
      if (next.done) {
        Object.assign(metadata, next.value);
        break;
      }
      if (seen.has(next.value.name)) {
        throw new ResourceError(
          `readSafetensorsFolder: tensor '${next.value.name}' appears in more than one shard (again in ${path})`,
        );
      }
      seen.add(next.value.name);
      yield next.value;
    }
  }
  return metadata;
};

async function collect(items: AsyncGenerator<Item, Record<string, string>>) {
  const tensors = new Map<string, TensorEntry>();
  const others = new Map<string, RawTensorEntry>();
  for (;;) {
    const next = await items.next();
    if (next.done) return { tensors, metadata: next.value, others } satisfies ParsedSafetensors;
    if (next.value.tensor) tensors.set(next.value.name, next.value.tensor);
    else others.set(next.value.name, next.value.raw);
  }
}

export const readSafetensorsFolder: typeof Node.readSafetensorsFolder = (dir, options = {}) =>
  collect(iterateSafetensorsFolder(dir, options));

export const readSafetensorsFile: typeof Node.readSafetensorsFile = (path, options = {}) =>
  collect(iterateSafetensorsFolder(path, options));

const instead = 'serialize the tensors with serializeSafetensors and keep the bytes';
export const writeSafetensorsFile: typeof Node.writeSafetensorsFile = nodeOnly(
  'writeSafetensorsFile',
  instead,
);
export const writeSafetensorsFolder: typeof Node.writeSafetensorsFolder = nodeOnly(
  'writeSafetensorsFolder',
  instead,
);
