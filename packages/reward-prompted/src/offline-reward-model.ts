// The `offline` reward model a `RewardModelRegistry` names (the `va` command registers it): the
// simulated interval judge as a prompted reward model, its rHat draws seeded by the run's seed.

import type { RewardModelFactory } from '@va/core';
import { OfflineJudge, type OfflineJudgeConfig } from './offline-judge.js';
import { PromptedRewardModel } from './prompted-reward-model.js';

/**
 * `offline`: an {@link OfflineJudge} configured by `context.options` (any `OfflineJudgeConfig` keys,
 * e.g. `minWidth`, `maxWidth`; an unknown key is refused) in a {@link PromptedRewardModel} seeded
 * by `context.seed` (mean the interval midpoint, sample a fresh draw from the interval).
 */
export const offlineRewardModel: RewardModelFactory = (_arg, context) =>
  new PromptedRewardModel(new OfflineJudge(context.options as Partial<OfflineJudgeConfig>), {
    seed: context.seed,
  });
