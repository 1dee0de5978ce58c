// ExperimentConfig: everything a run of the paper's protocol (SPEC 5) needs, in one schema: the
// task (policy, prompts, true reward), the reward settings (ensemble, prompted), the PPO settings of
// both methods, N, the evaluation, the workers. Its defaults are the embedded default run.

import { checkOneOf, defineConfig, is, nearestName, type Resolved } from '@va/core';
import { PPO_PRESETS, PPOConfig, type PPOPresetName } from '@va/ppo';

/** The two reward settings of the paper (SPEC 3). */
export const SETTINGS = ['ensemble', 'prompted'] as const;
export type Setting = (typeof SETTINGS)[number];

/** How the ensemble setting gets its reward model. */
export interface EnsembleSettingConfig {
  /** Backbone of the heads (`@va/reward-ensemble` spec): `default`, `lm:<source>`, `hashed`, ... */
  backbone: string;
  /** Members. */
  k: number;
  /**
   * Preference pairs: `null` makes them (Gao et al. 2022's synthetic gold-reward setup): two
   * reference responses per training prompt, labelled by the true reward through Bradley-Terry
   * noise. Otherwise a preference file `@va/reward-ensemble` reads (HH-RLHF, ...).
   */
  data: string | null;
  /** Synthetic pairs to make. */
  pairs: number;
  /** Bradley-Terry temperature of the synthetic labels: P(a > b) = sigmoid((r*(a) - r*(b)) / t). */
  labelTemperature: number;
  /** Each member trains on its own bootstrap resample (more independent members). */
  bootstrap: boolean;
  /** Head-training epochs and learning rate. */
  epochs: number;
  learningRate: number;
  /** Pooling of the backbone's hidden states: `last` (the paper's) or `mean`. */
  pooling: 'last' | 'mean';
}

export const EnsembleSettingConfig = defineConfig<EnsembleSettingConfig>('EnsembleSettingConfig', {
  backbone: { default: 'default', doc: 'backbone of the heads (default: the embedded model)' },
  k: {
    default: 10,
    doc: 'members (the paper: 10)',
    check: (v) => (Number.isInteger(v) && v >= 2 ? undefined : 'must be an integer >= 2'),
  },
  data: { default: null, doc: 'a preference file; null: synthetic pairs', type: 'string' },
  pairs: { default: 512, doc: 'synthetic pairs to make', check: is.positiveInteger },
  labelTemperature: {
    default: 1,
    doc: 'Bradley-Terry temperature of synthetic labels',
    check: is.positive,
  },
  bootstrap: { default: true, doc: 'a bootstrap resample per member' },
  epochs: { default: 8, doc: 'head-training epochs', check: is.positive },
  learningRate: { default: 3e-3, doc: 'head-training learning rate', check: is.positive },
  pooling: {
    default: 'mean',
    doc: "'last' or 'mean' pooling of hidden states",
    check: is.oneOf('last', 'mean'),
  },
});

/** How the prompted setting gets its reward model. */
export interface PromptedSettingConfig {
  /** `offline` (the simulated judge of @va/reward-prompted) or `module:<file.js>`. */
  judge: string;
  /** Interval width as a share of the scale, for clear text and for fully ambiguous text. */
  minWidth: number;
  maxWidth: number;
}

export const PromptedSettingConfig = defineConfig<PromptedSettingConfig>(
  'PromptedSettingConfig',
  {
    judge: { default: 'offline', doc: "'offline' or 'module:<file.js>' (a RewardModel)" },
    minWidth: {
      default: 0.05,
      doc: 'offline judge: width share for clear text',
      check: is.probability,
    },
    maxWidth: {
      default: 0.6,
      doc: 'offline judge: width share for ambiguous text',
      check: is.probability,
    },
  },
  {
    rules: [
      {
        keys: ['minWidth', 'maxWidth'],
        check: (c) => (c.minWidth <= c.maxWidth ? undefined : 'must be <= maxWidth'),
      },
    ],
  },
);

/** A run of the protocol. */
export interface ExperimentConfig {
  /** The policy and reference: `default` (the embedded model), a Hugging Face folder or hub id. */
  policy: string;
  /** `null`: the embedded review openings; else a .jsonl of `{ prompt, split: 'train' | 'eval' }`. */
  prompts: string | null;
  /** The true reward r*: `sentiment` (AFINN-165 score of the response) or `module:<file.js>`. */
  trueReward: string;
  /** The reward settings to run. */
  settings: Setting[];
  /** N: policies per method and setting, and reference runs (the paper: 80). */
  seeds: number;
  /** Base seed; every seed of the run derives from it. */
  seed: number;
  /** Evaluation prompts (one response each, averaged: one number per policy). */
  evalPrompts: number;
  /** PPO settings both methods start from (a `@va/ppo` preset). */
  ppoPreset: string;
  /** PPO keys over the preset, for both methods. */
  ppo: Partial<PPOConfig>;
  /** PPO keys for vanilla only (e.g. its beta). */
  vanilla: Partial<PPOConfig>;
  /** PPO keys for variance-aware only. */
  varianceAware: Partial<PPOConfig>;
  ensemble: Partial<EnsembleSettingConfig>;
  prompted: Partial<PromptedSettingConfig>;
  /** Worker processes; null: one per core. */
  workers: number | null;
  /** Keep every trained policy's weights (default: only its log and result). */
  keepPolicies: boolean;
  /** Also run Table 4: the prompted setting with the spread of interval widths shrinking. */
  table4: boolean;
}

