// Reads preference pairs from the files users have: JSON Lines (plain or gzip), a JSON array, or a
// Hugging Face parquet file (hyparquet, with snappy/zstd/gzip/brotli/lz4 pages). Malformed rows
// are reported with their line (or row) number and skipped, or rejected, as the caller chooses.

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync } from 'node:zlib';
import { checkOneOf, ResourceError } from '@va/core';
import {
  type PreferenceFormat,
  type PreferencePair,
  parsePreferenceRecord,
} from './preference-record.js';

/** A row that could not be parsed. */
export interface MalformedRow {
  /** 1-based line of a JSON Lines file, or 1-based row of a parquet file / JSON array. */
  readonly row: number;
  readonly reason: string;
}

/** Options of {@link readPreferencePairs}. */
export interface ReadPreferenceOptions {
  /** `skip` (default): report malformed rows in `malformed` and go on; `throw`: stop at the first. */
  readonly onMalformed?: 'skip' | 'throw';
  /** Keep at most this many pairs (after skipping malformed rows). */
  readonly limit?: number;
}

/** What {@link readPreferencePairs} found. */
export interface PreferenceFile {
  readonly path: string;
  readonly pairs: PreferencePair[];
  /** Rows numbered as in {@link MalformedRow.row}, with the 0-based pair index they became. */
  readonly rows: number[];
  readonly malformed: MalformedRow[];
  /** How many rows had each format. */
  readonly formats: Partial<Record<PreferenceFormat, number>>;
}

/** Reads a preference file; the format is told by the extension (`.jsonl[.gz]`, `.json[.gz]`, `.parquet`). */
export async function readPreferencePairs(
  path: string,
  options: ReadPreferenceOptions = {},
): Promise<PreferenceFile> {
  const onMalformed = checkOneOf(
    'readPreferencePairs',
    'options.onMalformed',
    options.onMalformed ?? 'skip',
    ['skip', 'throw'],
  );
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new ResourceError(`readPreferencePairs: no file at '${path}'`);
  }
  if (!info.isFile()) {
    throw new ResourceError(
      `readPreferencePairs: '${path}' is ${info.isDirectory() ? 'a folder' : 'not a regular file'}; pass a .jsonl, .jsonl.gz, .json or .parquet file`,
    );
  }
  const out: PreferenceFile = { path, pairs: [], rows: [], malformed: [], formats: {} };
  const unit = /\.parquet$/i.test(path) || /\.json(\.gz)?$/i.test(path) ? 'row' : 'line';
  const take = (row: number, record: unknown, invalid?: string): boolean => {
    const parsed = invalid
      ? { ok: false as const, reason: invalid }
      : parsePreferenceRecord(record);
    if (parsed.ok) {
      out.pairs.push(parsed.pair);
      out.rows.push(row);
      out.formats[parsed.format] = (out.formats[parsed.format] ?? 0) + 1;
    } else if (onMalformed === 'throw') {
      throw new ResourceError(
        `readPreferencePairs: ${path} ${unit} ${row}: ${parsed.reason}. ` +
          "Fix the row, or pass { onMalformed: 'skip' } to skip such rows.",
      );
    } else {
      out.malformed.push({ row, reason: parsed.reason });
    }
    return out.pairs.length < limit;
  };
  if (/\.parquet$/i.test(path)) {
    const rows = await readParquetRows(path);
    for (let i = 0; i < rows.length; i++) if (!take(i + 1, rows[i])) break;
  } else if (/\.json(\.gz)?$/i.test(path)) {
    const buf = await readFile(path);
    let text: string;
    try {
      text = (/\.gz$/i.test(path) ? gunzipSync(buf) : buf).toString('utf8');
    } catch (e) {
      throw gzipError(path, e);
    }
    let rows: unknown;
    try {
      rows = JSON.parse(text);
    } catch (e) {
      throw new ResourceError(
        `readPreferencePairs: ${path} is not valid JSON (${(e as Error).message})`,
      );
    }
    if (!Array.isArray(rows)) {
      throw new ResourceError(
        `readPreferencePairs: ${path} must hold a JSON array of rows; for one row per line name it .jsonl`,
      );
    }
    for (let i = 0; i < rows.length; i++) if (!take(i + 1, rows[i])) break;
  } else {
    try {
      await readJsonLines(path, take);
    } catch (e) {
      throw isZlibError(e) ? gzipError(path, e) : e;
    }
  }
  return out;
}

function isZlibError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** A truncated or corrupt `.gz` (zlib's `Z_BUF_ERROR`, `Z_DATA_ERROR`), named with the fix. */
function gzipError(path: string, cause: unknown): Error {
  if (!isZlibError(cause)) return cause as Error;
  return new ResourceError(
    `readPreferencePairs: ${path} is not a complete gzip file (${(cause as Error).message}); download or compress it again`,
    { cause },
  );
}

async function readJsonLines(
  path: string,
  take: (row: number, record: unknown, invalid?: string) => boolean,
): Promise<void> {
  const raw = createReadStream(path);
  const input = /\.gz$/i.test(path) ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      let record: unknown;
      let invalid: string | undefined;
      try {
        record = JSON.parse(line);
      } catch (e) {
        invalid = `not valid JSON (${(e as Error).message})`;
      }
      if (!take(n, record, invalid)) break;
    }
  } finally {
    lines.close();
    raw.destroy();
  }
}

/** All rows of a parquet file as plain objects (nested lists and structs included). */
export async function readParquetRows(path: string): Promise<Record<string, unknown>[]> {
  const [{ asyncBufferFromFile, parquetReadObjects }, { compressors }] = await Promise.all([
    import('hyparquet'),
    import('hyparquet-compressors'),
  ]);
  try {
    const file = await asyncBufferFromFile(path);
    return (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
  } catch (e) {
    throw new ResourceError(
      `readPreferencePairs: cannot read parquet file '${path}': ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}
