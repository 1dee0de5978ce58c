// Finds JSON objects in free text (plain, in ```json fences, or Python-dict style) and reads an
// interval out of them: {"low": a, "high": b} and the other key names and nestings judges use.

import type { Candidate } from './parse-interval.js';

const LOW_NAMES = [
  'low',
  'lower',
  'lowerbound',
  'lowbound',
  'min',
  'minimum',
  'a',
  'start',
  'from',
];
const HIGH_NAMES = ['high', 'upper', 'upperbound', 'highbound', 'max', 'maximum', 'b', 'end', 'to'];
const PAIR_NAMES = [
  'interval',
  'range',
  'score',
  'scores',
  'reward',
  'rating',
  'confidenceinterval',
  'scoreinterval',
  'scorerange',
  'answer',
  'result',
];

/** Spans `[start, end)` of top-level `{...}` blocks, braces inside double-quoted strings ignored. */
function objectSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"' && depth > 0) inString = true;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0) spans.push([start, i + 1]);
    }
  }
  return spans;
}

/** JSON.parse, then a lenient retry: single quotes, bare keys, trailing commas. */
function looseParse(source: string): unknown {
  try {
    return JSON.parse(source);
  } catch {
    const repaired = source
      .replace(/'([^'\\\n]*)'/g, '"$1"')
      .replace(/([{,]\s*)([A-Za-z_][\w -]*?)\s*:/g, '$1"$2":')
      .replace(/,\s*([}\]])/g, '$1');
    try {
      return JSON.parse(repaired);
    } catch {
      return undefined;
    }
  }
}

const normalise = (key: string) => key.toLowerCase().replace(/[\s_-]/g, '');

type Found = { low?: number; high?: number; error?: string } | undefined;

function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[-+]?(?:\d+(?:\.\d+)?|\.\d+)%?\s*$/.test(value)) {
    return Number(value.trim().replace(/%$/, ''));
  }
  return Number.NaN;
}

function fromPair(a: unknown, b: unknown, what: string): Found {
  const low = numberOf(a);
  const high = numberOf(b);
  if (Number.isNaN(low) || Number.isNaN(high)) {
    const bad = Number.isNaN(low) ? a : b;
    return { error: `non-numeric bound ${JSON.stringify(bad)} in ${what}` };
  }
  return { low, high };
}

/** Reads an interval from a parsed JSON value; undefined when it holds nothing interval-like. */
function fromValue(value: unknown, depth = 0): Found {
  if (depth > 4 || value === null) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 2) return fromPair(value[0], value[1], 'the array');
    return undefined;
  }
  if (typeof value === 'string') {
    const m = /^\s*[[(]?\s*([-+]?[\d.]+)%?\s*(?:-|–|—|~|to|,)\s*([-+]?[\d.]+)%?\s*[\])]?\s*$/.exec(
      value,
    );
    return m ? fromPair(m[1], m[2], 'the string') : undefined;
  }
  if (typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => [normalise(k), v] as const,
  );
  const lo = entries.find(([k]) => LOW_NAMES.includes(k));
  const hi = entries.find(([k]) => HIGH_NAMES.includes(k));
  if (lo && hi) return fromPair(lo[1], hi[1], `the keys '${lo[0]}' and '${hi[0]}'`);
  // "score_low"/"score_high", "lowerBound"/"upperBound", "min_score"/"max_score": exactly one such
  // key on each side.
  const looseLo = entries.filter(([k]) => /low|min/.test(k));
  const looseHi = entries.filter(([k]) => /high|upper|max/.test(k));
  if (looseLo.length === 1 && looseHi.length === 1) {
    const [[lk, lv], [hk, hv]] = [looseLo[0]!, looseHi[0]!];
    return fromPair(lv, hv, `the keys '${lk}' and '${hk}'`);
  }
  for (const [k, v] of entries) {
    if (PAIR_NAMES.includes(k) && typeof v === 'object' && v !== null) {
      const inner = fromValue(v, depth + 1);
      if (inner) return inner;
    }
  }
  for (const [k, v] of entries) {
    if (PAIR_NAMES.includes(k) && typeof v === 'string') {
      const inner = fromValue(v, depth + 1);
      if (inner) return inner;
    }
  }
  // Nested objects under other keys, e.g. {"evaluation": {"low": 60, "high": 75}}.
  for (const [, v] of entries) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const inner = fromValue(v, depth + 1);
      if (inner) return inner;
    }
  }
  if (lo && !hi) return { error: `a '${lo[0]}' bound without a 'high' bound` };
  if (hi && !lo) return { error: `a '${hi[0]}' bound without a 'low' bound` };
  const single = entries.find(([k, v]) => PAIR_NAMES.includes(k) && typeof v === 'number');
  if (single) {
    return {
      error: `a single number (${single[0]}: ${single[1]}) is not an interval; two bounds are needed`,
    };
  }
  return undefined;
}

/**
 * The interval of an answer that is exactly one JSON object holding one (the common case, read
 * without scanning); undefined otherwise, leaving the answer to the full parser.
 */
export function wholeJsonInterval(text: string): { low: number; high: number } | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    return undefined;
  }
  const found = fromValue(parsed);
  return found && found.error === undefined ? (found as { low: number; high: number }) : undefined;
}

/** Interval candidates from every JSON object in `text` that holds one (or a clear mistake). */
export function extractJsonCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const [start, end] of objectSpans(text)) {
    const parsed = looseParse(text.slice(start, end));
    if (parsed === undefined) continue;
    const found = fromValue(parsed);
    if (found) out.push({ form: 'json', start, end, ...found });
  }
  return out;
}
