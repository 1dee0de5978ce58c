// The tfjs side of bench/ppo.bench.ts, a server in its own process (wasm's threads are fixed per
// process): `setup` builds a model and a PPOTrainer of a case and runs a warm-up step, `step` runs
// one timed step; one JSON line per request. Also the model FLOPs of a step, for the bench's shares.

import type { RewardModel } from '@va/core';
import { createCausalLM, type ModelConfig, PAPER_GENERATION, selectBackend } from '@va/lm';
import { forwardFlops, generateFlops } from '../../lm/bench/flops.js';
import { serveLines } from '../../lm/bench/server.js';
import { PPOTrainer } from '../src/trainer.js';

/** The shape of a case (bench/ppo.bench.ts's Case). */
export interface StepShape {
  config: Record<string, unknown>;
  batch: number;
  miniBatch: number;
  epochs: number;
  prompt: number;
  new: number;
}

const TARGET = 5; // the reward counts this token id in the response
const reward: RewardModel = {
  name: `count(token ${TARGET})`,
  async score(queries) {
    return queries.map((q) => {
      const n = q.response.split(' ').filter((t) => t === String(TARGET)).length;
      return { mean: n, variance: 0.5, sample: n };
    });
  },
};

/** A model and a PPOTrainer of a case on the current backend, and prompts for step k. */
export async function buildTrainer(
  c: StepShape,
): Promise<{ trainer: PPOTrainer; prompts: (k: number) => number[][]; dispose: () => void }> {
  const model = createCausalLM(
    { ...c.config, eos_token_id: null, pad_token_id: null },
    { seed: 0 },
  );
  const trainer = await PPOTrainer.create({
    policy: model,
    reward,
    config: {
      method: 'variance-aware',
      batchSize: c.batch,
      miniBatchSize: c.miniBatch,
      ppoEpochs: c.epochs,
      learningRate: 1e-5,
      adaptiveKl: false,
      generation: {
        ...PAPER_GENERATION,
        temperature: 1,
        minNewTokens: c.new,
        maxNewTokens: c.new,
        eosTokenId: [],
      },
    },
  });
  const vocab = model.config.vocabSize;
  const prompts = (k: number) =>
    Array.from({ length: c.batch }, (_, i) =>
      Array.from({ length: c.prompt }, (_, j) => (k * 7919 + i * 104729 + j * 31337) % vocab),
    );
  const dispose = () => {
    trainer.dispose();
    model.dispose();
  };
  return { trainer, prompts, dispose };
}

/** Answers the bench's requests on stdin until it closes; wasm runs on `threads` threads. */
export async function serveTfjs(threads: number): Promise<void> {
  await selectBackend({ backend: 'wasm', threads });
  let state:
    | { trainer: PPOTrainer; dispose: () => void; prompts: (s: number) => number[][] }
    | undefined;
  let s = 0;
  await serveLines(async (request) => {
    const req = request as { op: string; case?: StepShape };
    let answer: object = {};
    if (req.op === 'setup') {
      state = await buildTrainer(req.case!);
      await state.trainer.step(state.prompts(s++)); // warm-up
    } else if (req.op === 'step') {
      const st = await state!.trainer.step(state!.prompts(s++));
      answer = {
        seconds: {
          generate: st['time/ppo/generate']!,
          forward: st['time/ppo/forward_pass']! + st['time/ppo/score']!,
          // PyTorch's "advantages" phase holds the per-token rewards, GAE and the whitening.
          advantages: st['time/ppo/compute_rewards']! + st['time/ppo/compute_advantages']!,
          optimize: st['time/ppo/optimize_step']!,
          total: st['time/ppo/total']!,
        },
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      };
    } else {
      state?.dispose();
      state = undefined;
    }
    return answer;
  });
}

/**
 * Model FLOPs of one PPO step: generation, the policy's and the reference's log-probabilities of
 * the responses, and the minibatch updates (backward twice the forward).
 */
export function ppoStepFlops(m: ModelConfig, c: StepShape): number {
  const len = c.prompt + c.new - 1;
  const rollout = 2 * forwardFlops(m, c.batch, len, len, c.new);
  const updates = c.epochs * Math.ceil(c.batch / c.miniBatch);
  return (
    generateFlops(m, c.batch, c.prompt, c.new) +
    rollout +
    3 * updates * forwardFlops(m, c.miniBatch, len, len, c.new)
  );
}
