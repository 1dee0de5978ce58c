// Reward models named on a command line or in a config file: `offline` (the simulated interval
// judge of @va/reward-prompted), `ensemble:<dir>` (a saved @va/reward-ensemble model), or
// `module:<file>` (a user's own RewardModel). The reward packages are optional peers, loaded only
// when named.

import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResourceError, type RewardModel, UsageError } from '@va/core';

/** The forms {@link loadRewardModel} accepts. */
export const REWARD_SPECS = 'offline | ensemble:<dir> | module:<file.js>';

async function optionalPeer<T>(name: string, spec: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (cause) {
    throw new ResourceError(
      `reward '${spec}' needs ${name}, which is not installed: npm install ${name}`,
      { cause },
    );
  }
}

/**
 * The reward model `spec` names: `offline` (the offline sentiment judge as a prompted reward model:
 * mean the interval midpoint, sample a fresh draw from it), `ensemble:<dir>` (an ensemble saved by
 * `va-ensemble train`), `module:<file>` (an ES module whose default export is a RewardModel or a
 * function, possibly async, returning one).
 */
export async function loadRewardModel(
  spec: string,
  options: { seed?: number } = {},
): Promise<RewardModel> {
  if (spec === 'offline') {
    const rp = await optionalPeer<typeof import('@va/reward-prompted')>(
      '@va/reward-prompted',
      spec,
    );
    return new rp.PromptedRewardModel(new rp.OfflineJudge(), { seed: options.seed ?? 0 });
  }
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const arg = spec.slice(colon + 1);
  if (kind === 'ensemble' && arg) {
    const re = await optionalPeer<typeof import('@va/reward-ensemble')>(
      '@va/reward-ensemble',
      spec,
    );
    return re.RewardEnsemble.load(resolve(arg));
  }
  if (kind === 'module' && arg) {
    const url = pathToFileURL(resolve(arg)).href;
    const mod = (await import(url).catch((cause) => {
      throw new ResourceError(
        `reward '${spec}': cannot import ${resolve(arg)} (${(cause as Error).message})`,
        { cause },
      );
    })) as { default?: unknown };
    const made =
      typeof mod.default === 'function' ? await (mod.default as () => unknown)() : mod.default;
    const model = made as RewardModel | undefined;
    if (!model || typeof model.score !== 'function' || typeof model.name !== 'string') {
      throw new ResourceError(
        `reward '${spec}': the default export of ${resolve(arg)} must be a RewardModel ({ name, score() }) or a function returning one`,
      );
    }
    return model;
  }
  throw new UsageError(`unknown reward '${spec}'; expected ${REWARD_SPECS}`);
}

/**
 * Prompts from a file: `.txt` (one per non-empty line), `.jsonl` (one object per line with a
 * `prompt`, `query` or `text` field, or a string), `.json` (an array of those).
 */
export async function readPrompts(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ResourceError(
      `cannot read prompts file ${path} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      { cause },
    );
  }
  const pick = (x: unknown, where: string): string => {
    const value =
      typeof x === 'string'
        ? x
        : x && typeof x === 'object'
          ? ((x as Record<string, unknown>).prompt ??
            (x as Record<string, unknown>).query ??
            (x as Record<string, unknown>).text)
          : undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ResourceError(
        `${where}: expected a non-empty prompt (a string, or an object with 'prompt', 'query' or 'text')`,
      );
    }
    return value;
  };
  const ext = extname(path).toLowerCase();
  let prompts: string[];
  if (ext === '.jsonl') {
    prompts = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new ResourceError(`${path}:${i + 1}: not JSON`);
      }
      prompts.push(pick(row, `${path}:${i + 1}`));
    });
  } else if (ext === '.json') {
    let rows: unknown;
    try {
      rows = JSON.parse(text);
    } catch (cause) {
      throw new ResourceError(`${path}: not JSON (${(cause as Error).message})`);
    }
    if (!Array.isArray(rows)) throw new ResourceError(`${path}: expected a JSON array of prompts`);
    prompts = rows.map((r, i) => pick(r, `${path}[${i}]`));
  } else {
    prompts = text.split('\n').filter((l) => l.trim() !== '');
  }
  if (prompts.length === 0) throw new ResourceError(`${path}: no prompts`);
  return prompts;
}
