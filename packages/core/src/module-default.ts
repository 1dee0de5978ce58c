// How a `module:<file>` spec is loaded, for reward models (RewardModelRegistry) and true rewards
// (@va/experiment's, imported in a worker thread) alike: the file resolved against a folder
// (module-file.ts; a URL in a browser), imported, and its default export, or what that returns when
// it is a function of the caller's arguments.

import { moduleFile } from './module-file.js';

/** Options of {@link loadModuleDefault}. */
export interface LoadModuleOptions {
  /** What a relative `arg` is relative to (default: the working directory; a page's URL in a browser). */
  readonly baseDir?: string;
  /** What a default export that is a function is called with (awaited). */
  readonly args?: readonly unknown[];
  /** The error a module that cannot be imported gives, from the cause and the resolved path. */
  readonly onImportError: (cause: unknown, path: string) => unknown;
}

/**
 * The default export of the ES module `arg` names, or what it returns for `options.args` when it
 * is a function (a factory). What that value must be is the caller's to check.
 */
export async function loadModuleDefault(arg: string, options: LoadModuleOptions): Promise<unknown> {
  const { path, url } = moduleFile(arg, options.baseDir);
  let mod: { default?: unknown };
  try {
    mod = await import(/* @vite-ignore */ url);
  } catch (cause) {
    throw options.onImportError(cause, path);
  }
  return typeof mod.default === 'function'
    ? await (mod.default as (...args: readonly unknown[]) => unknown)(...(options.args ?? []))
    : mod.default;
}
