// Reads the interval [a, b] out of what a judge model actually answers (SPEC 3, paper Section 3.1 and
// Appendix C): JSON, fenced JSON, brackets, "a - b", "a to b", "low: a, high: b", reasoning around it.

import { checkNumber, VaError, ValidationError } from '@va/core';
import { type Interval, makeInterval } from './interval.js';
import { extractJsonCandidates, wholeJsonInterval } from './json-candidates.js';

/** The scale of {@link parseInterval}: intervals must satisfy `low <= a <= b <= high`. */
export interface IntervalScale {
  low?: number;
  high?: number;
}

/** The answer was not a valid interval; `reason` says why, in words fit to send back to the judge. */
export class IntervalParseError extends VaError {
  constructor(
    readonly reason: string,
    /** The answer text (possibly long; never shown in full in the message). */
    readonly text: string,
  ) {
    const shown = text.length > 200 ? `${text.slice(0, 100)} ... ${text.slice(-80)}` : text;
    super(`parseInterval: ${reason}. Answer: ${JSON.stringify(shown)}`);
  }
}

/** Which form a candidate was written in, from most to least structured. */
export type IntervalForm = 'json' | 'key-value' | 'bracket' | 'plus-minus' | 'range';

/** A possible answer found in the text: numbers, or the reason it cannot be one. */
export interface Candidate {
  readonly form: IntervalForm;
  readonly start: number;
  readonly end: number;
  readonly low?: number;
  readonly high?: number;
  readonly error?: string;
  /** A range that reads as a mention of the scale ("on a 0-100 scale"), not as an answer. */
  readonly scaleMention?: boolean;
}

const TIER: Record<IntervalForm, number> = {
  json: 0,
  'key-value': 1,
  bracket: 2,
  'plus-minus': 3,
  range: 3,
};

// A number: optional sign, digits with optional decimals (or a leading-dot decimal), optional %.
// Not glued to a preceding letter, digit or dot, so "v1.5" or "GPT4" give no numbers.
const NUM = String.raw`(?<![\w.])[-+]?(?:\d+(?:\.\d+)?|\.\d+)%?`;
const NUM_END = String.raw`(?![\w.]*\d)`;
const RANGE_SEP = `(?:-|–|—|~|～|to)`;

const BRACKET = new RegExp(
  String.raw`[\[(]\s*(${NUM})\s*(?:,|;|-|–|—|~|～|to|and)\s*(${NUM})\s*[\])]`,
  'gi',
);
const BETWEEN = new RegExp(String.raw`\b(?:between)\s+(${NUM})\s+and\s+(${NUM})${NUM_END}`, 'gi');
const FROM_TO = new RegExp(String.raw`\bfrom\s+(${NUM})\s*${RANGE_SEP}\s*(${NUM})${NUM_END}`, 'gi');
const DASH_TO = new RegExp(
  String.raw`(${NUM})\s*${RANGE_SEP}\s*(${NUM})${NUM_END}(?!\s*[-–—~]\s*\d)`,
  'gi',
);
const PLUS_MINUS = new RegExp(String.raw`(${NUM})\s*(?:±|\+/-|\+-)\s*(${NUM})${NUM_END}`, 'gi');

const LOW_KEY = `low(?:er)?(?:[ _-]?(?:bound|end|limit))?|min(?:imum)?|a`;
const HIGH_KEY = `high(?:er)?|upper(?:[ _-]?(?:bound|end|limit))?|high[ _-]?(?:bound|end|limit)|max(?:imum)?|b`;
const VALUE = String.raw`["']?([-+]?(?:\d+(?:\.\d+)?|\.\d+)%?|[^\s,;"'}\])]+)`;
// "low: 60", "low = 60", and in prose "a low of 60", "the lower bound is 60", "upper end at 75".
const KV_SEP = String.raw`(\s*[:=]\s*|\s+(?:is|of|at)\s+)`;
const LOW_KV = new RegExp(String.raw`(?<![\w-])["']?(?:${LOW_KEY})["']?${KV_SEP}${VALUE}`, 'gi');
const HIGH_KV = new RegExp(String.raw`(?<![\w-])["']?(?:${HIGH_KEY})["']?${KV_SEP}${VALUE}`, 'gi');

const FINAL_MARKER =
  /\bfinal\s+(?:answer|interval|score|rating|verdict|range)\b|\b(?:answer|interval|output)\s*:/gi;

/** Parses a numeric token such as `60`, `72.5`, `+3`, `.5` or `75%`; NaN when it is not one. */
export function toNumber(token: string): number {
  const t = token.trim().replace(/%$/, '');
  return /^[-+]?(?:\d+(?:\.\d+)?|\.\d+)$/.test(t) ? Number(t) : Number.NaN;
}

