// One way to resolve a component's config (house style 4): frozen documented defaults, a partial
// config from the user, unknown keys and wrong types rejected with the key's name and the fix,
// cross-field rules and derived fields computed once, so that no component checks its config again.
//
// Naming rule: the spec and its type share one name, `XxxConfig`
// (`export interface PPOConfig {...}` and `export const PPOConfig = defineConfig<PPOConfig>(...)`).

import { ConfigError, describeValue } from './errors.js';

/** How a key is written on the command line, where its default does not say (a `null` default). */
export type ConfigFieldType = 'number' | 'integer' | 'string' | 'boolean' | 'strings' | 'numbers';

/** One config key: its default, one line of meaning, and an optional check. */
export interface ConfigField<V> {
  readonly default: V;
  readonly doc: string;
  /** Returns a description of the problem, or undefined when `value` is acceptable. */
  readonly check?: (value: V) => string | undefined;
  /**
   * The key's kind for command-line flags ({@link configFlags}); default: the default's type
   * (`integer` when the check is an integer check). Keys without a kind (objects, `null` defaults
   * without `type`) get no flag.
   */
  readonly type?: ConfigFieldType;
}

export type ConfigSchema<T> = { readonly [K in keyof T]: ConfigField<T[K]> };

/** A check across several keys, e.g. `scaleLow < scaleHigh`; the error names the first key. */
export interface ConfigRule<R> {
  readonly keys: readonly (keyof R & string)[];
  /** Returns a description of the problem, or undefined when the combination is acceptable. */
  readonly check: (config: Readonly<R>) => string | undefined;
}

/**
 * A resolved config: the user's keys with defaults filled, and the derived keys (`D`) replacing
 * or adding to them (a `warmupSteps: number | null` whose `null` means "from warmupRatio" resolves
 * to a number).
 */
export type Resolved<T, D = object> = Readonly<Omit<T, keyof D> & D>;

/** Cross-field rules and derived fields of {@link defineConfig}. */
export interface ConfigRules<T, D> {
  /**
   * Computes derived fields once, right after the keys are checked one by one: a value derived from
   * others (a warmup from a fraction, an epsilon from another method's), or a `null` default
   * replaced by its computed value. The result is merged over the keys.
   */
  readonly derive?: (config: Readonly<T>) => D;
  /** Checks across keys, run on the resolved config (derived fields included). */
  readonly rules?: readonly ConfigRule<Omit<T, keyof D> & D>[];
  /** One line per derived field for help and docs, e.g. `{ warmupSteps: 'warmupRatio * steps' }`. */
  readonly derivedDocs?: { readonly [K in keyof D]?: string };
}

/** A config's schema with its frozen defaults and its resolver. */
export interface ConfigSpec<T, D = object> {
  readonly name: string;
  readonly schema: ConfigSchema<T>;
  /** The schema's defaults, before derivation. */
  readonly defaults: Readonly<T>;
  readonly derivedDocs: { readonly [K in keyof D]?: string };
  /**
   * Fills defaults, rejects unknown keys, type mismatches, failed checks and broken rules, computes
   * the derived fields; returns a frozen copy.
   */
  resolve(partial?: Partial<T>): Resolved<T, D>;
}

/** `'array'`, `'null'` or `typeof`. */
export function kindOf(v: unknown): string {
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

/** The known name nearest to `name`, when one is near enough to be a likely typo. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(k.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, name.length / 3) ? best : undefined;
}

/**
 * Declares a config. Values whose default is a number, string or boolean must keep that type;
 * `null`/`undefined` defaults (optional keys) and objects accept anything their `check` accepts.
 * `rules` and `derive` ({@link ConfigRules}) hold what involves several keys.
 */
export function defineConfig<T extends object, D extends object = object>(
  name: string,
  schema: ConfigSchema<T>,
  rules: ConfigRules<T, D> = {},
): ConfigSpec<T, D> {
  const defaults = Object.freeze(
    Object.fromEntries(
      Object.entries(schema).map(([k, f]) => [k, (f as ConfigField<unknown>).default]),
    ),
  ) as Readonly<T>;
  const keys = Object.keys(schema);
  const fields = schema as Record<string, ConfigField<unknown>>;
  // Keys that only `derive` makes: a resolved config given back to `resolve` recomputes them.
  let derivedOnly: Set<string>;
  try {
    derivedOnly = new Set(
      Object.keys((rules.derive?.(defaults) ?? {}) as object).filter((k) => !(k in fields)),
    );
  } catch {
    derivedOnly = new Set();
  }
  const resolve = (partial: Partial<T> = {}): Resolved<T, D> => {
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
      throw new ConfigError(name, '(root)', `expected an object, got ${describeValue(partial)}`);
    }
    const out: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(partial)) {
      const field = fields[key];
      if (!field && derivedOnly.has(key)) continue;
      if (!field) {
        const near = nearestName(key, keys);
        const hint = near ? ` Did you mean '${near}'?` : '';
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
      const problem = fields[key]!.check?.(out[key]);
      if (problem) {
        throw new ConfigError(name, key, `${problem} (got ${describeValue(out[key])})`);
      }
    }
    const resolved = rules.derive
      ? { ...out, ...(rules.derive(out as T) as Record<string, unknown>) }
      : out;
    for (const rule of rules.rules ?? []) {
      const problem = rule.check(resolved as Omit<T, keyof D> & D);
      if (problem) {
        const got = rule.keys.map((k) => `${k} = ${describeValue(resolved[k])}`).join(', ');
        throw new ConfigError(name, rule.keys[0] ?? '(root)', `${problem} (got ${got})`);
      }
    }
    return Object.freeze(resolved) as Resolved<T, D>;
  };
  return { name, schema, defaults, derivedDocs: rules.derivedDocs ?? {}, resolve };
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
  /** `[min, max]` inclusive (integers only with `integer`). */
  inRange:
    (min: number, max: number, integer = false) =>
    (v: number) =>
      v >= min && v <= max && (!integer || Number.isInteger(v))
        ? undefined
        : `must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`,
  oneOf:
    <V extends string>(...allowed: V[]) =>
    (v: V) =>
      allowed.includes(v) ? undefined : `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
  /**
   * A nested partial config of `spec` (an object whose keys `spec.resolve` accepts): the problem is
   * the nested error, e.g. `GenerationConfig.topP: must be in (0, 1]`.
   */
  partialOf:
    (spec: { resolve(partial: object): unknown }) =>
    (v: object | null): string | undefined => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'must be an object';
      try {
        spec.resolve(v);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  /** `null` or what `check` accepts. */
  nullOr:
    <V>(check: (v: V) => string | undefined) =>
    (v: V | null) =>
      v === null ? undefined : check(v),
} as const;

/** Whether a field's check is one of the integer checks (flags then parse integers). */
export function isIntegerCheck(check: unknown): boolean {
  return check === is.positiveInteger || check === is.nonNegativeInteger;
}
