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
