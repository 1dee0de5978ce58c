// The small set of typed errors every va package throws (house style 5): each message says where it
// happened, what was expected, what came, and how to fix it.

/** Base class of every error va throws on purpose. */
export class VaError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A function argument is invalid (wrong length, NaN, out of range, ...). */
export class ValidationError extends VaError {
  constructor(
    /** The function that rejected it, e.g. `welchTTest`. */
    readonly where: string,
    /** The argument (or `argument[index]`, `argument.field`), e.g. `a[3]`. */
    readonly argument: string,
    /** What a valid value looks like. */
    readonly expected: string,
    /** What was passed. */
    readonly received: unknown,
    /** How to fix it, when there is something more useful to say than the expectation. */
    readonly fix?: string,
  ) {
    super(
      `${where}: argument '${argument}' must be ${expected}, got ${describeValue(received)}` +
        (fix ? `. ${fix}` : ''),
    );
  }
}

/** A configuration object has an unknown key or an invalid value. */
export class ConfigError extends VaError {
  constructor(
    /** The config, e.g. `PpoConfig`. */
    readonly config: string,
    /** The key at fault. */
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${config}.${key}: ${problem}`);
  }
}

/**
 * A command line that cannot be run as given (unknown flag, missing argument, a flag value that is
 * not a number): commands print it with a pointer to `--help` and exit with code 2.
 */
export class UsageError extends VaError {}

/** A file, model, tensor or other named resource is missing or does not fit. */
export class ResourceError extends VaError {}

/** Who holds a folder's lock (`lockFolder`). */
export interface LockHolder {
  readonly host: string;
  readonly pid: number;
  /** ISO time it was taken. */
  readonly since: string;
  /** What holds it, e.g. `va experiment run`. */
  readonly command: string;
}

/** A folder is locked by a live process (or one on another host, which cannot be checked). */
export class FolderLockedError extends ResourceError {
  constructor(
    message: string,
    readonly holder: LockHolder,
  ) {
    super(message);
  }
}

/**
 * Training produced a non-finite loss, gradient or weight: the message names the step and the likely
 * cause (usually a learning rate too high), and nothing trained is saved.
 */
export class DivergenceError extends VaError {}

/** A remote service (hub, judge endpoint) failed or answered something unusable. */
export class RemoteError extends VaError {
  constructor(
    message: string,
    /** HTTP status, when there was one. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A short, log-safe rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') {
    const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(s);
  }
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const arr = value as ArrayLike<unknown>;
    const head = Array.from({ length: Math.min(arr.length, 4) }, (_, i) => describeValue(arr[i]));
    const kind = Array.isArray(value) ? 'array' : value.constructor.name;
    return `${kind} of length ${arr.length} [${head.join(', ')}${arr.length > 4 ? ', ...' : ''}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    return `an object with keys {${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', ...' : ''}}`;
  }
  return typeof value;
}
