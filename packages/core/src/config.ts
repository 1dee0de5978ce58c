// One way to resolve a component's config (house style 4): frozen documented defaults, a partial
// config from the user, unknown keys and wrong types rejected with the key's name and the fix.

import { ConfigError, describeValue } from './errors.js';

/** One config key: its default, one line of meaning, and an optional check. */
export interface ConfigField<V> {
  readonly default: V;
  readonly doc: string;
  /** Returns a description of the problem, or undefined when `value` is acceptable. */
  readonly check?: (value: V) => string | undefined;
}

export type ConfigSchema<T> = { readonly [K in keyof T]: ConfigField<T[K]> };

/** A config's schema with its frozen defaults and its resolver. */
export interface ConfigSpec<T> {
  readonly name: string;
  readonly schema: ConfigSchema<T>;
  readonly defaults: Readonly<T>;
  /** Fills defaults, rejects unknown keys, type mismatches and failed checks; returns a frozen copy. */
  resolve(partial?: Partial<T>): Readonly<T>;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * Declares a config. Values whose default is a number, string or boolean must keep that type;
 * `null`/`undefined` defaults (optional keys) and objects accept anything their `check` accepts.
 */
export function defineConfig<T extends object>(
  name: string,
  schema: ConfigSchema<T>,
): ConfigSpec<T> {
  const defaults = Object.freeze(
    Object.fromEntries(
      Object.entries(schema).map(([k, f]) => [k, (f as ConfigField<unknown>).default]),
    ),
  ) as Readonly<T>;
  const keys = Object.keys(schema);
  const resolve = (partial: Partial<T> = {}): Readonly<T> => {
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
      throw new ConfigError(name, '(root)', `expected an object, got ${describeValue(partial)}`);
    }
    const out: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(partial)) {
      const field = (schema as Record<string, ConfigField<unknown>>)[key];
      if (!field) {
        const near = keys.filter((k) => distance(k, key) <= Math.max(2, key.length / 3));
        const hint = near.length ? ` Did you mean '${near[0]}'?` : '';
        throw new ConfigError(name, key, `unknown key.${hint} Known keys: ${keys.join(', ')}`);
      }
      if (value === undefined) continue;
      const want = kindOf(field.default);
      if (['number', 'string', 'boolean'].includes(want) && kindOf(value) !== want) {
        throw new ConfigError(name, key, `expected a ${want}, got ${describeValue(value)}`);
      }
      if (want === 'number' && !Number.isFinite(value as number)) {
        throw new ConfigError(name, key, `expected a finite number, got ${describeValue(value)}`);
      }
      out[key] = value;
    }
    for (const key of keys) {
      const field = (schema as Record<string, ConfigField<unknown>>)[key]!;
      const problem = field.check?.(out[key]);
      if (problem) {
        throw new ConfigError(name, key, `${problem} (got ${describeValue(out[key])})`);
      }
    }
    return Object.freeze(out) as Readonly<T>;
  };
  return { name, schema, defaults, resolve };
}

/** Common checks for {@link ConfigField.check}. */
export const is = {
  positive: (v: number) => (v > 0 ? undefined : 'must be > 0'),
  nonNegative: (v: number) => (v >= 0 ? undefined : 'must be >= 0'),
  positiveInteger: (v: number) =>
    Number.isInteger(v) && v > 0 ? undefined : 'must be a positive integer',
  nonNegativeInteger: (v: number) =>
    Number.isInteger(v) && v >= 0 ? undefined : 'must be a non-negative integer',
  probability: (v: number) => (v >= 0 && v <= 1 ? undefined : 'must be in [0, 1]'),
  openUnit: (v: number) => (v > 0 && v < 1 ? undefined : 'must be in (0, 1)'),
  oneOf:
    <V extends string>(...allowed: V[]) =>
    (v: V) =>
      allowed.includes(v) ? undefined : `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
} as const;
