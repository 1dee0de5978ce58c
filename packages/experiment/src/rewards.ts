// The reward models the `va` command names (`va ppo --reward`, `prompted.judge`, the ensemble
// setting): one registry, with the built-ins registered here; a program adds its own with
// `registerRewardModel(name, factory)` before it runs `vaCommand` or `runJob`.

import {
  type RewardModelFactory,
  type RewardModelRegistration,
  RewardModelRegistry,
} from '@va/core';
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

/**
 * Adds `factory` to {@link rewardModels} under `name`, so that `va ppo --reward name[:arg]`, a
 * config's `prompted.judge` and `runJob` in this process can name it. The factory gets the part of
 * the spec after `name:` and the job's `{ seed, options, baseDir, signal }`. Registering a name
 * twice is a `ValidationError` unless `options.replace` is true.
 */
export function registerRewardModel(
  name: string,
  factory: RewardModelFactory,
  options: RewardModelRegistration = {},
): void {
  rewardModels.register(name, factory, options);
}
