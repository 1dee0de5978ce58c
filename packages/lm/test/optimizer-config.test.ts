// The shared optimizer keys: torch's and Hugging Face's defaults, one set of checks in every config
// that spreads them, per-config defaults where they differ.

import { defineConfig } from '@va/core';
import { describe, expect, it } from 'vitest';
import { AdamWConfig } from '../src/adamw.js';
import { type OptimizerSettings, optimizerFields } from '../src/optimizer-config.js';
import { TrainConfig } from '../src/train.js';

describe('optimizerFields', () => {
  const spec = defineConfig<OptimizerSettings>('OptimizerConfig', optimizerFields);

  it("defaults to torch.optim.AdamW's and Hugging Face Trainer's values", () => {
    expect(spec.defaults).toEqual({
      learningRate: 1e-3,
      minLearningRate: 0,
      schedule: 'cosine',
      weightDecay: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      maxGradNorm: 1,
      seed: 0,
      logEvery: 10,
    });
  });

  it('checks each key the same way in every config that spreads it', () => {
    const shared = Object.keys(optimizerFields) as (keyof OptimizerSettings)[];
    for (const config of [TrainConfig, AdamWConfig]) {
      const schema = config.schema as Record<string, { check?: unknown }>;
      for (const key of shared.filter((k) => k in schema)) {
        expect(schema[key]!.check, `${config.name}.${key}`).toBe(optimizerFields[key].check);
      }
    }
    // torch accepts betas in [0, 1).
    expect(TrainConfig.resolve({ beta1: 0 }).beta1).toBe(0);
    expect(() => TrainConfig.resolve({ beta2: 1 })).toThrow(
      /TrainConfig\.beta2: must be in \[0, 1\)/,
    );
    expect(() => AdamWConfig.resolve({ epsilon: 0 })).toThrow(/AdamWConfig\.epsilon: must be > 0/);
    expect(() => spec.resolve({ schedule: 'step' as never })).toThrow(
      /OptimizerConfig\.schedule: must be one of 'cosine', 'linear', 'constant'/,
    );
    expect(() => spec.resolve({ logEvery: 0 })).toThrow(/OptimizerConfig\.logEvery/);
  });

  it("keeps each config's own defaults where they differ (nanoGPT's for TrainConfig)", () => {
    expect(TrainConfig.defaults).toMatchObject({
      learningRate: 1e-3,
      minLearningRate: 1e-4,
      weightDecay: 0.1,
      beta2: 0.95,
      maxGradNorm: 1,
    });
    expect(Object.keys(AdamWConfig.defaults).sort()).toEqual(
      ['beta1', 'beta2', 'epsilon', 'learningRate', 'stateOn', 'weightDecay'].sort(),
    );
  });
});
