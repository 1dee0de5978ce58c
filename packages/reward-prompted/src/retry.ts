// Retry policy of the judge client: exponential backoff with full jitter (AWS Architecture Blog,
// "Exponential Backoff and Jitter", 2015) and the `Retry-After` header of RFC 9110 section 10.2.3.

import type { Rng } from '@va/core';

/** Statuses worth retrying: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/**
 * The delay `Retry-After` asks for, in milliseconds: delta-seconds (decimals tolerated) or an HTTP
 * date. `undefined` when absent or unreadable; never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full jitter: uniform in `[0, min(maxMs, baseMs * 2^retry))` for retry 0, 1, 2, ... */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, rng: Rng): number {
  return rng.uniform(0, Math.min(maxMs, baseMs * 2 ** retry));
}

/** Waits `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
