// SHA-256 for the identities of caches and runs (a digest of a config, of a model's weights):
// node:crypto here, @noble/hashes in the browser build (sha256.browser.ts), the same digests.

import { createHash } from 'node:crypto';

/** An incremental SHA-256: feed it with `update`, read it once with `digest('hex')`. */
export interface Sha256 {
  update(data: string | Uint8Array): Sha256;
  digest(encoding: 'hex'): string;
}

/** A new SHA-256 (strings are hashed as UTF-8, as node:crypto does). */
export function createSha256(): Sha256 {
  return createHash('sha256');
}
