// The reward models the `va` command names (`va ppo --reward`, `prompted.judge`, the ensemble
// setting): one registry, with the built-ins registered here; a program adds its own with
// `rewardModels.register(name, factory)` before it runs `vaCommand` or `runJob`.

import { RewardModelRegistry } from '@va/core';
import { ensembleRewardModel } from '@va/reward-ensemble';
import { offlineRewardModel } from '@va/reward-prompted';

/** `offline`, `ensemble:<dir>` and `module:<file.js>`, and whatever a program registers. */
export const rewardModels = new RewardModelRegistry()
  .register('offline', offlineRewardModel, {
    description:
      "the simulated interval judge of @va/reward-prompted (options: the judge's config, e.g. minWidth, maxWidth)",
  })
  .register('ensemble', ensembleRewardModel, {
    argument: '<dir>',
    description: "a reward ensemble saved by 'va ensemble train'",
  });
