// How every va command ends: exit code 0 when done, 1 on a failure (a clear message, no stack
// trace for the user's mistakes), 2 on a usage problem (with a pointer to --help).

import { ConfigError, UsageError, VaError } from './errors.js';

/** Exit codes scripts can rely on. */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2 });

/** The exit code for an error thrown by a command: usage and config problems 2, others 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof ConfigError ? EXIT.usage : EXIT.failure;
}

/**
 * Runs a command's `main` and sets `process.exitCode`: 0 when `main` finishes, or the number it
 * returns (e.g. 1 when some input lines failed, 130 when interrupted); a {@link UsageError} or
 * {@link ConfigError} prints `name: message` and `Run 'name --help' for usage.` (exit 2); another
 * {@link VaError} prints `name: message` (exit 1); anything else is a bug and prints its stack
 * (exit 1).
 */
export async function runCommand(
  name: string,
  main: () => unknown,
  stderr: { write(chunk: string): unknown } = process.stderr,
): Promise<number> {
  let code: number = EXIT.ok;
  try {
    const returned = await main();
    if (typeof returned === 'number') code = returned;
  } catch (error) {
    code = exitCodeOf(error);
    if (error instanceof VaError) {
      stderr.write(`${name}: ${error.message}\n`);
      if (code === EXIT.usage) stderr.write(`Run '${name} --help' for usage.\n`);
    } else if (isSystemError(error)) {
      // A file or network problem that no check caught first: the message names the path.
      stderr.write(`${name}: ${error.message}\n`);
    } else {
      stderr.write(`${name}: unexpected error (a bug; please report it):\n`);
      stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    }
  }
  process.exitCode = code;
  return code;
}

/** Node's errors from the file system and the network (`ENOENT`, `EISDIR`, `EACCES`, ...). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & Error {
  const e = error as NodeJS.ErrnoException | undefined;
  return (
    e instanceof Error && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && !!e.syscall
  );
}
