// The keys of a judged file's rows and of its judge's settings: what a resumed `judgeFile` checks
// before it skips a line (pure, so that the browser build has them too).

import { createSha256, type RewardQuery } from '@va/core';
import type { Judge } from './judge.js';

/** `value` as JSON with object keys sorted, so that equal settings hash equally. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** 16 hex digits of the SHA-256 of `judge.settings` (name, prompt version and scale without it). */
export function judgeSettingsHash(judge: Judge): string {
  const settings = judge.settings ?? {
    judge: judge.name,
    promptVersion: judge.promptVersion,
    scale: judge.scale,
  };
  return createSha256().update(canonicalJson(settings)).digest('hex').slice(0, 16);
}

export const contentHash = (q: RewardQuery) =>
  createSha256().update(q.prompt).update('\u0000').update(q.response).digest('hex').slice(0, 16);

/** The resume key of a pair: its id (or line number) and a hash of its content. */
export function rowKey(line: number, id: string | number | undefined, q: RewardQuery): string {
  return `${rowName(line, id)}#${contentHash(q)}`;
}

export const rowName = (line: number, id: string | number | undefined) =>
  id === undefined ? `line:${line}` : String(id);
