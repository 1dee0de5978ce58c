// PPO on the embedded default model learns what it is rewarded for, and the variance-aware penalty
// keeps responses whose reward is uncertain closer to the reference than the vanilla penalty does.
// The reward: +1 per "great" and per "good"; responses with "great" have variance 10, others 0.1.

import { PAPER_GENERATION } from '@va/lm';
import { describe, expect, it } from 'vitest';
import type { Method } from '../src/penalty.js';
import { PPOTrainer } from '../src/trainer.js';
import { countWord, defaultPolicy, PROMPTS, rewardOf } from './helpers.js';

const STEPS = 10;
const reward = rewardOf('great-or-good', (r) => {
  const great = countWord(r, 'great');
  return { mean: great + countWord(r, 'good'), variance: great > 0 ? 10 : 0.1 };
});

async function train(method: Method) {
  const policy = await defaultPolicy();
  const trainer = await PPOTrainer.create({
    policy,
    reward,
    config: {
      method,
      batchSize: 16,
      miniBatchSize: 8,
      learningRate: 1e-4,
      adaptiveKl: false,
      initKlCoef: 0.1,
      generation: { ...PAPER_GENERATION, maxNewTokens: 16, minNewTokens: 8, temperature: 1 },
    },
  });
  const great: number[] = [];
  const klOfGreat: number[] = [];
  const kl: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const prompts = Array.from({ length: 16 }, (_, i) => PROMPTS[(i + 3 * s) % PROMPTS.length]!);
    const stats = await trainer.step(prompts, {
      onRollout: (rows) => {
        great.push(rows.reduce((a, r) => a + countWord(r.text, 'great'), 0));
        for (const r of rows) {
          if (countWord(r.text, 'great') > 0) {
            klOfGreat.push(r.logprobs.reduce((a, x, i) => a + x - r.refLogprobs[i]!, 0));
          }
        }
      },
    });
    kl.push(stats['objective/kl']!);
  }
  trainer.dispose();
  policy.dispose();
  return { great, kl, klOfGreat };
}

const sum = (x: number[]) => x.reduce((a, b) => a + b, 0);

describe('PPO on the default model', () => {
  it('raises the reward with a bounded KL (vanilla), and keeps high-variance responses near the reference (variance-aware)', async () => {
    const vanilla = await train('vanilla');
    const va = await train('variance-aware');
    // Vanilla learns to say "great": far more of them in the last steps than the first.
    const early = sum(vanilla.great.slice(0, 3));
    const late = sum(vanilla.great.slice(-3));
    expect(late).toBeGreaterThan(2 * early + 6);
    expect(Math.max(...vanilla.kl)).toBeLessThan(20);
    // Variance-aware: "great" carries a penalty 100 times stronger, so it spreads far less, and the
    // responses that still say it stay closer to the reference.
    const vaLate = sum(va.great.slice(-4));
    const vanillaLate = sum(vanilla.great.slice(-4));
    expect(vanillaLate).toBeGreaterThan(2 * vaLate + 8);
    const tail = (x: number[]) => sum(x.slice(-5)) / Math.min(5, x.length);
    expect(tail(va.klOfGreat)).toBeLessThan(tail(vanilla.klOfGreat));
  }, 300_000);
});