/** What resolving adds: the nested settings filled in. */
export interface ExperimentDerived {
  ensemble: Readonly<EnsembleSettingConfig>;
  prompted: Readonly<PromptedSettingConfig>;
}

/** PPO keys are checked one by one here; their combination with the preset by the rule below. */
const ppoPartial = (v: object): string | undefined => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'must be an object';
  const known = Object.keys(PPOConfig.schema);
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) {
      const near = nearestName(key, known);
      return `unknown PPOConfig key '${key}'${near ? ` (did you mean '${near}'?)` : ''}`;
    }
  }
  return undefined;
};

export const ExperimentConfig = defineConfig<ExperimentConfig, ExperimentDerived>(
  'ExperimentConfig',
  {
    policy: { default: 'default', doc: "policy: 'default' (embedded), a folder or a hub id" },
    prompts: {
      default: null,
      doc: 'prompts .jsonl ({prompt, split}); null: embedded',
      type: 'string',
    },
    trueReward: {
      default: 'sentiment',
      doc: "true reward: 'sentiment' (AFINN-165) or 'module:<file.js>'",
    },
    settings: {
      default: ['ensemble', 'prompted'],
      doc: "reward settings: 'ensemble', 'prompted'",
      type: 'strings',
      check: (v) =>
        Array.isArray(v) &&
        v.length > 0 &&
        v.every((s) => (SETTINGS as readonly string[]).includes(s)) &&
        new Set(v).size === v.length
          ? undefined
          : `must be a non-empty list of distinct settings from ${SETTINGS.join(', ')}`,
    },
    seeds: {
      default: 4,
      doc: 'N: policies per method and setting (the paper: 80)',
      type: 'integer',
      check: (v) =>
        Number.isInteger(v) && v >= 2
          ? undefined
          : 'must be an integer >= 2 (the tests need two samples)',
    },
    seed: { default: 0, doc: 'base seed', check: is.nonNegativeInteger },
    evalPrompts: { default: 64, doc: 'evaluation prompts per policy', check: is.positiveInteger },
    ppoPreset: {
      default: 'tiny',
      doc: `PPO preset both methods start from: ${Object.keys(PPO_PRESETS).join(', ')}`,
      check: (v: string) => is.oneOf(...Object.keys(PPO_PRESETS))(v),
    },
    ppo: { default: {}, doc: 'PPO keys over the preset (both methods)', check: ppoPartial },
    vanilla: { default: {}, doc: 'PPO keys for vanilla only', check: ppoPartial },
    varianceAware: { default: {}, doc: 'PPO keys for variance-aware only', check: ppoPartial },
    ensemble: {
      default: {},
      doc: 'ensemble setting (EnsembleSettingConfig)',
      check: is.partialOf(EnsembleSettingConfig),
    },
    prompted: {
      default: {},
      doc: 'prompted setting (PromptedSettingConfig)',
      check: is.partialOf(PromptedSettingConfig),
    },
    workers: {
      default: null,
      doc: 'worker processes (default: one per core)',
      type: 'integer',
      check: is.nullOr(is.positiveInteger),
    },
    keepPolicies: { default: false, doc: "keep every policy's weights, not only its results" },
    table4: { default: false, doc: 'also run Table 4 (shrinking spread of the variances)' },
  },
  {
    derive: (c) => ({
      ensemble: EnsembleSettingConfig.resolve(c.ensemble),
      prompted: PromptedSettingConfig.resolve(c.prompted),
    }),
    rules: [
      {
        keys: ['ppoPreset', 'ppo', 'vanilla', 'varianceAware'],
        check: (c) => {
          for (const method of ['vanilla', 'variance-aware'] as const) {
            try {
              PPOConfig.resolve(ppoFor(c, method));
            } catch (error) {
              return `the ${method} PPO config is invalid: ${(error as Error).message}`;
            }
          }
          return undefined;
        },
      },
    ],
  },
);

export type ResolvedExperimentConfig = Resolved<ExperimentConfig, ExperimentDerived>;

/** The PPO config of `method`: preset, then `ppo`, then the method's own keys; `method` last. */
export function ppoFor(
  c: Pick<ExperimentConfig, 'ppoPreset' | 'ppo' | 'vanilla' | 'varianceAware'>,
  method: 'vanilla' | 'variance-aware',
): Partial<PPOConfig> {
  checkOneOf('ppoFor', 'method', method, ['vanilla', 'variance-aware'] as const);
  const preset = PPO_PRESETS[c.ppoPreset as PPOPresetName][method];
  const own = method === 'vanilla' ? c.vanilla : c.varianceAware;
  return { ...preset, ...c.ppo, ...own, method };
}

/** The smallest run that still produces every table and figure (CI's end-to-end test). */
export const SMOKE_CONFIG: Partial<ExperimentConfig> = Object.freeze({
  seeds: 2,
  evalPrompts: 8,
  ppo: {
    steps: 2,
    batchSize: 8,
    miniBatchSize: 8,
    ppoEpochs: 1,
    generation: {
      maxNewTokens: 8,
      minNewTokens: 4,
      temperature: 1,
      topK: 50,
      topP: 0.9,
      doSample: true,
    },
  },
  ensemble: { pairs: 48, k: 4, epochs: 2 },
  workers: 2,
});
