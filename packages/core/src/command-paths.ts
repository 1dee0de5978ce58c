// The paths a command reads and writes, checked before the work starts (a training run must not
// fail on an unwritable --out after an hour), each problem a ResourceError that names the flag, the
// path and the fix; and the caller's folder, against which a command run through `pnpm <script>`
// resolves relative paths (pnpm runs scripts in the package folder and sets INIT_CWD).

import { constants } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ResourceError } from './errors.js';
import { writeError } from './write-error.js';

/** Options of the path checks. */
export interface PathCheckOptions {
  /** How the user gave the path, e.g. `--out` or `-o`; the message leads with it. */
  readonly label?: string;
  /** Folder a relative path is resolved against (default: the working directory). */
  readonly base?: string;
}

/** Options of {@link checkOutputDir}. */
export interface OutputDirOptions extends PathCheckOptions {
  /**
   * The command replaces the folder as a whole ({@link replaceDirectory}): it must then be new,
   * empty, or hold this file, which an earlier run of the command wrote (e.g. `ensemble.json`), so
   * that `--out .` never deletes a folder of the user's own files.
   */
  readonly replaces?: string;
}

type Stats = Awaited<ReturnType<typeof stat>>;

/**
 * The folder the user ran the command from: `INIT_CWD` when a package manager started it through
 * a script (`pnpm --filter pkg start -- --out x` runs in the package's folder, but `x` is meant
 * relative to where the user typed it), else the working directory.
 */
export function callerDirectory(env: Readonly<Record<string, string | undefined>> = process.env) {
  const init = env.INIT_CWD;
  return init && isAbsolute(init) ? init : process.cwd();
}

/** `path` resolved against {@link callerDirectory} (absolute paths unchanged). */
export function callerPath(path: string, env?: Readonly<Record<string, string | undefined>>) {
  return resolve(callerDirectory(env), path);
}

/** `path` as the user would type it: relative to {@link callerDirectory} when inside it. */
export function displayPath(path: string, env?: Readonly<Record<string, string | undefined>>) {
  const rel = relative(callerDirectory(env), resolve(path));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(path);
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // ENOTDIR: a parent is a file; the caller looks at the parents.
    if (code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function fail(options: PathCheckOptions, path: string, problem: string, fix: string): never {
  const subject = options.label ? `${options.label} ${path}` : path;
  throw new ResourceError(`${subject}: ${problem}. Fix: ${fix}`);
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isFIFO()) return 'a pipe';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function canAccess(path: string, mode: number): Promise<string | undefined> {
  try {
    await access(path, mode);
    return undefined;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return e.code === 'EROFS' ? 'on a read-only file system' : `not permitted (${e.code})`;
  }
}

/** Checks that the folder `dir` could be created: its nearest existing ancestor is a writable folder. */
async function checkCreatable(path: string, dir: string, options: PathCheckOptions) {
  let ancestor = dir;
  let s = await statOrUndefined(ancestor);
  while (!s) {
    const up = dirname(ancestor);
    if (up === ancestor) break;
    ancestor = up;
    s = await statOrUndefined(ancestor);
  }
  if (s && !s.isDirectory()) {
    fail(
      options,
      path,
      `${ancestor} is a file, not a folder`,
      `choose a path outside it${options.label ? ` for ${options.label}` : ''}`,
    );
  }
  const denied = await canAccess(ancestor, constants.W_OK | constants.X_OK);
  if (denied) {
    fail(
      options,
      path,
      `cannot create it: writing in ${ancestor} is ${denied}`,
      'choose a folder you can write to',
    );
  }
}

/**
 * Checks that `path` is a readable regular file; returns it resolved. A missing file, a folder, a
 * device or an unreadable file is a {@link ResourceError} naming the label, the path and the fix.
 */
export async function checkInputFile(path: string, options: PathCheckOptions = {}) {
  const full = resolve(options.base ?? process.cwd(), path);
  const s = await statOrUndefined(full);
  if (!s) fail(options, path, 'no such file', 'check the path');
  if (s.isDirectory()) fail(options, path, 'is a folder, not a file', 'pass a file inside it');
  if (!s.isFile()) fail(options, path, `is ${kindOf(s)}`, 'pass a regular file');
  const denied = await canAccess(full, constants.R_OK);
  if (denied) fail(options, path, `reading it is ${denied}`, 'check its permissions');
  return full;
}

/**
 * Checks, before any work, that the file `path` can be written (appended to when it exists): an
 * existing regular, writable file, or a new file whose folder exists or can be created. Returns it
 * resolved. Writes nothing.
 */
export async function checkOutputFile(path: string, options: PathCheckOptions = {}) {
  const full = resolve(options.base ?? process.cwd(), path);
  const s = await statOrUndefined(full);
  if (s) {
    if (s.isDirectory()) {
      fail(options, path, 'is a folder', `give a file name, e.g. ${join(path, 'out.jsonl')}`);
    }
    if (!s.isFile()) fail(options, path, `is ${kindOf(s)}`, 'write to a regular file');
    const denied = await canAccess(full, constants.W_OK);
    if (denied) fail(options, path, `writing it is ${denied}`, 'check its permissions');
    return full;
  }
  await checkCreatable(path, dirname(full), options);
  return full;
}

/**
 * Checks, before any work, that the folder `path` can be written: an existing writable folder, or
 * one that can be created (its nearest existing ancestor is a writable folder); with `replaces`,
 * also that replacing it loses nothing but an earlier run's output. Returns it resolved. Writes
 * nothing.
 */
export async function checkOutputDir(path: string, options: OutputDirOptions = {}) {
  const full = resolve(options.base ?? process.cwd(), path);
  const s = await statOrUndefined(full);
  if (s) {
    if (!s.isDirectory())
      fail(options, path, `is ${s.isFile() ? 'a file' : kindOf(s)}`, 'give a folder');
    const denied = await canAccess(full, constants.W_OK | constants.X_OK);
    if (denied)
      fail(options, path, `writing in it is ${denied}`, 'choose a folder you can write to');
    if (options.replaces) {
      const entries = (await readdir(full)).sort();
      if (entries.length > 0 && !entries.includes(options.replaces)) {
        fail(
          options,
          path,
          `holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and no ${options.replaces} of an earlier run, and would be replaced as a whole`,
          'choose a new or empty folder',
        );
      }
    }
    return full;
  }
  await checkCreatable(path, full, options);
  return full;
}

/**
 * Writes the folder `target` as one unit: `write` fills a fresh temporary folder beside it, which
 * then replaces `target` (an older one is removed). When `write` throws, the temporary folder is
 * removed and `target` is left as it was, so a failed run never leaves half its files, or files
 * of an older run beside new ones.
 */
export async function replaceDirectory<T>(
  target: string,
  write: (dir: string) => Promise<T>,
): Promise<T> {
  const full = resolve(target);
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmp = join(dirname(full), `.${basename(full)}.tmp-${suffix}`);
  const removeTmp = () => rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  let result: T;
  try {
    await mkdir(tmp, { recursive: true });
    result = await write(tmp);
  } catch (error) {
    await removeTmp();
    throw writeError(full, error);
  }
  const old = join(dirname(full), `.${basename(full)}.old-${suffix}`);
  try {
    await rename(full, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await removeTmp();
      throw writeError(full, error);
    }
  }
  await rename(tmp, full);
  await rm(old, { recursive: true, force: true });
  return result;
}
