// The one backend selection of both builds (backend.ts in Node, backend.browser.ts in a page): the
// candidates best first, the first that is available and initialises is made tfjs's active backend,
// and the choice is said with why each better one was not taken; calls run one at a time.

import * as tf from '@tensorflow/tfjs';
import { type Logger, ResourceError, ValidationError } from '@va/core';
import type { Availability, BackendChoice, BackendName } from './backend.js';

/** What differs between the builds: the backends, their tfjs names, what a choice adds. */
export interface SelectionPlatform {
  /** The backends known here, best first. */
  readonly backends: readonly BackendName[];
  /** The name `name` registers with tfjs (both native packages register `tensorflow`). */
  tfName(name: BackendName): string;
  /** What the choice of `name` adds to its reason (threading, a faster option), and its threads. */
  chosen(name: BackendName): { note?: string; threads?: number };
  /** Why a backend whose package is there did not initialise. */
  initFailure(name: BackendName): string;
}

/** Makes `tfName` the active backend; false when its initialisation fails. */
async function activate(tfName: string): Promise<boolean> {
  if (tf.getBackend() === tfName) return true;
  try {
    const ok = await tf.setBackend(tfName);
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  }
}

/**
 * Selects `forced`, or the best of `platform.backends` that `check` finds available and that
 * initialises; logs and returns the choice. A forced backend that is not available throws a
 * `ResourceError` with its fix.
 */
export async function selectFrom(
  platform: SelectionPlatform,
  forced: BackendName | undefined,
  logger: Logger,
  check: (name: BackendName) => Promise<Availability>,
): Promise<BackendChoice> {
  const candidates = forced ? [forced] : platform.backends;
  const skipped: string[] = [];
  for (const name of candidates) {
    const found = await check(name);
    if (found.ok && (await activate(platform.tfName(name)))) {
      const { note, threads } = platform.chosen(name);
      const reason =
        (forced
          ? `forced by the caller (${found.detail})`
          : skipped.length
            ? `best available: ${skipped.join('; ')}; ${found.detail}`
            : `best available (${found.detail})`) + (note ? `; ${note}` : '');
      logger.info(`@va/lm backend: ${name} (${reason})`);
      return threads === undefined ? { backend: name, reason } : { backend: name, reason, threads };
    }
    const detail = found.ok ? platform.initFailure(name) : found.detail;
    if (forced) {
      const fix = found.ok ? `force another backend (${platform.backends.join(', ')})` : found.fix;
      throw new ResourceError(
        `selectBackend: backend '${name}' is not available: ${detail}; ${fix}`,
      );
    }
    skipped.push(detail);
  }
  // Unreachable: `cpu` is always there.
  throw new ResourceError(`selectBackend: no TensorFlow.js backend works (${skipped.join('; ')})`);
}

/**
 * `selectBackend`'s order and its check of `options.backend` (one of `platform.backends`, else a
 * `ValidationError`): selections run one at a time, and a failed one does not block the next.
 */
export function queuedSelection(
  platform: SelectionPlatform,
  select: (forced: BackendName | undefined, logger: Logger) => Promise<BackendChoice>,
): (backend: BackendName | undefined, logger: Logger) => Promise<BackendChoice> {
  let queue: Promise<unknown> = Promise.resolve();
  return (backend, logger) => {
    if (backend !== undefined && !platform.backends.includes(backend)) {
      return Promise.reject(
        new ValidationError(
          'selectBackend',
          'options.backend',
          `one of ${platform.backends.map((b) => `'${b}'`).join(', ')}`,
          backend,
        ),
      );
    }
    const run = queue.then(() => select(backend, logger));
    queue = run.catch(() => undefined);
    return run;
  };
}
