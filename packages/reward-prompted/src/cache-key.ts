// The judge cache's entries and keys (pure, so that the browser build has them too): an entry is
// found by the SHA-256 of the judge identity, the prompt version and the exact messages.

import { type ChatMessage, createSha256 } from '@va/core';
import type { TokenUsage } from './chat-client.js';

/** Bumped when the entry layout changes; old entries are then misses. */
export const CACHE_FORMAT = 1;

/** What the cache keeps of one answered request. Holds no key, no header, no secret. */
export interface CacheEntry {
  readonly format: number;
  readonly key: string;
  /** The judge's identity (endpoint, model, sampling parameters). */
  readonly judge: string;
  readonly promptVersion: string;
  readonly text: string;
  readonly finishReason: string | null;
  /** Tokens the original request used (not billed again on a hit). */
  readonly usage: TokenUsage;
  readonly createdAt: string;
}

/** The cache key: SHA-256 over the judge identity, the prompt version and the exact messages. */
export function cacheKey(
  judgeIdentity: string,
  promptVersion: string,
  messages: readonly ChatMessage[],
): string {
  const payload = JSON.stringify({
    format: CACHE_FORMAT,
    judge: judgeIdentity,
    promptVersion,
    messages: messages.map((m) => [m.role, m.content]),
  });
  return createSha256().update(payload).digest('hex');
}
