import { deriveSeed, Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import { ExperimentConfig, ppoFor, SMOKE_CONFIG } from '../src/config.js';
import { bradleyTerryLabel } from '../src/jobs.js';
import { jobsOf, variantsOf } from '../src/run-dir.js';
import { readTaskPrompts, sentimentReward } from '../src/task.js';

describe('ExperimentConfig', () => {
  it('resolves the embedded default and derives the nested settings', () => {
    const c = ExperimentConfig.resolve();
    expect(c).toMatchObject({
      policy: 'default',
      trueReward: 'sentiment',
      seeds: 4,
      settings: ['ensemble', 'prompted'],
    });
    expect(c.ensemble).toMatchObject({ backbone: 'default', k: 10, data: null });
    expect(c.prompted).toMatchObject({ judge: 'offline', minWidth: 0.05, maxWidth: 0.6 });
    expect(ExperimentConfig.resolve(c)).toEqual(c);
  });

  it('names the field of a bad value, nested ones included', () => {
    expect(() => ExperimentConfig.resolve({ seeds: 1 })).toThrow(
      /ExperimentConfig.seeds: must be an integer >= 2/,
    );
    expect(() => ExperimentConfig.resolve({ seedz: 3 } as never)).toThrow(/Did you mean 'seeds'\?/);
    expect(() => ExperimentConfig.resolve({ settings: ['ensemble', 'rlhf'] as never })).toThrow(
      /ExperimentConfig.settings: must be a non-empty list/,
    );
    expect(() => ExperimentConfig.resolve({ ensemble: { k: 1 } })).toThrow(
      /ExperimentConfig.ensemble: EnsembleSettingConfig.k: must be an integer >= 2/,
    );
    expect(() => ExperimentConfig.resolve({ prompted: { minWidth: 0.5, maxWidth: 0.2 } })).toThrow(
      /PromptedSettingConfig.minWidth: must be <= maxWidth/,
    );
    expect(() => ExperimentConfig.resolve({ vanilla: { learningRate: -1 } })).toThrow(
      /ExperimentConfig.ppoPreset: the vanilla PPO config is invalid: PPOConfig.learningRate: must be > 0/,
    );
    expect(() => ExperimentConfig.resolve({ varianceAware: { learningrate: 1 } as never })).toThrow(
      /ExperimentConfig.varianceAware: unknown PPOConfig key 'learningrate' \(did you mean 'learningRate'\?\)/,
    );
    // The tiny preset's batch is 16: a minibatch of 6 does not divide it.
    expect(() => ExperimentConfig.resolve({ ppo: { miniBatchSize: 6 } })).toThrow(
      /the vanilla PPO config is invalid: PPOConfig.batchSize: must be a multiple of miniBatchSize \* gradientAccumulationSteps \(got batchSize = 16, miniBatchSize = 6/,
    );
    expect(() => ExperimentConfig.resolve({ ppoPreset: 'huge' })).toThrow(
      /ExperimentConfig.ppoPreset: must be one of 'paper-gpt2-ensemble'/,
    );
  });

  it('layers the PPO settings: preset, then ppo, then the method, and the method last', () => {
    const c = ExperimentConfig.resolve({
      ppo: { initKlCoef: 0.3, steps: 5 },
      varianceAware: { initKlCoef: 0.07, method: 'vanilla' },
    });
    expect(ppoFor(c, 'vanilla')).toMatchObject({
      initKlCoef: 0.3,
      steps: 5,
      method: 'vanilla',
      batchSize: 16,
    });
    expect(ppoFor(c, 'variance-aware')).toMatchObject({
      initKlCoef: 0.07,
      steps: 5,
      method: 'variance-aware',
    });
  });
});

describe('jobs', () => {
  it('lists the protocol: the ensemble first, N reference runs and N policies per method and setting', () => {
    const c = ExperimentConfig.resolve({ ...SMOKE_CONFIG, seeds: 3 });
    const jobs = jobsOf(c);
    expect(jobs.map((j) => j.id).slice(0, 5)).toEqual([
      'prepare-ensemble',
      'reference/ensemble/seed-0',
      'reference/ensemble/seed-1',
      'reference/ensemble/seed-2',
      'policies/ensemble/vanilla/seed-0',
    ]);
    expect(jobs).toHaveLength(1 + 2 * (3 + 2 * 3));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    const seeds = jobs
      .filter((j) => j.kind !== 'prepare-ensemble')
      .map((j) => (j as { seed: number }).seed);
    expect(new Set(seeds).size).toBe(seeds.length); // independent seeds everywhere
    expect(jobs.filter((j) => j.needs.includes('prepare-ensemble'))).toHaveLength(3 + 6);
    const t4 = ExperimentConfig.resolve({ table4: true, settings: ['prompted'] });
    expect(variantsOf(t4).map((v) => v.name)).toEqual([
      'prompted',
      'table4-0',
      'table4-1',
      'table4-2',
      'table4-3',
    ]);
    expect(jobsOf(t4).filter((j) => j.kind === 'reference')).toHaveLength(4);
  });
});

describe('the embedded task', () => {
  it('ships 512 training and 128 evaluation openings, none shared', async () => {
    const p = await readTaskPrompts(null);
    expect([p.train.length, p.eval.length]).toEqual([512, 128]);
    const train = new Set(p.train);
    expect(p.eval.some((x) => train.has(x))).toBe(false);
  });

  it('scores responses with AFINN-165 (the true reward), ignoring the prompt', () => {
    const r = sentimentReward();
    // AFINN-165: great +3, lovely +3; terrible -3, worst -3; "not good": good +3 negated.
    expect(r.score('The food was', ' great and the staff were lovely.')).toBe(6);
    expect(r.score('ignored great prompt', ' Terrible. Worst hotel ever.')).toBe(-6);
    expect(r.score('', 'It was not good at all.')).toBe(-3);
    expect(r.score('', 'The room was on the third floor.')).toBe(0);
  });

  it('labels pairs through Bradley-Terry noise: P(a chosen) = sigmoid((ra - rb) / t)', () => {
    const rng = new Rng(deriveSeed(1, 'bt'));
    const n = 20000;
    for (const [diff, t] of [
      [2, 1],
      [-1, 2],
      [0, 1],
    ] as const) {
      let chosen = 0;
      for (let i = 0; i < n; i++) if (bradleyTerryLabel(diff, 0, t, rng)) chosen++;
      const p = 1 / (1 + Math.exp(-diff / t));
      expect(Math.abs(chosen / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });
});

describe('the paper config file', () => {
  it("resolves to the paper's GPT-2 / ensemble setting", async () => {
    const { readConfigFile } = await import('@va/ppo');
    const file = await readConfigFile(
      new URL('../configs/paper-gpt2-ensemble.yaml', import.meta.url).pathname,
    );
    const c = ExperimentConfig.resolve(file);
    expect([c.policy, c.seeds, c.settings, c.ensemble.backbone, c.ensemble.k]).toEqual([
      'gpt2',
      80,
      ['ensemble'],
      'lm:gpt2',
      10,
    ]);
    const { PPOConfig } = await import('@va/ppo');
    const v = PPOConfig.resolve(ppoFor(c, 'vanilla'));
    const va = PPOConfig.resolve(ppoFor(c, 'variance-aware'));
    expect([v.batchSize, v.steps, v.learningRate, v.initKlCoef, v.adaptiveKl]).toEqual([
      128,
      192,
      1.414e-5,
      0.2,
      false,
    ]);
    expect([va.learningRate, va.initKlCoef]).toEqual([1.5e-5, 0.05]);
    expect(va.generation).toMatchObject({ maxNewTokens: 32, minNewTokens: 8, temperature: 1.5 });
  });
});
