// One writer per folder (a run folder, a `va ppo` folder): a lock that names its holder (host, pid,
// since when), refuses a second writer at once, and is taken over when its holder died on this host.
// Each acquisition creates the next generation's file exclusively (link(2)), so two takers of a dead
// holder's lock race for one name and exactly one wins; the holder is the newest generation.

import { link, mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FolderLockedError, type LockHolder, ResourceError } from './errors.js';

export type { LockHolder } from './errors.js';

/** The lock's folder inside the locked one. */
export const LOCK_DIR = '.lock';
/** Generations older than the newest by more than this are removed. */
const KEEP = 8;

const genName = (gen: number) => `${String(gen).padStart(10, '0')}.json`;
const releasedName = (gen: number) => `${String(gen).padStart(10, '0')}.released`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockState {
  /** The newest generation (0: none yet). */
  readonly gen: number;
  readonly holder: LockHolder | undefined;
  readonly released: boolean;
}

async function lockState(dir: string): Promise<LockState> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const gens = names
    .map((n) => /^(\d{10})\.json$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  const gen = Math.max(0, ...gens);
  if (gen === 0) return { gen, holder: undefined, released: true };
  const text = await readFile(join(dir, genName(gen)), 'utf8').catch(() => undefined);
  const released = names.includes(releasedName(gen)) || text === undefined;
  return { gen, holder: text === undefined ? undefined : JSON.parse(text), released };
}

/** The live holder of `folder`'s lock, if any (what `va experiment status` shows). */
export async function readFolderLock(folder: string): Promise<LockHolder | undefined> {
  const state = await lockState(join(folder, LOCK_DIR));
  return state.released ? undefined : state.holder;
}

/** A held lock; `release()` frees it (a process that dies leaves it to be taken over). */
export interface FolderLock {
  readonly folder: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

class HeldLock implements FolderLock {
  #released = false;
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
    private readonly gen: number,
  ) {}

  /**
   * Frees the lock. When that cannot be written (a full or read-only disk), the lock stays as a
   * dead holder's, which the next run on this host takes over.
   */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await writeFile(join(this.folder, LOCK_DIR, releasedName(this.gen)), '').catch(() => undefined);
  }
}

/** Options of {@link lockFolder}. */
export interface LockFolderOptions {
  /** What takes it, named to whoever finds the folder locked (e.g. `va experiment run`). */
  readonly command: string;
  /** How the folder is named in messages (default: `the folder`). */
  readonly label?: string;
  /** What else to say to whoever finds it locked, e.g. that `va experiment status` works beside it. */
  readonly hint?: string;
}

/**
 * Takes the lock of `folder` (created if need be): at once, or a {@link FolderLockedError} naming the
 * holder and how to proceed when a live process holds it, or one on another host (whose processes
 * cannot be checked from here). A lock whose holder died on this host is taken over.
 */
export async function lockFolder(folder: string, options: LockFolderOptions): Promise<FolderLock> {
  const dir = join(folder, LOCK_DIR);
  const label = options.label ?? 'the folder';
  try {
    return await takeLock(folder, dir, label, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof ResourceError || !code) throw error;
    throw new ResourceError(
      `${label} ${folder}: cannot take its lock ${dir} (${code}: ${(error as Error).message}); choose a writable folder`,
      { cause: error },
    );
  }
}

async function takeLock(
  folder: string,
  dir: string,
  label: string,
  options: LockFolderOptions,
): Promise<FolderLock> {
  await mkdir(dir, { recursive: true });
  const holder: LockHolder = {
    host: hostname(),
    pid: process.pid,
    since: new Date().toISOString(),
    command: options.command,
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    const state = await lockState(dir);
    if (!state.released && state.holder) {
      const h = state.holder;
      const here = h.host === holder.host;
      if (!here || isAlive(h.pid)) {
        const path = join(dir, genName(state.gen));
        throw new FolderLockedError(
          `${label} ${folder} is in use: ${h.command} holds it (pid ${h.pid} on ${h.host}, since ${h.since}). ` +
            `Wait for it to end or stop it${options.hint ? `; ${options.hint}` : ''}. ` +
            (here
              ? 'A lock whose process has died is taken over by the next run.'
              : `If that process is gone (its machine lost), remove ${path} and run again.`),
          h,
        );
      }
    }
    // Free, or its holder died here: the next generation, created exclusively.
    const gen = state.gen + 1;
    const tmp = join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeFile(tmp, `${JSON.stringify(holder)}\n`);
    try {
      await link(tmp, join(dir, genName(gen)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // another taker won it
      throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    // A taker that read an old state may have made a lower generation: the newest one holds.
    if ((await lockState(dir)).gen !== gen) {
      await writeFile(join(dir, releasedName(gen)), '');
      continue;
    }
    for (const name of await readdir(dir)) {
      const g = Number(/^(\d{10})\./.exec(name)?.[1]);
      if (g > 0 && g < gen - KEEP) await rm(join(dir, name), { force: true });
    }
    return new HeldLock(folder, holder, gen);
  }
  throw new ResourceError(
    `${label} ${folder}: its lock ${dir} changed hands 20 times while being taken; try again`,
  );
}
