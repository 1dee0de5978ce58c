// The browser builds' stand-ins for what needs Node.js (a file system, a child process, a command
// line): a function with the Node function's signature that fails with a ResourceError naming it
// and what to do instead (issue 20).

import { ResourceError } from './errors.js';

/**
 * A stand-in for the Node-only function `name`: calling it throws (`'sync'`) or rejects
 * (`'async'`, the default) with a {@link ResourceError} that says why and what to do in a browser.
 */
// biome-ignore lint/suspicious/noExplicitAny: stands in for a function of any signature
export function nodeOnly<F extends (...args: any[]) => any>(
  name: string,
  instead: string,
  kind: 'sync' | 'async' = 'async',
): F {
  const fail = () =>
    new ResourceError(
      `${name}: needs Node.js (its file system or processes), which a browser does not have; ${instead}`,
    );
  const stub =
    kind === 'sync'
      ? () => {
          throw fail();
        }
      : () => Promise.reject(fail());
  return stub as unknown as F;
}
