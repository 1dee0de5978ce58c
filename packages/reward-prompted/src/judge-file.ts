// Judges a JSONL file of (prompt, response) pairs into a JSONL file of intervals, resumably: each
// result is appended as one line when it completes, and a re-run skips the lines already written,
// provided they were written with the same judge settings and the input lines are unchanged.

import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import {
  checkInputFile,
  checkOutputFile,
  type Logger,
  type ProgressCallback,
  ResourceError,
  type RewardQuery,
  readLines,
  silentLogger,
} from '@va/core';
import type { Judge } from './judge.js';
import { contentHash, judgeSettingsHash, rowName } from './judge-file-keys.js';
import { Semaphore } from './semaphore.js';

export { judgeSettingsHash, rowKey } from './judge-file-keys.js';

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
  /** Hash of the judge's settings ({@link judgeSettingsHash}): a resume must use the same. */
  settings: string;
  /** The scale `[low, high]` the interval lies on. */
  scale: [number, number];
  low: number;
  high: number;
  mean: number;
  variance: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number | null;
  cached: boolean;
  attempts: number;
  /** The judge's answer text (API keys redacted). */
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

/** A row written whole by this version: every field resume and readers rely on is there. */
function isCompleteRow(row: unknown): row is OutputRow {
  const r = row as Partial<OutputRow> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.key === 'string' &&
    r.key.includes('#') &&
    typeof r.judge === 'string' &&
    typeof r.prompt_version === 'string' &&
    typeof r.settings === 'string' &&
    [r.low, r.high, r.mean, r.variance].every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}

/**
 * The rows already in `output`, as row name -> content hash, read line by line (memory holds one
 * line, not the file). Only complete rows count; `partialFrom` is where a partial last line starts
 * (a kill or a full disk in the middle of a write). Rows written with other settings stop the run.
 */
async function readDone(
  output: string,
  judge: Judge,
  settings: string,
  logger: Logger,
): Promise<{ done: Map<string, string>; partialFrom?: number }> {
  const done = new Map<string, string>();
  let partialFrom: number | undefined;
  if (!existsSync(output)) return { done };
  for await (const { text, line, start, complete } of readLines(output)) {
    if (!complete) {
      partialFrom = start;
      break;
    }
    if (!text.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      row = undefined;
    }
    const r = row as Partial<OutputRow> | undefined;
    if (r && typeof r === 'object' && typeof r.judge === 'string' && r.settings !== settings) {
      throw new ResourceError(settingsMismatch(output, line, r, judge, settings));
    }
    if (!isCompleteRow(row)) {
      logger.warn(
        `${output}:${line}: not a complete row, ignored (its input line is judged again)`,
      );
      continue;
    }
    const [name, hash] = splitKey(row.key);
    done.set(name, hash);
  }
  return { done, partialFrom };
}

const splitKey = (key: string): [string, string] => {
  const at = key.lastIndexOf('#');
  return [key.slice(0, at), key.slice(at + 1)];
};

