// Where a run's job queue lives: a Redis server named by a `redis://` or `rediss://` (TLS) URL, its
// password from the environment (VA_REDIS_PASSWORD), never shown: every URL and message that leaves
// this module has the password removed. BullMQ (https://docs.bullmq.io) holds the queue.

import { type Logger, ResourceError, redactUrl, UsageError } from '@va/core';
import type { RedisOptions } from 'bullmq';

/** The environment variable the Redis password is read from. */
export const REDIS_PASSWORD_ENV = 'VA_REDIS_PASSWORD';

/** The queue every `va experiment run --queue` and `va worker` use unless told another. */
export const DEFAULT_QUEUE_NAME = 'va-experiment';

/** A queue on a Redis server, ready to connect to, and what may be shown of it. */
export interface QueueTarget {
  /** The URL without its password (`redis://user@host:6379/0`): for logs, messages and files. */
  readonly shown: string;
  /** The BullMQ queue name. */
  readonly name: string;
  /** ioredis options (the password among them: never log this object). */
  readonly connection: RedisOptions;
  /** Removes the password from `text`. */
  readonly redact: (text: string) => string;
  /** Stops every client of this target from reconnecting (the queue is unreachable). */
  readonly giveUp: () => void;
}

/**
 * Reads `--queue <url>`: `redis://[user@]host[:port][/db]`, or `rediss://` for TLS (the server's
 * certificate is checked against Node's CAs; add yours with NODE_EXTRA_CA_CERTS). The password comes
 * from `VA_REDIS_PASSWORD`; one written in the URL works too, but shows in `ps`, so it is warned of.
 */
export function queueTarget(
  url: string,
  options: {
    readonly name?: string;
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly logger?: Logger;
  } = {},
): QueueTarget {
  const env = options.env ?? process.env;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `--queue: expected a URL like redis://host:6379 or rediss://host:6380/0, got ${JSON.stringify(redactUrl(url))}`,
    );
  }
  const bare = new URL(url);
  bare.password = '';
  const shown = bare.href;
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(
      `--queue: expected a redis:// or rediss:// URL, got ${JSON.stringify(shown)}`,
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new UsageError(`--queue: no host in ${JSON.stringify(shown)}`);
  const port = parsed.port ? Number(parsed.port) : 6379;
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new UsageError(
      `--queue: the database after the host must be a number like /0, got ${JSON.stringify(shown)}`,
    );
  }
  const inUrl = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  if (inUrl) {
    options.logger?.warn(
      `--queue: the password in the URL is visible to other users of this machine (ps); set ${REDIS_PASSWORD_ENV} instead`,
    );
  }
  const password = inUrl ?? (env[REDIS_PASSWORD_ENV] || undefined);
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  if (!/^[\w.-]+$/.test(name)) {
    throw new UsageError(
      `--queue-name: letters, digits, '.', '_' and '-' only, got ${JSON.stringify(name)}`,
    );
  }
  const secrets = [password, parsed.password].filter((s): s is string => !!s);
  let givenUp = false;
  return {
    shown,
    name,
    connection: {
      host,
      port,
      db,
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(password ? { password } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
      // Workers block on Redis; BullMQ needs ioredis to retry their commands without limit.
      maxRetriesPerRequest: null,
      retryStrategy: (times: number) => (givenUp ? null : Math.min(200 * times, 5000)),
    },
    giveUp: () => {
      givenUp = true;
    },
    // The whole password (Redis never echoes part of one; masking its 8-character pieces would
    // mangle messages for passwords made of words).
    redact: (text) =>
      secrets.reduce((t, s) => t.split(s).join('[REDACTED]'), redactCredentials(text)),
  };
}

/** `text` with the password of every `redis://` / `rediss://` URL in it removed. */
function redactCredentials(text: string): string {
  return text.replace(/rediss?:\/\/[^\s'"]+/g, (url) => redactUrl(url));
}

/** A BullMQ object's connection, checked: resolves once connected, or fails naming the problem. */
export async function connected(
  target: QueueTarget,
  client: {
    waitUntilReady(): Promise<unknown>;
    on(event: 'error', f: (e: Error) => void): unknown;
  },
  seconds = 15,
): Promise<void> {
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    const fail = (why: string) =>
      reject(
        new ResourceError(
          `cannot reach the queue at ${target.shown} ${why}; ` +
            `is redis-server running there, and is ${REDIS_PASSWORD_ENV} its password?`,
        ),
      );
    client.on('error', (error) => {
      last = target.redact(error.message);
      // A wrong or missing password does not get better by waiting.
      if (/WRONGPASS|NOAUTH|invalid password/i.test(last)) fail(`(${last})`);
    });
    timer = setTimeout(
      () => fail(`within ${seconds} s${last ? ` (${last})` : ''}`),
      seconds * 1000,
    );
  });
  // Once settled, later errors are the client's own business (it reconnects): no stray rejection.
  failed.catch(() => {});
  try {
    await Promise.race([client.waitUntilReady(), failed]);
  } catch (error) {
    // Let the client end while its error listeners are still there (closing it while it connects
    // makes BullMQ emit its last error to no one, and Node then prints that error in full).
    target.giveUp();
    await Promise.race([client.waitUntilReady().catch(() => {}), sleep(10_000)]);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
