// An on-disk cache of backbone features, keyed by the backbone's identity and a hash of each text,
// so training heads again (other K, other seeds, other hyper-parameters) skips the backbone.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResourceError } from '@va/core';
import type { Backbone, EmbedOptions, FeatureMatrix } from './backbone.js';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface Shard {
  readonly file: string;
  data?: Float32Array;
}

/**
 * Features stored under `dir/<sha256(identity)[:16]>/`: a `meta.json` naming the backbone, and
 * append-only shards (`<name>.f32`: raw little-endian float32 rows; `<name>.keys`: one text hash
 * per line). Each call that computes new features writes one new shard, so concurrent writers never
 * touch the same file.
 */
export class FeatureCache {
  /** Features served from disk / computed, since this object was made. */
  readonly stats = { hits: 0, misses: 0 };
  private readonly loaded = new Map<string, { dim: number; index: Map<string, [Shard, number]> }>();

  constructor(readonly dir: string) {}

  private folder(backbone: Backbone): string {
    return join(this.dir, sha256(backbone.identity).slice(0, 16));
  }

  private async open(backbone: Backbone) {
    const hit = this.loaded.get(backbone.identity);
    if (hit) return hit;
    const folder = this.folder(backbone);
    await mkdir(folder, { recursive: true });
    const metaPath = join(folder, 'meta.json');
    const meta = {
      identity: backbone.identity,
      name: backbone.name,
      dim: backbone.dim,
      version: 1,
    };
    let existing: typeof meta | undefined;
    try {
      existing = JSON.parse(await readFile(metaPath, 'utf8'));
    } catch {
      await writeFile(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
    }
    if (existing && (existing.identity !== backbone.identity || existing.dim !== backbone.dim)) {
      throw new ResourceError(
        `FeatureCache: ${folder} holds features of '${existing.identity}' (dim ${existing.dim}), ` +
          `not of '${backbone.identity}' (dim ${backbone.dim}); delete that folder`,
      );
    }
    const index = new Map<string, [Shard, number]>();
    for (const name of (await readdir(folder)).filter((f) => f.endsWith('.keys')).sort()) {
      const shard: Shard = { file: join(folder, name.replace(/\.keys$/, '.f32')) };
      const keys = (await readFile(join(folder, name), 'utf8')).split('\n').filter(Boolean);
      for (const [row, k] of keys.entries()) index.set(k, [shard, row]);
    }
    const entry = { dim: backbone.dim, index };
    this.loaded.set(backbone.identity, entry);
    return entry;
  }

  /** The features of `texts`, from disk where cached, computing (and storing) the rest. */
  async features(
    backbone: Backbone,
    texts: readonly string[],
    options: EmbedOptions = {},
  ): Promise<FeatureMatrix> {
    const { dim, index } = await this.open(backbone);
    const keys = texts.map(sha256);
    const missing: string[] = [];
    const missingKeys: string[] = [];
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      if (!index.has(k) && !seen.has(k)) {
        seen.add(k);
        missing.push(texts[i]!);
        missingKeys.push(k);
      }
    });
    this.stats.misses += missing.length;
    this.stats.hits += texts.length - missing.length;
    if (missing.length > 0) {
      const computed = await backbone.embed(missing, options);
      const name = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
      const file = join(this.folder(backbone), `${name}.f32`);
      const bytes = new Uint8Array(
        computed.data.buffer,
        computed.data.byteOffset,
        missing.length * dim * 4,
      );
      await writeFile(file, bytes);
      await writeFile(join(this.folder(backbone), `${name}.keys`), `${missingKeys.join('\n')}\n`);
      const shard: Shard = { file, data: computed.data };
      for (const [row, k] of missingKeys.entries()) index.set(k, [shard, row]);
    }
    const data = new Float32Array(texts.length * dim);
    for (let i = 0; i < texts.length; i++) {
      const [shard, row] = index.get(keys[i]!)!;
      if (!shard.data) {
        const buf = await readFile(shard.file);
        shard.data = new Float32Array(
          buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
        );
      }
      data.set(shard.data.subarray(row * dim, (row + 1) * dim), i * dim);
    }
    return { rows: texts.length, dim, data };
  }
}
