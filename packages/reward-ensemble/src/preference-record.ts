// One preference row in the formats users have, turned into (prompt messages, chosen, rejected):
// HH-RLHF dialogue strings, message lists (preference_dataset_mix2 / UltraFeedback-binarized) and
// RewardBench rows. Anything else is reported with the reason, never guessed at.

import type { ChatMessage } from '@va/core';
import { parseHHDialogue } from './chat.js';

/** A preference pair: the dialogue before the compared turn, and the two candidate turns. */
export interface PreferencePair {
  /** The conversation before the response (at least one message). */
  readonly prompt: readonly ChatMessage[];
  readonly chosen: string;
  readonly rejected: string;
  /** RewardBench subset (e.g. `alpacaeval-easy`) or any `subset` column. */
  readonly subset?: string;
  readonly id?: string | number;
}

/** The row shapes {@link parsePreferenceRecord} recognises. */
export type PreferenceFormat = 'hh-rlhf' | 'messages' | 'prompt-response';

/** A parsed row, or why it could not be parsed. */
export type ParsedRecord =
  | { readonly ok: true; readonly pair: PreferencePair; readonly format: PreferenceFormat }
  | { readonly ok: false; readonly reason: string };

const FORMATS_HELP =
  'expected {chosen, rejected} HH-RLHF dialogue strings, {chosen, rejected} message lists ' +
  '(optionally with prompt), or {prompt, chosen, rejected} strings (RewardBench)';

function fail(reason: string): ParsedRecord {
  return { ok: false, reason };
}

function isMessageList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === 'object' && m !== null);
}

function toMessages(v: unknown, field: string): ChatMessage[] | string {
  if (!Array.isArray(v)) return `'${field}' is not a message list`;
  const out: ChatMessage[] = [];
  for (const [i, m] of v.entries()) {
    const role = (m as { role?: unknown })?.role;
    const content = (m as { content?: unknown })?.content;
    if (typeof role !== 'string' || typeof content !== 'string') {
      return `'${field}[${i}]' must be {role: string, content: string}`;
    }
    out.push({ role, content });
  }
  return out;
}

function sameMessages(a: readonly ChatMessage[], b: readonly ChatMessage[]): boolean {
  return (
    a.length === b.length && a.every((m, i) => m.role === b[i]!.role && m.content === b[i]!.content)
  );
}

/**
 * Splits an HH-RLHF pair (two whole dialogues sharing every turn but the last Assistant turn) into
 * the shared prompt and the two final Assistant turns.
 */
export function splitHHPair(
  chosen: string,
  rejected: string,
): { prompt: ChatMessage[]; chosen: string; rejected: string } | string {
  const marker = '\n\nAssistant:';
  const ic = chosen.lastIndexOf(marker);
  const ir = rejected.lastIndexOf(marker);
  if (ic < 0 || ir < 0) return `'${ic < 0 ? 'chosen' : 'rejected'}' has no Assistant turn`;
  const prefix = chosen.slice(0, ic);
  if (prefix !== rejected.slice(0, ir)) {
    return "'chosen' and 'rejected' do not share the dialogue before their last Assistant turn";
  }
  const prompt = parseHHDialogue(prefix);
  if (!prompt || prompt.length === 0) return "the dialogue does not start with a 'Human:' turn";
  const responses = [chosen.slice(ic + marker.length), rejected.slice(ir + marker.length)].map(
    (r) => (r.startsWith(' ') ? r.slice(1) : r),
  );
  if (responses.some((r) => r.includes('\n\nHuman:'))) {
    return 'a dialogue ends with a Human turn after its last Assistant turn';
  }
  return { prompt, chosen: responses[0]!, rejected: responses[1]! };
}

function promptMessages(prompt: unknown): ChatMessage[] | string {
  if (typeof prompt === 'string') {
    const hh = parseHHDialogue(prompt);
    if (hh && hh.length > 0) return hh;
    return [{ role: 'user', content: prompt }];
  }
  return toMessages(prompt, 'prompt');
}

function fromMessageLists(row: Record<string, unknown>): ParsedRecord {
  const c = toMessages(row.chosen, 'chosen');
  const r = toMessages(row.rejected, 'rejected');
  if (typeof c === 'string') return fail(c);
  if (typeof r === 'string') return fail(r);
  const lastC = c.at(-1)!;
  const lastR = r.at(-1)!;
  if (lastC.role !== 'assistant' || lastR.role !== 'assistant') {
    return fail("the last message of 'chosen' and of 'rejected' must have role 'assistant'");
  }
  let prompt: ChatMessage[];
  if (c.length === 1 && r.length === 1) {
    if (row.prompt === undefined || row.prompt === null) {
      return fail("'chosen'/'rejected' hold only the response, and there is no 'prompt'");
    }
    const p = promptMessages(row.prompt);
    if (typeof p === 'string') return fail(p);
    prompt = p;
  } else {
    prompt = c.slice(0, -1);
    if (!sameMessages(prompt, r.slice(0, -1))) {
      return fail(
        "'chosen' and 'rejected' do not share the conversation before their last message",
      );
    }
    if (prompt.length === 0) return fail('the conversation has no turn before the response');
    if (typeof row.prompt === 'string' && !prompt.some((m) => m.content === row.prompt)) {
      return fail("'prompt' is not one of the conversation's turns in 'chosen'");
    }
  }
  return {
    ok: true,
    format: 'messages',
    pair: withExtras(row, prompt, lastC.content, lastR.content),
  };
}

function withExtras(
  row: Record<string, unknown>,
  prompt: ChatMessage[],
  chosen: string,
  rejected: string,
): PreferencePair {
  const pair: { -readonly [K in keyof PreferencePair]: PreferencePair[K] } = {
    prompt,
    chosen,
    rejected,
  };
  if (typeof row.subset === 'string') pair.subset = row.subset;
  if (typeof row.id === 'string' || typeof row.id === 'number') pair.id = row.id;
  if (typeof row.id === 'bigint') pair.id = Number(row.id);
  return pair;
}

/** Parses one row (a JSON object or a parquet row) into a {@link PreferencePair}. */
export function parsePreferenceRecord(row: unknown): ParsedRecord {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    return fail(`the row is not an object; ${FORMATS_HELP}`);
  }
  const rec = row as Record<string, unknown>;
  for (const key of ['chosen', 'rejected']) {
    if (rec[key] === undefined || rec[key] === null) {
      return fail(`'${key}' is missing or null; ${FORMATS_HELP}`);
    }
  }
  const { chosen, rejected, prompt } = rec;
  if (isMessageList(chosen) || isMessageList(rejected)) return fromMessageLists(rec);
  if (typeof chosen !== 'string' || typeof rejected !== 'string') {
    return fail(
      `'chosen' and 'rejected' must both be strings or both message lists; ${FORMATS_HELP}`,
    );
  }
  if (prompt === undefined || prompt === null) {
    const split = splitHHPair(chosen, rejected);
    if (typeof split === 'string') return fail(`HH-RLHF row: ${split}`);
    return {
      ok: true,
      format: 'hh-rlhf',
      pair: withExtras(rec, split.prompt, split.chosen, split.rejected),
    };
  }
  if (typeof prompt === 'string' && prompt.trim() === '') return fail("'prompt' is empty");
  const p = promptMessages(prompt);
  if (typeof p === 'string') return fail(p);
  return { ok: true, format: 'prompt-response', pair: withExtras(rec, p, chosen, rejected) };
}
