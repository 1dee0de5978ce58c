import { describe, expect, it } from 'vitest';
import { defineConfig, is } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

interface DemoConfig {
  learningRate: number;
  batchSize: number;
  schedule: 'cosine' | 'constant';
  seed: number | null;
}

const spec = defineConfig<DemoConfig>('DemoConfig', {
  learningRate: { default: 1e-5, doc: 'step size', check: is.positive },
  batchSize: { default: 32, doc: 'pairs per step', check: is.positiveInteger },
  schedule: { default: 'cosine', doc: 'lr schedule', check: is.oneOf('cosine', 'constant') },
  seed: { default: null, doc: 'random seed, null for a fixed default' },
});

describe('defineConfig', () => {
  it('fills defaults and freezes the result', () => {
    const c = spec.resolve({ batchSize: 8 });
    expect(c).toEqual({ learningRate: 1e-5, batchSize: 8, schedule: 'cosine', seed: null });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(spec.defaults)).toBe(true);
  });

  it('rejects unknown keys and suggests the near one', () => {
    expect(() => spec.resolve({ learningrate: 1 } as never)).toThrow(
      /DemoConfig.learningrate: unknown key. Did you mean 'learningRate'\?/,
    );
    expect(() => spec.resolve({ zzz: 1 } as never)).toThrow(ConfigError);
  });

  it('rejects wrong types and failed checks, naming key and value', () => {
    expect(() => spec.resolve({ batchSize: '8' as never })).toThrow(
      /DemoConfig.batchSize: expected a number, got "8"/,
    );
    expect(() => spec.resolve({ batchSize: 0 })).toThrow(
      /batchSize: must be a positive integer \(got 0\)/,
    );
    expect(() => spec.resolve({ learningRate: Number.NaN })).toThrow(/finite number, got NaN/);
    expect(() => spec.resolve({ schedule: 'linear' as never })).toThrow(
      /must be one of 'cosine', 'constant'/,
    );
  });
});

interface ScaleConfig {
  scaleLow: number;
  scaleHigh: number;
  steps: number;
  warmupRatio: number;
  warmupSteps: number | null;
}

const scale = defineConfig<ScaleConfig, { warmupSteps: number }>(
  'ScaleConfig',
  {
    scaleLow: { default: 1, doc: 'lowest score' },
    scaleHigh: { default: 10, doc: 'highest score' },
    steps: { default: 100, doc: 'steps', check: is.positiveInteger },
    warmupRatio: { default: 0.1, doc: 'share of steps warming up', check: is.probability },
    warmupSteps: {
      default: null,
      doc: 'warmup steps; null: warmupRatio * steps',
      check: is.nullOr(is.nonNegativeInteger),
      type: 'integer',
    },
  },
  {
    derive: (c) => ({ warmupSteps: c.warmupSteps ?? Math.round(c.warmupRatio * c.steps) }),
    rules: [
      {
        keys: ['scaleLow', 'scaleHigh'],
        check: (c) => (c.scaleLow < c.scaleHigh ? undefined : 'must be below scaleHigh'),
      },
      {
        keys: ['warmupSteps', 'steps'],
        check: (c) => (c.warmupSteps <= c.steps ? undefined : 'must be at most steps'),
      },
    ],
    derivedDocs: { warmupSteps: 'round(warmupRatio * steps) unless given' },
  },
);

describe('defineConfig rules and derived fields', () => {
  it('derives a null default from other keys, and keeps a given value', () => {
    expect(scale.resolve({ steps: 250 }).warmupSteps).toBe(25);
    expect(scale.resolve({ steps: 250, warmupRatio: 0.5 }).warmupSteps).toBe(125);
    expect(scale.resolve({ warmupSteps: 7 }).warmupSteps).toBe(7);
    expect(scale.defaults.warmupSteps).toBeNull();
    expect(Object.isFrozen(scale.resolve())).toBe(true);
  });

  it('rejects a broken cross-field rule, naming the first key and every value involved', () => {
    expect(() => scale.resolve({ scaleLow: 10, scaleHigh: 10 })).toThrow(
      'ScaleConfig.scaleLow: must be below scaleHigh (got scaleLow = 10, scaleHigh = 10)',
    );
    // Rules see the derived values.
    expect(() => scale.resolve({ steps: 5, warmupSteps: 6 })).toThrow(
      'ScaleConfig.warmupSteps: must be at most steps (got warmupSteps = 6, steps = 5)',
    );
    expect(scale.derivedDocs.warmupSteps).toMatch(/warmupRatio/);
  });

  it('accepts a resolved config back (derived keys are recomputed)', () => {
    const spec = defineConfig<{ a: number }, { twice: number }>(
      'TwiceConfig',
      { a: { default: 1, doc: 'a' } },
      { derive: (c) => ({ twice: 2 * c.a }) },
    );
    const once = spec.resolve({ a: 3 });
    expect(spec.resolve({ ...once, a: 5 })).toEqual({ a: 5, twice: 10 });
    expect(() => spec.resolve({ thrice: 1 } as never)).toThrow(/unknown key/);
  });

  it('checks single keys before deriving, so derive never sees an invalid key', () => {
    expect(() => scale.resolve({ warmupRatio: 2 })).toThrow(
      'ScaleConfig.warmupRatio: must be in [0, 1] (got 2)',
    );
  });
});

describe('is.partialOf', () => {
  it('checks a nested partial config with the nested error', () => {
    const inner = defineConfig<{ p: number }>('InnerConfig', {
      p: { default: 0.5, doc: 'p', check: is.probability },
    });
    const check = is.partialOf(inner);
    expect(check({ p: 0.2 })).toBeUndefined();
    expect(check({ p: 2 })).toBe('InnerConfig.p: must be in [0, 1] (got 2)');
    expect(check({ q: 1 } as never)).toMatch(/InnerConfig.q: unknown key/);
    expect(check([] as never)).toBe('must be an object');
  });
});
