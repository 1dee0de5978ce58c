// Shared pieces of the PPO tests: the embedded default model on wasm, small configs, and reward
// models whose answers are known.

import type { RewardModel, RewardScore } from '@va/core';
import { type CausalLM, loadDefaultModel, PAPER_GENERATION, selectBackend } from '@va/lm';
import type { PPOConfig } from '../src/config.js';

export async function defaultPolicy(): Promise<CausalLM> {
  await selectBackend({ backend: 'wasm' });
  return loadDefaultModel({ backend: 'current' });
}

/** A small, fast config for the embedded model. */
export const SMALL: Partial<PPOConfig> = {
  batchSize: 4,
  miniBatchSize: 2,
  ppoEpochs: 2,
  learningRate: 1e-4,
  adaptiveKl: false,
  initKlCoef: 0.1,
  steps: 4,
  generation: { ...PAPER_GENERATION, maxNewTokens: 8, minNewTokens: 4, temperature: 1 },
};

export const PROMPTS = [
  'The food was',
  'I watched this film and',
  'This hotel',
  'The battery life',
  'Our waiter',
  'The plot',
  'The album',
  'This book',
];

/** How often `word` occurs in `text` (whole words, any case). */
export function countWord(text: string, word: string): number {
  return text
    .toLowerCase()
    .split(/[^a-z']+/)
    .filter((w) => w === word).length;
}

/** A reward model from a function of the response. */
export function rewardOf(
  name: string,
  f: (response: string) => { mean: number; variance: number; sample?: number },
): RewardModel & { calls: number } {
  const model = {
    name,
    calls: 0,
    async score(queries: readonly { prompt: string; response: string }[]): Promise<RewardScore[]> {
      model.calls += 1;
      return queries.map((q) => {
        const s = f(q.response);
        return { mean: s.mean, variance: s.variance, sample: s.sample ?? s.mean };
      });
    },
  };
  return model;
}

/** Stats without the timings (which differ between identical runs). */
export function withoutTimes(stats: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(stats).filter(([k]) => !k.startsWith('time/')));
}
