// Command-line flags from config schemas (house style 4: one source for defaults, help and
// validation): `--learning-rate 3e-4` for key `learningRate`, numbers parsed with the flag named in
// the error, help lines whose defaults come from the schema, and one usage error for every command.

import {
  type ConfigField,
  type ConfigFieldType,
  type ConfigSpec,
  isIntegerCheck,
  kindOf,
  nearestName,
  type Resolved,
} from './config.js';
import { ConfigError, UsageError } from './errors.js';
import { formatNumber } from './format.js';
import { parseArgs } from './parse-args.js';

type ParseOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'] & object;
type OptionSpec = ParseOptions[string];

/** Options of {@link configFlags}. */
export interface ConfigFlagsOptions<T> {
  /** Keys that get a flag (default: every key with a kind). */
  readonly only?: readonly (keyof T & string)[];
  /** Keys that get no flag. */
  readonly exclude?: readonly (keyof T & string)[];
  /** Flag names that are not the kebab-case of the key, e.g. `{ learningRate: 'lr' }`. */
  readonly names?: { readonly [K in keyof T]?: string };
  /** One-letter aliases, e.g. `{ output: 'o' }`. */
  readonly short?: { readonly [K in keyof T]?: string };
  /** Prefix of every flag name, e.g. `'ppo-'` when one command takes several configs. */
  readonly prefix?: string;
  /** Defaults shown in help and used when neither flags nor the base set a key. */
  readonly defaults?: Partial<T>;
}

/** A config's flags: the `parseArgs` options, their reader, and their help lines. */
export interface ConfigFlags<T, D = object> {
  readonly spec: ConfigSpec<T, D>;
  /** Options for `parseArgs` (every value is read as a string and parsed by {@link read}). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** key -> flag name (without dashes). */
  readonly flagOf: Readonly<Record<string, string>>;
  /** The keys set by flags in `values` (parsed, typed); a bad number is a {@link UsageError}. */
  read(values: Readonly<Record<string, unknown>>): Partial<T>;
  /**
   * Resolves `base` (a config file's keys, say) with the flags over it; a config problem in a key a
   * flag set is reported against the flag (`--batch-size: must be a positive integer (got 0)`).
   */
  resolve(values: Readonly<Record<string, unknown>>, base?: Partial<T>): Resolved<T, D>;
  /** Help lines, `  --flag <kind>   meaning (default: value)`, one per flag. */
  help(): string;
}

/** `learningRate` -> `learning-rate`. */
export function kebabCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function fieldType(field: ConfigField<unknown>): ConfigFieldType | undefined {
  if (field.type) return field.type;
  const kind = kindOf(field.default);
  if (kind === 'number') return isIntegerCheck(field.check) ? 'integer' : 'number';
  if (kind === 'string' || kind === 'boolean') return kind;
  if (kind === 'array') {
    const items = field.default as unknown[];
    if (items.every((x) => typeof x === 'string')) return 'strings';
    if (items.every((x) => typeof x === 'number')) return 'numbers';
  }
  return undefined;
}

