import { PAPER_GENERATION } from '@va/lm';
import { describe, expect, it } from 'vitest';
import { PPO_PRESETS, PPOConfig, ppoPreset } from '../src/config.js';

describe('PPOConfig', () => {
  it("has TRL's defaults", () => {
    const c = PPOConfig.resolve();
    expect(c).toMatchObject({
      initKlCoef: 0.2,
      adaptiveKl: true,
      klTarget: 6,
      klHorizon: 10000,
      gamma: 1,
      lambda: 0.95,
      clipRange: 0.2,
      clipRangeValue: 0.2,
      vfCoef: 0.1,
      ppoEpochs: 4,
      learningRate: 1.41e-5,
      ratioThreshold: 10,
      weightDecay: 0,
      maxGradNorm: 0,
      scoreClip: null,
      method: 'vanilla',
      penalty: 'kl',
    });
    expect(c.generation).toEqual(PAPER_GENERATION);
    expect(c.backwardBatchSize).toBe(32);
  });

  it('derives the generation settings and the backward batch', () => {
    const c = PPOConfig.resolve({
      generation: { maxNewTokens: 12 },
      miniBatchSize: 4,
      gradientAccumulationSteps: 2,
      batchSize: 16,
    });
    expect(c.generation).toEqual({ ...PAPER_GENERATION, maxNewTokens: 12 });
    expect(c.backwardBatchSize).toBe(8);
  });

  it('rejects broken combinations and bad values by key', () => {
    expect(() => PPOConfig.resolve({ batchSize: 10, miniBatchSize: 4 })).toThrow(
      'PPOConfig.batchSize: must be a multiple of miniBatchSize * gradientAccumulationSteps (got batchSize = 10, miniBatchSize = 4, gradientAccumulationSteps = 1)',
    );
    expect(() => PPOConfig.resolve({ useScoreNorm: true })).toThrow(
      /PPOConfig.useScoreNorm: needs useScoreScaling: true/,
    );
    expect(() => PPOConfig.resolve({ method: 'greedy' as never })).toThrow(
      /PPOConfig.method: must be one of 'vanilla', 'variance-aware'/,
    );
    expect(() => PPOConfig.resolve({ penalty: 'kl2' as never })).toThrow(/PPOConfig.penalty/);
    expect(() => PPOConfig.resolve({ varianceFloor: -1 })).toThrow(
      /PPOConfig.varianceFloor: must be >= 0/,
    );
    expect(() => PPOConfig.resolve({ scoreClip: 0 })).toThrow(
      /PPOConfig.scoreClip: must be null or > 0/,
    );
    expect(() => PPOConfig.resolve({ generation: { topP: 2 } })).toThrow(
      /PPOConfig.generation: GenerationConfig.topP: must be in \(0, 1\]/,
    );
    expect(() => PPOConfig.resolve({ learningrate: 1 } as never)).toThrow(
      /Did you mean 'learningRate'/,
    );
  });

  it("resolves every preset; the paper's GPT-2 setting differs by method as Tables 9-10", () => {
    for (const name of Object.keys(PPO_PRESETS) as (keyof typeof PPO_PRESETS)[]) {
      for (const method of ['vanilla', 'variance-aware'] as const) {
        expect(PPOConfig.resolve(ppoPreset(name, method)).method).toBe(method);
      }
    }
    const v = PPOConfig.resolve(ppoPreset('paper-gpt2-ensemble', 'vanilla'));
    const va = PPOConfig.resolve(ppoPreset('paper-gpt2-ensemble', 'variance-aware'));
    expect([v.learningRate, v.initKlCoef, v.adaptiveKl, v.batchSize, v.steps]).toEqual([
      1.414e-5,
      0.2,
      false,
      128,
      192,
    ]);
    expect([va.learningRate, va.initKlCoef]).toEqual([1.5e-5, 0.05]);
    const q = PPOConfig.resolve(ppoPreset('paper-qwen2.5-0.5b-prompted', 'variance-aware'));
    expect([q.klTarget, q.klHorizon, q.clipRangeValue, q.vfCoef, q.adaptiveKl]).toEqual([
      0.7,
      19,
      0.5,
      0.3,
      true,
    ]);
    expect(ppoPreset('tiny', 'vanilla', { steps: 3 }).steps).toBe(3);
    expect(() => ppoPreset('nope' as never, 'vanilla')).toThrow(
      /ppoPreset: argument 'name' must be one of 'paper-gpt2-ensemble'/,
    );
  });
});
