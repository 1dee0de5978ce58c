import { describe, expect, it } from 'vitest';
import { defineConfig, is } from '../src/config.js';
import { ConfigError, UsageError } from '../src/errors.js';
import { configFlags, kebabCase, parseCommandLine, parseNumberFlag } from '../src/flags.js';

interface DemoConfig {
  learningRate: number;
  batchSize: number;
  seed: number;
  method: 'vanilla' | 'variance-aware';
  whiten: boolean;
  stopStrings: string[];
  limit: number | null;
  extra: { a: number } | null;
}

const Demo = defineConfig<DemoConfig>(
  'DemoConfig',
  {
    learningRate: { default: 1.41e-5, doc: 'step size', check: is.positive },
    batchSize: { default: 32, doc: 'rows per step', check: is.positiveInteger },
    seed: {
      default: 0,
      doc: 'seed',
      check: (v) => (Number.isInteger(v) ? undefined : 'must be an integer'),
    },
    method: {
      default: 'vanilla',
      doc: 'penalty weighting',
      check: is.oneOf('vanilla', 'variance-aware'),
    },
    whiten: { default: true, doc: 'whiten advantages' },
    stopStrings: { default: [], doc: 'stop strings' },
    limit: {
      default: null,
      doc: 'rows to use; null: all',
      type: 'integer',
      check: is.nullOr(is.positiveInteger),
    },
    extra: { default: null, doc: 'not a flag' },
  },
  {
    rules: [
      {
        keys: ['batchSize', 'limit'],
        check: (c) =>
          c.limit === null || c.batchSize <= c.limit ? undefined : 'must be at most limit',
      },
    ],
  },
);

const flags = configFlags(Demo);
const parse = (...args: string[]) =>
  flags.resolve(parseCommandLine(args, { configs: [flags] }).values);

describe('configFlags', () => {
  it('names flags in kebab case and reads each kind', () => {
    expect(kebabCase('learningRate')).toBe('learning-rate');
    expect(kebabCase('maxNewTokens')).toBe('max-new-tokens');
    expect(Object.keys(flags.options).sort()).toEqual(
      [
        'batch-size',
        'learning-rate',
        'limit',
        'method',
        'no-whiten',
        'seed',
        'stop-strings',
        'whiten',
      ].sort(),
    );
    const c = parse(
      '--learning-rate',
      '3e-4',
      '--batch-size',
      '8',
      '--no-whiten',
      '--stop-strings',
      'a,b',
      '--stop-strings',
      'c',
      '--limit',
      '100',
      '--method',
      'variance-aware',
    );
    expect(c).toEqual({
      learningRate: 3e-4,
      batchSize: 8,
      seed: 0,
      method: 'variance-aware',
      whiten: false,
      stopStrings: ['a', 'b', 'c'],
      limit: 100,
      extra: null,
    });
  });

  it('accepts negative numbers after a space (Node calls them ambiguous)', () => {
    expect(parse('--seed', '-1').seed).toBe(-1);
    expect(parse('--seed=-7').seed).toBe(-7);
    // A list whose first number is negative, e.g. a score scale.
    const Scale = defineConfig<{ scale: number[] }>('ScaleConfig', {
      scale: { default: [0, 100], doc: 'LOW,HIGH' },
    });
    const scale = configFlags(Scale);
    const { values } = parseCommandLine(['--scale', '-5,5e-1'], { configs: [scale] });
    expect(scale.resolve(values).scale).toEqual([-5, 0.5]);
  });

  it("drops the leading '--' that `pnpm <script> -- <flags>` passes on, and only that one", () => {
    expect(parse('--', '--seed', '7', '--batch-size', '4')).toMatchObject({
      seed: 7,
      batchSize: 4,
    });
    const { positionals } = parseCommandLine(['--', '--', '-x'], {
      configs: [flags],
      allowPositionals: true,
    });
    expect(positionals).toEqual(['-x']);
    expect(() => parse('--seed', '7', '--', '--batch-size', '4')).toThrow(
      /Unexpected argument '--batch-size'/,
    );
  });

  it('names the flag in number errors, and rejects what Number() would accept', () => {
    expect(() => parse('--batch-size', '8.5')).toThrow(
      new UsageError("--batch-size must be an integer, got '8.5'"),
    );
    expect(() => parse('--learning-rate', 'fast')).toThrow(
      "--learning-rate must be a number, got 'fast'",
    );
    for (const bad of ['', '0x10', '1e', 'Infinity', '1,5']) {
      expect(() => parseNumberFlag('x', bad, false)).toThrow(UsageError);
    }
    expect(parseNumberFlag('x', '.5', false)).toBe(0.5);
    expect(parseNumberFlag('x', '-2E3', true)).toBe(-2000);
  });

  it('reports config problems against the flag that set the key, and file keys as config errors', () => {
    expect(() => parse('--batch-size', '0')).toThrow(
      new UsageError('--batch-size: must be a positive integer (got 0)'),
    );
    expect(() => parse('--method', 'greedy')).toThrow(
      /--method: must be one of 'vanilla', 'variance-aware'/,
    );
    expect(() => flags.resolve({}, { batchSize: 0 })).toThrow(ConfigError);
    // Flags override the base (a config file).
    expect(
      flags.resolve(parseCommandLine(['--batch-size', '4'], { configs: [flags] }).values, {
        batchSize: 16,
        seed: 3,
      }),
    ).toMatchObject({ batchSize: 4, seed: 3 });
    expect(() => parse('--batch-size', '64', '--limit', '10')).toThrow(
      /--batch-size: must be at most limit/,
    );
  });

  it('rejects contradicting booleans and unknown flags with a suggestion', () => {
    expect(() => parse('--whiten', '--no-whiten')).toThrow(
      '--whiten and --no-whiten contradict each other',
    );
    expect(() => parse('--learning-rat', '1')).toThrow(
      "unknown option '--learning-rat'. Did you mean --learning-rate?",
    );
    expect(() => parse('--zzz')).toThrow(UsageError);
  });

  it('prints help with the defaults taken from the schema', () => {
    const help = flags.help();
    expect(help).toContain('--learning-rate <x>');
    expect(help).toMatch(/--learning-rate <x> +step size \(default: 1\.41e-5\)/);
    expect(help).toMatch(/--batch-size <n> +rows per step \(default: 32\)/);
    expect(help).toMatch(/--whiten +whiten advantages \(default: on; --no-whiten\)/);
    expect(help).toMatch(/--limit <n> +rows to use; null: all$/m);
    expect(help).not.toContain('extra');
  });

  it('supports names, prefixes, subsets and default overrides', () => {
    const f = configFlags(Demo, {
      only: ['learningRate', 'batchSize'],
      names: { learningRate: 'lr' },
      prefix: 'ppo-',
      defaults: { batchSize: 4 },
    });
    expect(Object.keys(f.options)).toEqual(['ppo-lr', 'ppo-batch-size']);
    expect(f.help()).toMatch(/--ppo-batch-size <n> +rows per step \(default: 4\)/);
    expect(f.resolve(parseCommandLine(['--ppo-lr', '0.1'], { configs: [f] }).values)).toMatchObject(
      { learningRate: 0.1, batchSize: 4 },
    );
    expect(() => configFlags(Demo, { only: ['extra'] })).toThrow(/give its field a `type`/);
  });
});
