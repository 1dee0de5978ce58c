// Reads text files: whole (`readTextFile`, the one "cannot read <what> <path> (ENOENT)" message of
// every command's input files), or line by line in bounded memory with each line's byte offsets and
// whether it ended with a newline: what resuming from an append-only JSON Lines file needs (a line
// cut short by a kill or a full disk is told apart from a complete one, and can be truncated away).

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ResourceError } from './errors.js';

/**
 * The text of `path` (UTF-8). A file that cannot be read is a {@link ResourceError} naming `what`,
 * the path and the system's code, then `fix` when given: `cannot read prompts file p.txt (ENOENT)`.
 */
export async function readTextFile(path: string, what: string, fix?: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new ResourceError(`cannot read ${what} ${path} (${reason})${fix ? `; ${fix}` : ''}`, {
      cause,
    });
  }
}

/** One line of a file. */
export interface FileLine {
  /** The line without its `\n` (and without a `\r` before it). */
  readonly text: string;
  /** 1-based line number (blank lines counted). */
  readonly line: number;
  /** Byte offset of its first byte. */
  readonly start: number;
  /** Byte offset just after its `\n` (or after its last byte when incomplete). */
  readonly end: number;
  /** It ended with `\n`; only the last line of a file can be incomplete. */
  readonly complete: boolean;
}

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** Longest line accepted, in bytes (default 64 MiB): a longer one is a {@link ResourceError}. */
  readonly maxLineBytes?: number;
  /** Bytes read at a time (default 64 KiB). */
  readonly chunkBytes?: number;
}

/**
 * The lines of `path`, read a chunk at a time: memory holds one chunk and one line, whatever the
 * size of the file. Stop early with `break`; the file is closed either way.
 */
export async function* readLines(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<FileLine> {
  const max = options.maxLineBytes ?? 64 * 2 ** 20;
  const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 2 ** 16 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let offset = 0;
  let line = 0;
  const text = (buf: Buffer) => {
    const s = buf.toString('utf8');
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
        const piece = chunk.subarray(from, nl);
        const buf = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        line++;
        const start = offset;
        offset += buf.length + 1;
        yield { text: text(buf), line, start, end: offset, complete: true };
        from = nl + 1;
      }
      if (from < chunk.length) {
        pending.push(Buffer.from(chunk.subarray(from)));
        pendingBytes += chunk.length - from;
        if (pendingBytes > max) {
          throw new ResourceError(
            `readLines: line ${line + 1} of ${path} is longer than ${max} bytes; is it a line-oriented text file?`,
          );
        }
      }
    }
    if (pendingBytes > 0) {
      yield {
        text: text(Buffer.concat(pending)),
        line: line + 1,
        start: offset,
        end: offset + pendingBytes,
        complete: false,
      };
    }
  } finally {
    stream.destroy();
  }
}
