// The on-disk cache of judge answers, so that a re-run costs nothing: one JSON file per request,
// keyed by the hash of (judge identity, prompt version, messages), written atomically (temp + rename).

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, silentLogger } from '@va/core';
import { CACHE_FORMAT, type CacheEntry } from './cache-key.js';

export { CACHE_FORMAT, type CacheEntry, cacheKey } from './cache-key.js';

/**
 * A folder of answers: `<dir>/<key[0..2]>/<key>.json`. Every write goes to a unique temporary file
 * that is then renamed over the target, so a crash leaves either the old state or the new entry,
 * never half a file; concurrent writers of the same key write the same content.
 */
export class JudgeCache {
  hits = 0;
  misses = 0;
  private readonly logger: Logger;

  constructor(
    readonly dir: string,
    options: { logger?: Logger } = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The entry for `key`, or undefined (missing, unreadable or of another format). */
  async get(key: string): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), 'utf8');
    } catch {
      this.misses++;
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as CacheEntry;
      if (entry.format === CACHE_FORMAT && entry.key === key && typeof entry.text === 'string') {
        this.hits++;
        return entry;
      }
    } catch {
      this.logger.warn(`judge cache: ignoring unreadable entry ${this.path(key)}`);
    }
    this.misses++;
    return undefined;
  }

  /** Stores `entry` atomically. */
  async set(entry: CacheEntry): Promise<void> {
    const target = this.path(entry.key);
    await mkdir(join(this.dir, entry.key.slice(0, 2)), { recursive: true });
    const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(entry)}\n`, 'utf8');
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}