const PLACEHOLDER: Readonly<Record<ConfigFieldType, string>> = {
  number: '<x>',
  integer: '<n>',
  string: '<text>',
  boolean: '',
  strings: '<a,b,...>',
  numbers: '<x,y,...>',
};

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A number or a comma-separated list of them (`-5,5`), as a flag's value. */
const NUMBER_LIST =
  /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(,[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)*$/;

/** Parses a flag's number strictly (`1e-5`, `-3`, `.5`; not `''`, `0x10`, `1e`, `Infinity`). */
export function parseNumberFlag(flag: string, raw: string, integer: boolean): number {
  const v = Number(raw);
  if (!NUMBER.test(raw.trim()) || !Number.isFinite(v)) {
    throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'}, got '${raw}'`);
  }
  if (integer && !Number.isInteger(v)) {
    throw new UsageError(`--${flag} must be an integer, got '${raw}'`);
  }
  return v;
}

function showDefault(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length ? value.join(',') : undefined;
  return String(value);
}

/** Flags for the keys of `spec` (see {@link ConfigFlagsOptions}). */
export function configFlags<T extends object, D extends object = object>(
  spec: ConfigSpec<T, D>,
  options: ConfigFlagsOptions<T> = {},
): ConfigFlags<T, D> {
  const fields = spec.schema as Record<string, ConfigField<unknown>>;
  const names = (options.names ?? {}) as Record<string, string | undefined>;
  const shorts = (options.short ?? {}) as Record<string, string | undefined>;
  const keys = (options.only ?? Object.keys(fields)).filter(
    (k) => !options.exclude?.includes(k as keyof T & string),
  );
  const parseOptions: Record<string, OptionSpec> = {};
  const flagOf: Record<string, string> = {};
  const types: Record<string, ConfigFieldType> = {};
  for (const key of keys) {
    const field = fields[key];
    if (!field) throw new ConfigError(spec.name, key, 'configFlags: no such key in the schema');
    const type = fieldType(field);
    if (!type) {
      if (options.only) {
        throw new ConfigError(
          spec.name,
          key,
          "configFlags: the key's kind is unknown; give its field a `type`",
        );
      }
      continue;
    }
    const flag = `${options.prefix ?? ''}${names[key] ?? kebabCase(key)}`;
    flagOf[key] = flag;
    types[key] = type;
    const short = shorts[key];
    if (type === 'boolean') {
      parseOptions[flag] = { type: 'boolean', ...(short ? { short } : {}) };
      parseOptions[`no-${flag}`] = { type: 'boolean' };
    } else {
      parseOptions[flag] = {
        type: 'string',
        ...(type === 'strings' || type === 'numbers' ? { multiple: true } : {}),
        ...(short ? { short } : {}),
      };
    }
  }

  const read = (values: Readonly<Record<string, unknown>>): Partial<T> => {
    const out: Record<string, unknown> = {};
    for (const [key, flag] of Object.entries(flagOf)) {
      const type = types[key]!;
      if (type === 'boolean') {
        if (values[flag] === true && values[`no-${flag}`] === true) {
          throw new UsageError(`--${flag} and --no-${flag} contradict each other`);
        }
        if (values[flag] === true) out[key] = true;
        else if (values[`no-${flag}`] === true) out[key] = false;
        continue;
      }
      const raw = values[flag];
      if (raw === undefined) continue;
      if (type === 'string') out[key] = raw as string;
      else if (type === 'number' || type === 'integer') {
        out[key] = parseNumberFlag(flag, raw as string, type === 'integer');
      } else {
        const items = (raw as string[]).flatMap((r) => r.split(',')).filter((s) => s !== '');
        out[key] = type === 'numbers' ? items.map((s) => parseNumberFlag(flag, s, false)) : items;
      }
    }
    return out as Partial<T>;
  };

  const resolve = (
    values: Readonly<Record<string, unknown>>,
    base: Partial<T> = {},
  ): Resolved<T, D> => {
    const fromFlags = read(values);
    try {
      return spec.resolve({ ...options.defaults, ...base, ...fromFlags });
    } catch (error) {
      if (error instanceof ConfigError && error.key in fromFlags) {
        throw new UsageError(`--${flagOf[error.key]}: ${error.problem}`);
      }
      throw error;
    }
  };

  const help = (): string => {
    const rows = Object.entries(flagOf).map(([key, flag]) => {
      const type = types[key]!;
      const short = shorts[key] ? `-${shorts[key]}, ` : '';
      const left = `${short}--${flag}${PLACEHOLDER[type] ? ` ${PLACEHOLDER[type]}` : ''}`;
      const value = (options.defaults as Record<string, unknown> | undefined)?.[key];
      const shown = showDefault(value !== undefined ? value : fields[key]!.default);
      const extra =
        type === 'boolean' && fields[key]!.default === true ? ` (default: on; --no-${flag})` : '';
      return [left, `${fields[key]!.doc}${extra || (shown ? ` (default: ${shown})` : '')}`];
    });
    const width = Math.min(34, Math.max(0, ...rows.map(([l]) => l!.length)) + 2);
    return rows
      .map(([l, r]) =>
        l!.length + 2 > width ? `  ${l}\n  ${''.padEnd(width)}${r}` : `  ${l!.padEnd(width)}${r}`,
      )
      .join('\n');
  };

  return { spec, options: parseOptions, flagOf, read, resolve, help };
}

/** Options of {@link parseCommandLine}. */
export interface CommandLineOptions {
  /** Flags that belong to no config (`--out`, `--help`, ...), as for `parseArgs`. */
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** The configs whose flags the command takes. */
  readonly configs?: readonly { readonly options: Readonly<Record<string, OptionSpec>> }[];
  readonly allowPositionals?: boolean;
}

/**
 * `parseArgs` for a command: its own flags and those of its configs, strict, with `--seed -1` and
 * `--scale -5,5` accepted (Node's parser calls a value that starts with a dash ambiguous), a
 * leading `--` dropped (`pnpm <script> -- --flag` passes its `--` on to the command), and every
 * parse problem a {@link UsageError} with a suggestion for a mistyped flag.
 */
export function parseCommandLine(
  args: readonly string[],
  options: CommandLineOptions,
): { values: Record<string, unknown>; positionals: string[] } {
  const all: Record<string, OptionSpec> = { ...options.options };
  for (const c of options.configs ?? []) {
    for (const [flag, spec] of Object.entries(c.options)) {
      if (flag in all) throw new UsageError(`--${flag} is defined twice by this command`);
      all[flag] = spec;
    }
  }
  const joined: string[] = [];
  const start = args[0] === '--' ? 1 : 0;
  for (let i = start; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      joined.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && all[name]?.type === 'string' && next !== undefined && NUMBER_LIST.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  try {
    const { values, positionals } = parseArgs({
      args: joined,
      options: all,
      strict: true,
      allowPositionals: options.allowPositionals ?? false,
    });
    return { values: values as Record<string, unknown>, positionals };
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(message);
    if (unknown) {
      const near = nearestName(unknown[2]!, Object.keys(all));
      const hint = near ? ` Did you mean --${near}?` : '';
      throw new UsageError(`unknown option '${unknown[1]}${unknown[2]}'.${hint}`);
    }
    throw new UsageError(message.split('\n')[0]!);
  }
}
