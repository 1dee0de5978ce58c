// Logging, metrics and progress (house style 7): library code reports through these callbacks and
// never writes to the console itself. Metric names are namespaced, e.g. `objective/kl`.

import { formatDuration, formatNumber } from './format.js';

/** A sink for messages and metrics. Every method is optional to implement through {@link Logger}. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Namespaced metrics at a step, e.g. `{ 'ppo/policy/clipfrac': 0.1 }`. */
  metrics(step: number, values: Readonly<Record<string, number>>): void;
}

/** Progress of long work. `total` is absent when unknown. */
export interface Progress {
  readonly task: string;
  readonly done: number;
  readonly total?: number;
  /** What `done` counts, for the rate (`steps`, `pairs`, ...); default `items`. */
  readonly unit?: string;
  /** More to show after the counts, e.g. `reward 0.41, kl 0.8`. */
  readonly detail?: string;
}
export type ProgressCallback = (progress: Progress) => void;

/** A logger that drops everything (the default in library code). */
export const silentLogger: Logger = Object.freeze({
  info() {},
  warn() {},
  metrics() {},
});

/** A logger for command-line tools: human-readable lines on a stream (stderr by default). */
export function streamLogger(stream: { write(chunk: string): unknown } = process.stderr): Logger {
  return {
    info: (message) => stream.write(`${message}\n`),
    warn: (message) => stream.write(`warning: ${message}\n`),
    metrics: (step, values) => {
      const parts = Object.entries(values).map(([k, v]) => `${k}=${formatNumber(v)}`);
      stream.write(`[step ${step}] ${parts.join(' ')}\n`);
    },
  };
}

/**
 * Rate and time left of a task from its progress reports: the rate is measured from the first
 * report of the task (so setup before it does not count).
 */
export class ProgressClock {
  private readonly started = new Map<string, { time: number; done: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** `{ rate }` per second and `{ eta }` seconds left (undefined until measurable). */
  measure(p: Progress): { rate?: number; eta?: number; elapsed: number } {
    const t = this.now();
    let start = this.started.get(p.task);
    if (!start || p.done < start.done) {
      start = { time: t, done: p.done };
      this.started.set(p.task, start);
    }
    const elapsed = (t - start.time) / 1000;
    const rate = elapsed > 0 && p.done > start.done ? (p.done - start.done) / elapsed : undefined;
    const eta =
      rate !== undefined && p.total !== undefined
        ? Math.max(0, p.total - p.done) / rate
        : undefined;
    return { rate, eta, elapsed };
  }
}

/** `task: done/total (pct%) rate unit/s, time left` — the line every progress display prints. */
export function formatProgress(p: Progress, m: { rate?: number; eta?: number }): string {
  const pct = p.total ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
  const counts = p.total !== undefined ? `${p.done}/${p.total}${pct}` : `${p.done}`;
  const rate = m.rate !== undefined ? `, ${formatRate(m.rate)} ${p.unit ?? 'items'}/s` : '';
  const done = p.total !== undefined && p.done >= p.total;
  const eta = m.eta !== undefined && !done ? `, ${formatDuration(m.eta)} left` : '';
  const detail = p.detail ? `, ${p.detail}` : '';
  return `${p.task}: ${counts}${rate}${eta}${detail}`;
}

function formatRate(rate: number): string {
  return rate >= 100 ? String(Math.round(rate)) : String(Number(rate.toPrecision(3)));
}

/**
 * A progress callback for terminals: rewrites one line on a TTY, prints every ~10% (or every
 * `everySeconds`) otherwise; each line gives the rate and the time left.
 */
export function streamProgress(
  stream: { write(chunk: string): unknown; isTTY?: boolean } = process.stderr,
  options: { now?: () => number; everySeconds?: number } = {},
): ProgressCallback {
  const clock = new ProgressClock(options.now);
  const every = options.everySeconds ?? 30;
  let lastBucket = -1;
  let lastTime = Number.NEGATIVE_INFINITY;
  return (p) => {
    const m = clock.measure(p);
    const text = formatProgress(p, m);
    const finished = p.total !== undefined && p.done >= p.total;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${text}${finished ? '\n' : ''}`);
      return;
    }
    const bucket = p.total ? Math.floor((10 * p.done) / p.total) : p.done;
    if (bucket !== lastBucket || finished || m.elapsed - lastTime >= every) {
      lastBucket = bucket;
      lastTime = m.elapsed;
      stream.write(`${text}\n`);
    }
  };
}
