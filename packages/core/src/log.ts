// Logging, metrics and progress (house style 7): library code reports through these callbacks and
// never writes to the console itself. Metric names are namespaced, e.g. `objective/kl`.

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
      const parts = Object.entries(values).map(([k, v]) => `${k}=${formatMetric(v)}`);
      stream.write(`[step ${step}] ${parts.join(' ')}\n`);
    },
  };
}

function formatMetric(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

/**
 * A progress callback for terminals: rewrites one line on a TTY, prints every ~10% otherwise.
 */
export function streamProgress(
  stream: { write(chunk: string): unknown; isTTY?: boolean } = process.stderr,
): ProgressCallback {
  let lastBucket = -1;
  return ({ task, done, total }) => {
    const pct = total ? Math.floor((100 * done) / total) : undefined;
    const text = total ? `${task}: ${done}/${total} (${pct}%)` : `${task}: ${done}`;
    if (stream.isTTY) {
      stream.write(`\r${text}${total && done >= total ? '\n' : ''}`);
      return;
    }
    const bucket = pct === undefined ? done : Math.floor(pct / 10);
    if (bucket !== lastBucket || (total && done >= total)) {
      lastBucket = bucket;
      stream.write(`${text}\n`);
    }
  };
}
