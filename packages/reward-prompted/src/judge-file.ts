// Judges a JSONL file of (prompt, response) pairs into a JSONL file of intervals, resumably: each
// result is appended as one line when it completes, and a re-run skips the lines already written.

import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import {
  type Logger,
  type ProgressCallback,
  ResourceError,
  type RewardQuery,
  silentLogger,
} from '@va/core';
import type { Judge } from './judge.js';
import { Semaphore } from './semaphore.js';

/** Where to read, where to write, and with which judge. */
export interface JudgeFileOptions {
  /** JSONL input, one object per line. */
  input: string;
  /** JSONL output; appended to, and read first to resume. */
  output: string;
  judge: Judge;
  /** Field of the prompt (default `prompt`). */
  promptField?: string;
  /** Field of the response (default `response`). */
  responseField?: string;
  /** Field of an optional row id (default `id`); rows without it are keyed by line number. */
  idField?: string;
  /** Judgments in progress at once (default 16); the judge's client bounds HTTP separately. */
  concurrency?: number;
  /** Stops launching new judgments; those in flight are dropped, not written. */
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Receives malformed-line and failure reports, and resume notes. */
  logger?: Logger;
}

/** One line of the output file. */
export interface OutputRow {
  /** 1-based line number in the input. */
  line: number;
  id?: string | number;
  /** `<id or "line:N">#<sha256 of prompt and response, 16 hex>`: what resume matches. */
  key: string;
  judge: string;
  prompt_version: string;
  low: number;
  high: number;
  mean: number;
  variance: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number | null;
  cached: boolean;
  attempts: number;
  /** The judge's answer text. */
  raw: string;
}

/** What a run did. */
export interface JudgeFileSummary {
  /** Non-blank input lines. */
  lines: number;
  /** Judged and written in this run. */
  judged: number;
  /** Already in the output (resumed) or repeated in the input. */
  skipped: number;
  failed: number;
  malformed: number;
  /** Malformed lines and failed judgments, with their reasons. */
  failures: { line: number; reason: string }[];
  promptTokens: number;
  completionTokens: number;
  /** USD in this run; `null` when the judge's prices are unknown. */
  costUsd: number | null;
  /** Judgments served entirely from the cache. */
  cached: number;
  /** The signal stopped the run before the end. */
  interrupted: boolean;
  elapsedMs: number;
}

/** The resume key of a pair: its id (or line number) and a hash of its content. */
export function rowKey(line: number, id: string | number | undefined, q: RewardQuery): string {
  const hash = createHash('sha256').update(q.prompt).update('\u0000').update(q.response);
  return `${id === undefined ? `line:${line}` : String(id)}#${hash.digest('hex').slice(0, 16)}`;
}

/** Keys already in `output`; drops a partial last line left by a killed run. */
function readDone(output: string, judge: Judge, logger: Logger): Set<string> {
  const done = new Set<string>();
  if (!existsSync(output)) return done;
  const text = readFileSync(output, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) {
    logger.warn(`${output}: dropping a partial last line (an interrupted write)`);
    truncateSync(output, Buffer.byteLength(text.slice(0, end)));
  }
  for (const [i, line] of text.slice(0, end).split('\n').entries()) {
    if (!line.trim()) continue;
    let row: Partial<OutputRow>;
    try {
      row = JSON.parse(line);
    } catch {
      logger.warn(`${output}:${i + 1}: not JSON, ignored`);
      continue;
    }
    if (row.judge !== judge.name || row.prompt_version !== judge.promptVersion) {
      throw new ResourceError(
        `judgeFile: ${output} holds judgments by '${row.judge}' (prompt ${row.prompt_version}) but this run uses '${judge.name}' (prompt ${judge.promptVersion}). Fix: write to another output file, or delete it to start over`,
      );
    }
    if (typeof row.key === 'string') done.add(row.key);
  }
  return done;
}

type Parsed =
  | { ok: true; query: RewardQuery; id?: string | number }
  | { ok: false; reason: string };