function settingsMismatch(
  output: string,
  line: number,
  row: Partial<OutputRow>,
  judge: Judge,
  settings: string,
): string {
  const scale = judge.scale.join(', ');
  const theirs =
    row.settings === undefined
      ? 'an older va-judge that kept no settings hash'
      : row.judge !== judge.name || row.prompt_version !== judge.promptVersion
        ? `'${row.judge}' (prompt ${row.prompt_version})`
        : row.scale && row.scale.join(', ') !== scale
          ? `scale [${row.scale.join(', ')}]`
          : `other settings (rubric, model parameters or re-asks; settings ${row.settings})`;
  const ours =
    row.settings !== undefined &&
    (row.judge !== judge.name || row.prompt_version !== judge.promptVersion)
      ? `'${judge.name}' (prompt ${judge.promptVersion})`
      : row.scale && row.scale.join(', ') !== scale
        ? `scale [${scale}]`
        : `settings ${settings}`;
  return (
    `judgeFile: ${output} holds judgments by ${theirs} (line ${line}), but this run uses ${ours}; ` +
    'resuming would mix them in one file. Fix: rerun with the settings that wrote it, write to another output file, or delete it to start over'
  );
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

/**
 * One pass over the input before any judging: counts non-blank lines (the progress total) and
 * finds lines whose content changed since their row was written. Judging those again would give
 * one line two rows, so the run is refused instead.
 */
async function checkInput(
  input: string,
  output: string,
  done: Map<string, string>,
  fields: [string, string, string],
): Promise<number> {
  let total = 0;
  const changed: { line: number; name: string }[] = [];
  for await (const { text, line } of readLines(input)) {
    if (!text.trim()) continue;
    total++;
    if (done.size === 0) continue;
    const parsed = parseLine(text, ...fields);
    if (!parsed.ok) continue;
    const name = rowName(line, parsed.id);
    const hash = done.get(name);
    if (hash !== undefined && hash !== contentHash(parsed.query)) changed.push({ line, name });
  }
  if (changed.length > 0) {
    const shown = changed
      .slice(0, 5)
      .map((c) => (c.name.startsWith('line:') ? `line ${c.line}` : `line ${c.line} (id ${c.name})`))
      .join(', ');
    const byLine = changed.some((c) => c.name.startsWith('line:'))
      ? ` Rows without an id are matched by line number, so inserting or deleting a line shifts the rest; give each row an id (${fields[2]}).`
      : '';
    throw new ResourceError(
      `judgeFile: ${changed.length} input line${changed.length === 1 ? '' : 's'} of ${input} changed since ${output} judged ${changed.length === 1 ? 'it' : 'them'}: ${shown}${changed.length > 5 ? ', ...' : ''}. ` +
        `Judging ${changed.length === 1 ? 'it' : 'them'} again would give one line two rows.${byLine} ` +
        `Fix: restore the input, delete those rows from ${output} to judge them again, or write to another output file`,
    );
  }
  return total;
}

/**
 * Appends `text` (one row and its newline) to `fd` completely, or not at all: a short write (a full
 * disk, a file-size limit) is truncated back to where the row started and reported, so the file
 * never holds half a row that a later row would be glued to.
 */
function appendRow(fd: number, output: string, text: string): void {
  const buf = Buffer.from(text);
  const start = fstatSync(fd).size;
  let written = 0;
  try {
    while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
  } catch (cause) {
    try {
      ftruncateSync(fd, start);
    } catch {}
    throw new ResourceError(
      `judgeFile: cannot write to ${output} (${(cause as Error).message}); the rows written before are kept, the judgments in flight are lost. ` +
        'Fix: free disk space (or raise the file-size limit) and run again to resume',
      { cause },
    );
  }
}

/**
 * Judges every line of `input` not yet in `output` and appends one {@link OutputRow} per judgment as
 * it completes (so rows come in completion order; sort by `line` if needed). A killed run loses only
 * the judgments in flight; run it again to finish. Malformed lines and failed judgments are reported
 * through the logger and in the summary, and are not written (a re-run retries them). A resume with
 * other judge settings, or with input lines changed since they were judged, is refused before any
 * judging; so is an output that cannot be written. A failed write stops the run.
 */
export async function judgeFile(options: JudgeFileOptions): Promise<JudgeFileSummary> {
  const started = Date.now();
  const { judge } = options;
  const pf = options.promptField ?? 'prompt';
  const rf = options.responseField ?? 'response';
  const idf = options.idField ?? 'id';
  const logger = options.logger ?? silentLogger;
  const input = await checkInputFile(options.input, { label: 'judgeFile: input file' });
  const output = await checkOutputFile(options.output, { label: 'judgeFile: output file' });
  const settings = judgeSettingsHash(judge);
  const { done, partialFrom } = await readDone(output, judge, settings, logger);
  const total = await checkInput(input, output, done, [pf, rf, idf]);
  // Every check passed: from here on the output is written.
  if (partialFrom !== undefined) {
    logger.warn(`${output}: dropping a partial last line (an interrupted write)`);
    truncateSync(output, partialFrom);
  }
  mkdirSync(dirname(output), { recursive: true });
  const fd = openSync(output, 'a');
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
      unit: 'lines',
    });
  // Stops launching on the caller's signal, and on a failed write (nothing more can be kept).
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();
  let writeError: unknown;
  const slots = new Semaphore(options.concurrency ?? 16);
  const tasks = new Set<Promise<void>>();
  // Rows named by an id in this input: the same id with other content is a malformed line.
  const seen = new Map<string, { hash: string; line: number }>();
  try {
    for await (const { text, line: lineNo } of readLines(input)) {
      if (!text.trim()) continue;
      if (stop.signal.aborted) break;
      const parsed = parseLine(text, pf, rf, idf);
      if (!parsed.ok) {
        s.malformed++;
        s.failures.push({ line: lineNo, reason: parsed.reason });
        logger.warn(`${input}:${lineNo}: ${parsed.reason}`);
        progress();
        continue;
      }
      const name = rowName(lineNo, parsed.id);
      const hash = contentHash(parsed.query);
      const earlier = seen.get(name);
      if (earlier && earlier.hash !== hash) {
        const reason = `id ${JSON.stringify(parsed.id)} is already used on line ${earlier.line} with another prompt or response`;
        s.malformed++;
        s.failures.push({ line: lineNo, reason });
        logger.warn(`${input}:${lineNo}: ${reason}`);
        progress();
        continue;
      }
      if (done.has(name) || earlier) {
        s.skipped++;
        progress();
        continue;
      }
      seen.set(name, { hash, line: lineNo });
      await slots.acquire();
      const line = lineNo;
      const key = `${name}#${hash}`;
      const task = (async () => {
        try {
          const j = await judge.judge(parsed.query, { signal: stop.signal });
          if (writeError) return;
          const row: OutputRow = {
            line,
            ...(parsed.id !== undefined && { id: parsed.id }),
            key,
            judge: j.judge,
            prompt_version: j.promptVersion,
            settings,
            scale: [judge.scale[0], judge.scale[1]],
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
          try {
            appendRow(fd, output, `${JSON.stringify(row)}\n`);
          } catch (e) {
            writeError ??= e;
            stop.abort(e);
            return;
          }
          s.judged++;
          s.promptTokens += j.usage.promptTokens;
          s.completionTokens += j.usage.completionTokens;
          s.costUsd = s.costUsd === null || j.costUsd === null ? null : s.costUsd + j.costUsd;
          if (j.cached) s.cached++;
        } catch (e) {
          if (stop.signal.aborted) return;
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
    options.signal?.removeEventListener('abort', onAbort);
    closeSync(fd);
  }
  if (writeError) throw writeError;
  s.interrupted = options.signal?.aborted ?? false;
  s.failures.sort((a, b) => a.line - b.line);
  s.elapsedMs = Date.now() - started;
  return s;
}
