// The Hugging Face hub cache on disk (huggingface_hub's layout, shared with Python):
// <cache>/models--org--name/{refs/<revision>, snapshots/<commit>/<file>, blobs/<etag>}.

import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SAFE_WEIGHTS_INDEX_NAME, SAFE_WEIGHTS_NAME } from './safetensors-folder.js';

const COMMIT = /^[0-9a-f]{40}$/;

export interface CacheLocation {
  /** `<cache>/models--org--name`. */
  storage: string;
  revision: string;
  /** The snapshot folder the revision points to, when it exists. */
  snapshot(): Promise<string | undefined>;
  snapshotPath(commit: string): string;
  /** Why `snapshot()` found nothing, for error messages. */
  describeMissingSnapshot(): string;
}

async function exists(path: string, kind: 'file' | 'dir'): Promise<boolean> {
  return stat(path).then(
    (s) => (kind === 'file' ? s.isFile() : s.isDirectory()),
    () => false,
  );
}

export function cacheLocation(cacheDir: string, name: string, revision: string): CacheLocation {
  const storage = join(cacheDir, `models--${name.split('/').join('--')}`);
  const refPath = join(storage, 'refs', revision);
  let problem = `no folder ${storage}`;
  return {
    storage,
    revision,
    snapshotPath: (commit) => join(storage, 'snapshots', commit),
    describeMissingSnapshot: () => problem,
    async snapshot() {
      let commit = revision;
      if (!COMMIT.test(revision)) {
        if (!(await exists(storage, 'dir'))) return undefined;
        const ref = await readFile(refPath, 'utf8').catch(() => undefined);
        if (ref === undefined) {
          problem = `no ${refPath} (revision '${revision}' was never downloaded)`;
          return undefined;
        }
        commit = ref.trim();
      }
      const dir = join(storage, 'snapshots', commit);
      if (await exists(dir, 'dir')) return dir;
      problem = `no snapshot folder ${dir}`;
      return undefined;
    },
  };
}

/**
 * The files a snapshot still needs before a model can load from it: `config.json` and a complete
 * set of safetensors weights (every shard of the index). Tokenizer files are optional.
 */
export async function missingFromSnapshot(dir: string): Promise<string[]> {
  const missing: string[] = [];
  if (!(await exists(join(dir, 'config.json'), 'file'))) missing.push('config.json');
  if (await exists(join(dir, SAFE_WEIGHTS_NAME), 'file')) return missing;
  const index = await readFile(join(dir, SAFE_WEIGHTS_INDEX_NAME), 'utf8').catch(() => undefined);
  if (index === undefined) {
    missing.push(`${SAFE_WEIGHTS_NAME} (or ${SAFE_WEIGHTS_INDEX_NAME} and its shards)`);
    return missing;
  }
  let shards: string[] = [];
  try {
    shards = [...new Set(Object.values(JSON.parse(index).weight_map ?? {}) as string[])];
  } catch {
    missing.push(`a valid ${SAFE_WEIGHTS_INDEX_NAME}`);
  }
  for (const shard of shards) {
    if (!(await exists(join(dir, shard), 'file'))) missing.push(shard);
  }
  return missing;
}

/** Records that `revision` (a branch or tag) points to `commit`, as huggingface_hub does. */
export async function writeRef(location: CacheLocation, revision: string, commit: string) {
  if (revision === commit) return;
  const refPath = join(location.storage, 'refs', revision);
  await mkdir(dirname(refPath), { recursive: true });
  await writeFile(refPath, commit);
}