function pairCandidate(
  form: IntervalForm,
  start: number,
  end: number,
  a: string,
  b: string,
): Candidate {
  const low = toNumber(a);
  const high = toNumber(b);
  if (Number.isNaN(low) || Number.isNaN(high)) {
    const bad = Number.isNaN(low) ? a : b;
    return { form, start, end, error: `non-numeric bound ${JSON.stringify(bad)}` };
  }
  return { form, start, end, low, high };
}

function regexCandidates(text: string, re: RegExp, form: IntervalForm): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(re)) {
    const start = m.index;
    const end = start + m[0].length;
    if (form === 'plus-minus') {
      const c = toNumber(m[1]!);
      const d = Math.abs(toNumber(m[2]!));
      out.push({ form, start, end, low: c - d, high: c + d });
      continue;
    }
    const cand = pairCandidate(form, start, end, m[1]!, m[2]!);
    const before = text.slice(Math.max(0, start - 24), start);
    const after = text.slice(end, end + 16);
    const scaleMention =
      form === 'range' &&
      (/scale\s*(?:of|from)?\s*$/i.test(before) || /^\s*-?\s*scale/i.test(after));
    out.push(scaleMention ? { ...cand, scaleMention } : cand);
  }
  return out;
}

/** A key-value match, unless it is prose ("low of quality") rather than a bound. */
function isBound(m: RegExpMatchArray): boolean {
  if (/[:=]/.test(m[1]!)) return true;
  return !/^["']?[ab]["']?\s/i.test(m[0]) && !Number.isNaN(toNumber(m[2]!));
}

function keyValueCandidates(text: string): Candidate[] {
  const lows = [...text.matchAll(LOW_KV)].filter(isBound);
  const highs = [...text.matchAll(HIGH_KV)].filter(isBound);
  const out: Candidate[] = [];
  for (const [i, lo] of lows.entries()) {
    const nextLow = lows[i + 1]?.index ?? Number.POSITIVE_INFINITY;
    const prevLow = lows[i - 1]?.index ?? -1;
    // "low: a, high: b", or the other way round, "High: b, Low: a".
    const hi =
      highs.find((h) => h.index > lo.index && h.index < nextLow) ??
      highs.findLast((h) => h.index < lo.index && h.index > prevLow);
    const start = Math.min(lo.index, hi?.index ?? lo.index);
    const end = Math.max(lo.index + lo[0].length, hi ? hi.index + hi[0].length : 0);
    if (!hi || end - start > 200) {
      // A lone "a: 5" is too common in prose to count; a lone "low: 60" is a half answer.
      if (/^["']?(?:a)["']?\s*[:=]/i.test(lo[0])) continue;
      out.push({
        form: 'key-value',
        start: lo.index,
        end: lo.index + lo[0].length,
        error: "a 'low' bound without a 'high' bound",
      });
      continue;
    }
    out.push(pairCandidate('key-value', start, end, lo[2]!, hi[2]!));
  }
  // A "high: b" with no "low" anywhere.
  for (const hi of highs) {
    if (lows.length === 0 && !/^["']?b["']?\s*[:=]/i.test(hi[0])) {
      out.push({
        form: 'key-value',
        start: hi.index,
        end: hi.index + hi[0].length,
        error: "a 'high' bound without a 'low' bound",
      });
    }
  }
  return out;
}

/**
 * Removes reasoning blocks: `<think>...</think>` (DeepSeek-R1, Qwen3, their distills) and
 * `<thinking>...</thinking>`; text before a lone closing tag (chat templates that open the block in
 * the prompt) is reasoning too. Throws when the answer ends inside an unclosed block.
 */
export function stripReasoning(text: string): string {
  let t = text.replace(/<(think|thinking)>[\s\S]*?<\/\1>/gi, ' ');
  const close = /<\/(?:think|thinking)>/gi;
  let lastClose = -1;
  for (const m of t.matchAll(close)) lastClose = m.index + m[0].length;
  if (lastClose >= 0) t = t.slice(lastClose);
  if (/<(?:think|thinking)>/i.test(t)) {
    throw new IntervalParseError(
      'the answer ends inside a <think> block, with no final answer after it (raise the max tokens)',
      text,
    );
  }
  return t;
}

/** Every candidate interval in `text` (reasoning already stripped), in order of position. */
export function findCandidates(text: string): Candidate[] {
  // Markdown emphasis and inline code get in the way of "**Low:** 60"; JSON survives their removal.
  const t = text.replace(/[*`]/g, ' ');
  const all = [
    ...extractJsonCandidates(t),
    ...keyValueCandidates(t),
    ...regexCandidates(t, BRACKET, 'bracket'),
    ...regexCandidates(t, PLUS_MINUS, 'plus-minus'),
    ...regexCandidates(t, BETWEEN, 'range'),
    ...regexCandidates(t, FROM_TO, 'range'),
    ...regexCandidates(t, DASH_TO, 'range'),
  ];
  return all.sort((x, y) => x.start - y.start || TIER[x.form] - TIER[y.form]);
}

function isFullScale(c: Candidate, lo: number, hi: number): boolean {
  return c.low === lo && c.high === hi;
}

/**
 * Picks the answer among the candidates. The rule, in order:
 * 1. after the last "final answer" / "answer:" / "interval:" marker, if any candidate lies there;
 * 2. ranges that read as mentions of the scale ("on a 0-100 scale", "a scale from 0 to 100") are
 *    dropped, and candidates equal to the whole scale are dropped while any other remains;
 *    unreadable candidates (a missing or non-numeric bound) count only when nothing else is left;
 * 3. the most structured form present wins: JSON > `low: a, high: b` > `[a, b]` / `(a, b)` >
 *    `a ± d`, `a - b`, `a to b`, `between a and b`;
 * 4. among those, the last one in the text (a model that revises itself ends with its answer).
 */
export function selectCandidate(
  text: string,
  candidates: readonly Candidate[],
  lo: number,
  hi: number,
): Candidate | undefined {
  let pool = [...candidates];
  let marker = -1;
  for (const m of text.replace(/[*`]/g, ' ').matchAll(FINAL_MARKER)) marker = m.index;
  if (marker >= 0 && pool.some((c) => c.start >= marker)) {
    pool = pool.filter((c) => c.start >= marker);
  }
  pool = pool.filter((c) => !c.scaleMention);
  const notFull = pool.filter((c) => !isFullScale(c, lo, hi));
  if (notFull.length > 0) pool = notFull;
  const readable = pool.filter((c) => c.error === undefined);
  if (readable.length > 0) pool = readable;
  if (pool.length === 0) return undefined;
  const best = Math.min(...pool.map((c) => TIER[c.form]));
  const top = pool.filter((c) => TIER[c.form] === best);
  return top.reduce((last, c) => (c.end >= last.end ? c : last));
}

/** Checks a scale `{ low, high }`, filling the defaults 0 and 100. */
export function resolveScale(where: string, scale: IntervalScale = {}): [number, number] {
  const lo = checkNumber(where, 'options.low', scale.low ?? 0);
  const hi = checkNumber(where, 'options.high', scale.high ?? 100);
  if (!(lo < hi)) {
    throw new ValidationError(where, 'options.high', `greater than options.low (${lo})`, hi);
  }
  return [lo, hi];
}

/**
 * Reads a judge's answer into `{ low, high, mean, variance, raw }` on the scale `[options.low,
 * options.high]` (default 0 to 100). An answer that is exactly one JSON object holding an interval
 * is taken as it is; otherwise reasoning blocks are ignored and the final answer is preferred (see
 * {@link selectCandidate}). Throws {@link IntervalParseError}, whose `reason` says what is
 * wrong, when the answer holds no valid interval: none found, a single number, a non-numeric or
 * missing bound, `a > b`, or a bound outside the scale.
 */
export function parseInterval(text: string, options: IntervalScale = {}): Interval {
  const [lo, hi] = resolveScale('parseInterval', options);
  if (typeof text !== 'string') {
    throw new ValidationError('parseInterval', 'text', 'a string', text);
  }
  if (text.trim() === '') throw new IntervalParseError('the answer is empty', text);
  // An answer that is one JSON object, as the prompt asks, is the answer whatever its strings say.
  const whole = wholeJsonInterval(text);
  // "60/100 - 75/100": a denominator equal to the top of the scale is dropped.
  const body = whole
    ? ''
    : stripReasoning(text).replace(new RegExp(String.raw`(\d%?)\s*/\s*${hi}(?![\d.])`, 'g'), '$1');
  const candidates = whole ? [] : findCandidates(body);
  const chosen: Candidate | undefined = whole
    ? { form: 'json', start: 0, end: text.length, ...whole }
    : selectCandidate(body, candidates, lo, hi);
  if (!chosen && candidates.length > 0) {
    throw new IntervalParseError('only a mention of the scale, no interval', text);
  }
  if (!chosen) {
    const numbers = [...body.matchAll(new RegExp(NUM, 'g'))].map((m) => m[0]);
    const reason =
      numbers.length === 0
        ? 'no interval and no numbers found in the answer'
        : numbers.length === 1
          ? `a single number (${numbers[0]}) is not an interval; two bounds [a, b] are needed`
          : `no interval found among the numbers ${numbers.slice(0, 5).join(', ')}`;
    throw new IntervalParseError(reason, text);
  }
  if (chosen.error !== undefined) throw new IntervalParseError(chosen.error, text);
  const low = chosen.low!;
  const high = chosen.high!;
  if (low > high) {
    throw new IntervalParseError(`the bounds are reversed: low ${low} > high ${high}`, text);
  }
  if (low < lo || high > hi) {
    throw new IntervalParseError(`[${low}, ${high}] lies outside the scale [${lo}, ${hi}]`, text);
  }
  return makeInterval(low, high, text);
}
