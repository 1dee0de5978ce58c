// Browser build of http-transport.ts: the judge client's POSTs on `fetch` (the browser keeps its
// own connections alive), with the same timeout and abort behaviour.

/** No complete answer within the time allowed. */
export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
  }
}

export type { HttpAnswer } from './http-transport.js';

import type { HttpAnswer } from './http-transport.js';

/** The endpoint's requests, on fetch. */
export class HttpTransport {
  private readonly open = new Set<AbortController>();

  constructor(
    readonly url: URL,
    _maxSockets: number,
  ) {}

  /**
   * POSTs `body`. Rejects on network errors, after `timeoutMs` (with a {@link TimeoutError}) and
   * when `signal` aborts (with its reason).
   */
  async post(
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    signal?.throwIfAborted();
    const controller = new AbortController();
    const timeout = new TimeoutError(timeoutMs);
    const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.open.add(controller);
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers,
        body,
        signal: controller.signal,
      });
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        text: await res.text(),
      };
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      // Node's fetch says 'fetch failed' and keeps the socket's error (ECONNREFUSED, ...) as the
      // cause; a browser says only 'Failed to fetch'.
      const cause = (error as { cause?: unknown }).cause;
      throw cause instanceof Error ? cause : error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.open.delete(controller);
    }
  }

  /** Aborts the requests in flight. */
  close(): void {
    for (const c of this.open) c.abort(new Error('HttpTransport closed'));
    this.open.clear();
  }
}
