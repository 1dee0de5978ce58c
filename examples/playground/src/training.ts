// The playground's run: a vanilla and a variance-aware policy (both the embedded default model,
// @va/ppo's `tiny` preset) trained step by step on the embedded task, each against its own copy of
// the reward model of the chosen setting. Plain code over @va/* packages: the Web Worker runs it
// in the page, the tests run it in Node, and both give the same numbers for the same settings.

import { deriveSeed, type RewardModel, Rng } from '@va/core';
import type { CausalLM } from '@va/lm';
import {
  type Method,
  PPOConfig,
  type PPOStepStats,
  PPOTrainer,
  ppoPreset,
  promptIndices,
} from '@va/ppo';
import { createBackbone, type PreferencePair, trainEnsemble } from '@va/reward-ensemble';
import { offlineRewardModel } from '@va/reward-prompted';
import type { TaskPrompts, TrueReward } from './task.js';

/** What the page's controls set. */
export interface PlaygroundSettings {
  /** KL coefficient of both methods (the variance-aware one weights it by each reward's variance). */
  readonly beta: number;
  readonly steps: number;
  /** `prompted`: the offline interval judge; `ensemble`: K reward heads on the default model. */
  readonly reward: 'prompted' | 'ensemble';
  readonly seed: number;
}

export const DEFAULT_SETTINGS: PlaygroundSettings = Object.freeze({
  beta: 0.1,
  steps: 16,
  reward: 'prompted',
  seed: 0,
});

export const METHODS: readonly Method[] = ['vanilla', 'variance-aware'];

/** One policy's step: the stats the charts show, every stat of @va/ppo, a few of its responses. */
export interface PolicyStep {
  /** Mean reward-model score of the step's responses (`ppo/mean_scores`). */
  readonly score: number;
  /** KL to the reference (`objective/kl`). */
  readonly kl: number;
  /** Mean true reward (AFINN-165 sentiment) of the step's responses, which training never sees. */
  readonly trueReward: number;
  readonly stats: PPOStepStats;
  readonly samples: readonly { prompt: string; response: string; trueReward: number }[];
}

export interface StepReport {
  /** 1-based. */
  readonly step: number;
  readonly policies: Readonly<Record<Method, PolicyStep>>;
}

/** What a run needs from its host: the embedded model's loader, the task's prompts and r*. */
export interface RunInputs {
  readonly loadModel: () => Promise<CausalLM>;
  readonly prompts: TaskPrompts;
  readonly truth: TrueReward;
  readonly onProgress?: (what: string) => void;
}

/** Ensemble setting: pairs of reference responses labelled by r* with Bradley-Terry noise. */
const ENSEMBLE = { pairs: 96, k: 5, epochs: 8, learningRate: 3e-3 } as const;

async function ensembleReward(inputs: RunInputs, seed: number): Promise<RewardModel> {
  const policy = await inputs.loadModel();
  const pairs: PreferencePair[] = [];
  const rng = new Rng(deriveSeed(seed, 'pairs', 'labels'));
  const { generation } = PPOConfig.resolve(ppoPreset('tiny', 'vanilla'));
  try {
    for (let start = 0; start < ENSEMBLE.pairs; start += 32) {
      inputs.onProgress?.(`labelling preference pairs ${start}/${ENSEMBLE.pairs}`);
      const prompts = inputs.prompts.train.slice(start, start + 32);
      const [a, b] = await Promise.all(
        ['a', 'b'].map((side) =>
          policy.generate(prompts, { ...generation, seed: deriveSeed(seed, 'pairs', side, start) }),
        ),
      );
      prompts.forEach((prompt, i) => {
        const [ya, yb] = [a!.text![i]!, b!.text![i]!];
        const margin = inputs.truth.score(prompt, ya) - inputs.truth.score(prompt, yb);
        const first = rng.next() < 1 / (1 + Math.exp(-margin));
        pairs.push({
          prompt: [{ role: 'user', content: prompt }],
          chosen: first ? ya : yb,
          rejected: first ? yb : ya,
        });
      });
    }
  } finally {
    policy.dispose();
  }
  inputs.onProgress?.(`training ${ENSEMBLE.k} reward heads`);
  const backbone = await createBackbone('default', { pooling: 'mean' });
  const { ensemble } = await trainEnsemble(backbone, pairs, {
    heads: { k: ENSEMBLE.k, epochs: ENSEMBLE.epochs, learningRate: ENSEMBLE.learningRate, seed },
  });
  return ensemble;
}

/** The reward model of `setting`, seeded by the run's seed. */
export async function rewardModel(inputs: RunInputs, s: PlaygroundSettings): Promise<RewardModel> {
  if (s.reward === 'ensemble') return ensembleReward(inputs, s.seed);
  return offlineRewardModel('', { seed: s.seed });
}

/** Both policies, trained one step at a time. */
export class PlaygroundRun {
  private constructor(
    readonly settings: PlaygroundSettings,
    private readonly inputs: RunInputs,
    private readonly trainers: Readonly<Record<Method, PPOTrainer>>,
    private readonly rewards: readonly RewardModel[],
  ) {}

  static async start(inputs: RunInputs, settings: PlaygroundSettings): Promise<PlaygroundRun> {
    const trainers = {} as Record<Method, PPOTrainer>;
    const rewards: RewardModel[] = [];
    // The ensemble is trained once and shared: both methods face the same reward model.
    const shared = settings.reward === 'ensemble' ? await rewardModel(inputs, settings) : undefined;
    if (shared) rewards.push(shared);
    for (const method of METHODS) {
      inputs.onProgress?.(`loading the ${method} policy`);
      const reward = shared ?? (await rewardModel(inputs, settings));
      if (!shared) rewards.push(reward);
      trainers[method] = await PPOTrainer.create({
        policy: await inputs.loadModel(),
        reward,
        config: ppoPreset('tiny', method, {
          initKlCoef: settings.beta,
          steps: settings.steps,
          seed: settings.seed,
        }),
      });
    }
    return new PlaygroundRun(settings, inputs, trainers, rewards);
  }

  get stepCount(): number {
    return this.trainers.vanilla.stepCount;
  }

  /** One PPO step of each policy on the same prompts (those `va ppo` would take at this step). */
  async step(): Promise<StepReport> {
    const step = this.stepCount;
    const { batchSize, seed } = this.trainers.vanilla.config;
    const pool = this.inputs.prompts.train;
    const prompts = promptIndices(step, batchSize, pool.length, seed).map((i) => pool[i]!);
    const policies = {} as Record<Method, PolicyStep>;
    for (const method of METHODS) {
      let rows: { prompt: string; text: string }[] = [];
      const stats = await this.trainers[method].step(prompts, {
        onRollout: (r) => {
          rows = r.map(({ prompt, text }) => ({ prompt, text }));
        },
      });
      const truths = rows.map((r) => this.inputs.truth.score(r.prompt, r.text));
      policies[method] = {
        score: stats['ppo/mean_scores']!,
        kl: stats['objective/kl']!,
        trueReward: truths.reduce((a, b) => a + b, 0) / truths.length,
        stats,
        samples: rows
          .slice(0, 3)
          .map((r, i) => ({ prompt: r.prompt, response: r.text, trueReward: truths[i]! })),
      };
    }
    return { step: step + 1, policies };
  }

  async dispose(): Promise<void> {
    for (const t of Object.values(this.trainers)) {
      const policy = t.policy;
      t.dispose();
      policy.dispose();
    }
    for (const r of this.rewards) await r.dispose?.();
  }
}
