// What a queued job may touch: a worker reads and writes only under its store (the folder that holds
// run folders) and its model cache. A job names its run folder relative to the store; the run's
// config names files (prompts, preference data, modules, model folders). Every one of them is
// checked, symbolic links followed, before any work; anything outside is refused.

import { realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { ConfigError, ResourceError } from '@va/core';
import type { ResolvedExperimentConfig } from './config.js';

/** A path a config names, with the key that names it. */
export interface ConfigPath {
  /** The config key, e.g. `prompts`, `ensemble.data`, `trueReward`. */
  readonly key: string;
  readonly path: string;
  /** A model source: a folder, or a hub id served from the model cache. */
  readonly model: boolean;
}

/** Every file or folder a run's config names (`default`, `sentiment`, `offline`: none). */
export function configPaths(c: ResolvedExperimentConfig): ConfigPath[] {
  const out: ConfigPath[] = [];
  const after = (spec: string, kinds: readonly string[]) => {
    const m = /^([a-z]+):(.+)$/.exec(spec);
    return m && kinds.includes(m[1]!) ? m[2]! : undefined;
  };
  if (c.policy !== 'default') out.push({ key: 'policy', path: c.policy, model: true });
  if (c.prompts !== null) out.push({ key: 'prompts', path: c.prompts, model: false });
  const reward = after(c.trueReward, ['module']);
  if (reward) out.push({ key: 'trueReward', path: reward, model: false });
  const judge = after(c.prompted.judge, ['module', 'ensemble']);
  if (judge) out.push({ key: 'prompted.judge', path: judge, model: false });
  const backbone = after(c.ensemble.backbone, ['lm', 'onnx']);
  if (backbone) out.push({ key: 'ensemble.backbone', path: backbone, model: true });
  if (c.ensemble.data !== null)
    out.push({ key: 'ensemble.data', path: c.ensemble.data, model: false });
  return out;
}

const expandHome = (p: string) =>
  p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;

/** Whether a model source is a folder (as `@va/lm` decides) rather than a hub id. */
async function isLocalSource(source: string, base: string): Promise<boolean> {
  if (/^(\.{1,2}|~)?[/\\]/.test(source) || source.startsWith('.')) return true;
  return stat(resolve(base, expandHome(source))).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** `path` with symbolic links resolved as far as it exists (the rest appended). */
async function realOrNearest(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realOrNearest(parent), basename(path));
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The places a worker may read and write. */
export interface WorkerRoots {
  /** The folder that holds run folders (shared by every worker). */
  readonly store: string;
  /** The Hugging Face hub cache the worker loads models from. */
  readonly modelCache: string;
}

/**
 * Checks every path `c` names: relative paths are read relative to the store, and each one, links
 * followed, must lie in the store or the model cache. Throws a ConfigError naming the key.
 * `cwd`: where the run is started from; relative paths then need it to be the store (the run checks
 * them from there, the workers read them from their store).
 */
export async function checkConfigPaths(
  c: ResolvedExperimentConfig,
  roots: WorkerRoots,
  options: { readonly cwd?: string } = {},
): Promise<void> {
  const allowed = await Promise.all([roots.store, roots.modelCache].map((r) => realOrNearest(r)));
  for (const { key, path, model } of configPaths(c)) {
    // A hub id is no path: @va/lm serves it from the model cache.
    if (model && !(await isLocalSource(path, roots.store))) continue;
    if (
      options.cwd !== undefined &&
      !isAbsolute(expandHome(path)) &&
      resolve(options.cwd) !== resolve(roots.store)
    ) {
      throw new ConfigError(
        'ExperimentConfig',
        key,
        `${JSON.stringify(path)} is relative: workers read it relative to the store ${roots.store}; ` +
          `start the run from the store (cd ${roots.store}) or give a path under it in full`,
      );
    }
    const real = await realOrNearest(resolve(roots.store, expandHome(path)));
    if (!allowed.some((root) => isInside(root, real))) {
      throw new ConfigError(
        'ExperimentConfig',
        key,
        `names ${real}, outside the store ${roots.store} and the model cache ${roots.modelCache}; ` +
          'a queued run reads files only there (put the file in the store and name it relative to the store)',
      );
    }
  }
}

/**
 * The run folder a job names, relative to `store`: a plain relative path (no `..`), which must
 * exist and, links followed, lie inside the store.
 */
export async function runFolderIn(store: string, run: string): Promise<string> {
  const clean = normalize(run);
  if (
    typeof run !== 'string' ||
    run === '' ||
    isAbsolute(run) ||
    clean === '..' ||
    clean.startsWith(`..${sep}`) ||
    clean.split(sep).includes('..')
  ) {
    throw new ResourceError(
      `the job names the run folder ${JSON.stringify(run)}: expected a path relative to the store, without '..'`,
    );
  }
  const dir = resolve(store, clean);
  const [real, root] = await Promise.all([realOrNearest(dir), realOrNearest(store)]);
  if (!isInside(root, real)) {
    throw new ResourceError(
      `the job's run folder ${JSON.stringify(run)} leads to ${real}, outside the store ${store}`,
    );
  }
  return dir;
}

/** `dir` relative to `store`, as jobs name it; refuses a run folder outside the store. */
export function runPathIn(store: string, dir: string): string {
  const rel = relative(resolve(store), resolve(dir));
  if (rel === '' || !isInside(resolve(store), resolve(dir))) {
    throw new ResourceError(
      `the run folder ${resolve(dir)} must be inside the store ${resolve(store)} (a folder below it), ` +
        'which every worker reaches: choose --dir inside --store, or --store above --dir',
    );
  }
  return rel.split(sep).join('/');
}
