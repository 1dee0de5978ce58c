// Browser build of sha256.ts: the same digests with @noble/hashes (pure JavaScript, synchronous,
// which the browser's crypto.subtle.digest is not).

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type * as Node from './sha256.js';

export type { Sha256 } from './sha256.js';

export const createSha256: typeof Node.createSha256 = () => {
  const hash = sha256.create();
  const digest: Node.Sha256 = {
    update(data) {
      hash.update(typeof data === 'string' ? utf8ToBytes(data) : data);
      return digest;
    },
    digest: () => bytesToHex(hash.digest()),
  };
  return digest;
};