function parseLine(text: string, pf: string, rf: string, idf: string): Parsed {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message})` };
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const o = obj as Record<string, unknown>;
  for (const f of [pf, rf]) {
    if (typeof o[f] !== 'string') {
      const got = f in o ? `a ${typeof o[f]}` : 'missing';
      return {
        ok: false,
        reason: `field '${f}' must be a string (${got}; set the field name with --${f === pf ? 'prompt' : 'response'}-field)`,
      };
    }
  }
  const id = o[idf];
  const validId = typeof id === 'string' || typeof id === 'number' ? id : undefined;
  return { ok: true, query: { prompt: o[pf] as string, response: o[rf] as string }, id: validId };
}

/** Counts non-blank lines, for progress totals. */
async function countLines(path: string): Promise<number> {
  let n = 0;
  const rl = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of rl) if (line.trim()) n++;
  return n;
}

/**
 * Judges every line of `input` not yet in `output` and appends one {@link OutputRow} per judgment as
 * it completes (so rows come in completion order; sort by `line` if needed). A killed run loses only
 * the judgments in flight; run it again to finish. Malformed lines and failed judgments are reported
 * through the logger and in the summary, and are not written (a re-run retries them).
 */
export async function judgeFile(options: JudgeFileOptions): Promise<JudgeFileSummary> {
  const started = Date.now();
  const { input, output, judge } = options;
  const pf = options.promptField ?? 'prompt';
  const rf = options.responseField ?? 'response';
  const idf = options.idField ?? 'id';
  const logger = options.logger ?? silentLogger;
  if (!existsSync(input)) {
    throw new ResourceError(`judgeFile: input file ${input} does not exist. Fix: check the path`);
  }
  const done = readDone(output, judge, logger);
  const total = await countLines(input);
  const s: JudgeFileSummary = {
    lines: total,
    judged: 0,
    skipped: 0,
    failed: 0,
    malformed: 0,
    failures: [],
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    cached: 0,
    interrupted: false,
    elapsedMs: 0,
  };
  const progress = () =>
    options.onProgress?.({
      task: 'judging',
      done: s.judged + s.skipped + s.failed + s.malformed,
      total,
    });
  const fd = openSync(output, 'a');
  const slots = new Semaphore(options.concurrency ?? 16);
  const tasks = new Set<Promise<void>>();
  const seen = new Set<string>();
  const rl = createInterface({
    input: createReadStream(input),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNo = 0;
  try {
    for await (const text of rl) {
      lineNo++;
      if (!text.trim()) continue;
      if (options.signal?.aborted) break;
      const parsed = parseLine(text, pf, rf, idf);
      if (!parsed.ok) {
        s.malformed++;
        s.failures.push({ line: lineNo, reason: parsed.reason });
        logger.warn(`${input}:${lineNo}: ${parsed.reason}`);
        progress();
        continue;
      }
      const key = rowKey(lineNo, parsed.id, parsed.query);
      if (done.has(key) || seen.has(key)) {
        s.skipped++;
        progress();
        continue;
      }
      seen.add(key);
      await slots.acquire();
      const line = lineNo;
      const task = (async () => {
        try {
          const j = await judge.judge(parsed.query, { signal: options.signal });
          const row: OutputRow = {
            line,
            ...(parsed.id !== undefined && { id: parsed.id }),
            key,
            judge: j.judge,
            prompt_version: j.promptVersion,
            low: j.interval.low,
            high: j.interval.high,
            mean: j.interval.mean,
            variance: j.interval.variance,
            prompt_tokens: j.usage.promptTokens,
            completion_tokens: j.usage.completionTokens,
            cost_usd: j.costUsd,
            cached: j.cached,
            attempts: j.attempts,
            raw: j.interval.raw,
          };
          // One write per row: a kill between writes never leaves half a row behind.
          writeSync(fd, `${JSON.stringify(row)}\n`);
          s.judged++;
          s.promptTokens += j.usage.promptTokens;
          s.completionTokens += j.usage.completionTokens;
          s.costUsd = s.costUsd === null || j.costUsd === null ? null : s.costUsd + j.costUsd;
          if (j.cached) s.cached++;
        } catch (e) {
          if (options.signal?.aborted) return;
          s.failed++;
          const reason = (e as Error).message;
          s.failures.push({ line, reason });
          logger.warn(`${input}:${line}: ${reason}`);
        } finally {
          slots.release();
          progress();
        }
      })();
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    }
    await Promise.all(tasks);
  } finally {
    rl.close();
    closeSync(fd);
  }
  s.interrupted = options.signal?.aborted ?? false;
  s.failures.sort((a, b) => a.line - b.line);
  s.elapsedMs = Date.now() - started;
  return s;
}
