// The ensemble pipeline (paper Appendix B): preference pairs -> backbone features (cached) -> K
// heads trained jointly -> a RewardEnsemble; and its evaluation (accuracy and disagreement).

import {
  deriveSeed,
  type Logger,
  type ProgressCallback,
  Rng,
  silentLogger,
  ValidationError,
} from '@va/core';
import type { Backbone, FeatureMatrix } from './backbone.js';
import {
  type AnalyzeOptions,
  analyzeDisagreement,
  type DisagreementReport,
} from './disagreement.js';
import type { EnsembleHeads } from './ensemble-heads.js';
import type { FeatureCache } from './feature-cache.js';
import {
  HeadTrainingConfig,
  type HeadTrainingResult,
  type PairFeatures,
  trainHeads,
} from './head-trainer.js';
import type { PreferencePair } from './preference-record.js';
import { pairTexts, RewardEnsemble } from './reward-ensemble.js';

/** Options of {@link trainEnsemble}. */
export interface TrainEnsembleOptions {
  /** Head-training hyper-parameters (see `HeadTrainingConfig`). */
  readonly heads?: Partial<HeadTrainingConfig>;
  /** Validation pairs; default: `heads.validationFraction` of `pairs` held out. */
  readonly validation?: readonly PreferencePair[];
  /** Start from these heads (e.g. a first-stage head as member 0). */
  readonly initialHeads?: EnsembleHeads;
  /** Reuse and store backbone features here. */
  readonly cache?: FeatureCache;
  /** Texts per backbone pass. */
  readonly batchSize?: number;
  readonly logger?: Logger;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

/** What {@link trainEnsemble} returns. */
export interface TrainedEnsemble {
  readonly ensemble: RewardEnsemble;
  readonly training: HeadTrainingResult;
}

/** Backbone features of the chosen and rejected texts of `pairs` (one pass over both, cached). */
export async function pairFeatures(
  backbone: Backbone,
  pairs: readonly PreferencePair[],
  options: {
    cache?: FeatureCache;
    batchSize?: number;
    onProgress?: ProgressCallback;
    signal?: AbortSignal;
  } = {},
): Promise<PairFeatures> {
  const { chosen, rejected } = pairTexts(backbone, pairs);
  const texts = [...chosen, ...rejected];
  const embedOptions = {
    batchSize: options.batchSize,
    onProgress: options.onProgress,
    signal: options.signal,
  };
  const all: FeatureMatrix = options.cache
    ? await options.cache.features(backbone, texts, embedOptions)
    : await backbone.embed(texts, embedOptions);
  const n = pairs.length;
  const d = all.dim;
  return {
    chosen: { rows: n, dim: d, data: all.data.subarray(0, n * d) },
    rejected: { rows: n, dim: d, data: all.data.subarray(n * d, 2 * n * d) },
  };
}

/**
 * Trains K heads on a frozen backbone: features computed once (through the cache when given),
 * then `trainHeads`. The paper's first stage (backbone unfrozen) is `finetuneLmBackbone`, run
 * before this with its head passed as `initialHeads`.
 */
export async function trainEnsemble(
  backbone: Backbone,
  pairs: readonly PreferencePair[],
  options: TrainEnsembleOptions = {},
): Promise<TrainedEnsemble> {
  if (!Array.isArray(pairs) || pairs.length === 0) {
    throw new ValidationError(
      'trainEnsemble',
      'pairs',
      'a non-empty array of preference pairs',
      pairs,
    );
  }
  const k = options.heads?.k ?? HeadTrainingConfig.defaults.k;
  if (!(Number.isInteger(k) && k >= 2)) {
    // Checked before the backbone runs: a RewardEnsemble needs two members for its variance.
    throw new ValidationError('trainEnsemble', 'options.heads.k', 'an integer >= 2', k);
  }
  const logger = options.logger ?? silentLogger;
  logger.info(
    `trainEnsemble: ${pairs.length} pairs, backbone ${backbone.name} (${backbone.identity})`,
  );
  const common = { cache: options.cache, batchSize: options.batchSize, signal: options.signal };
  const data = await pairFeatures(backbone, pairs, { ...common, onProgress: options.onProgress });
  const validation = options.validation?.length
    ? await pairFeatures(backbone, options.validation, {
        ...common,
        onProgress: options.onProgress,
      })
    : undefined;
  if (options.cache) {
    logger.info(
      `trainEnsemble: features ${options.cache.stats.hits} cached, ${options.cache.stats.misses} computed`,
    );
  }
  const training = trainHeads(data, options.heads, {
    validation,
    initialHeads: options.initialHeads,
    logger,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const info = {
    training: training.config,
    trainPairs: training.trainPairs,
    validationPairs: training.validationPairs,
    validationAccuracy: training.reports.map((r) => r.valAccuracy),
    ensembleValidationAccuracy: training.ensembleAccuracy,
  };
  const ensemble = new RewardEnsemble(backbone, training.heads, {
    cache: options.cache,
    batchSize: options.batchSize,
    info,
  });
  return { ensemble, training };
}

/** Scores pairs with an ensemble and analyses accuracy and disagreement (paper Figure 8). */
export async function evaluateEnsemble(
  ensemble: RewardEnsemble,
  pairs: readonly PreferencePair[],
  options: Omit<AnalyzeOptions, 'subsets'> & {
    onProgress?: ProgressCallback;
    signal?: AbortSignal;
  } = {},
): Promise<DisagreementReport> {
  const scores = await ensemble.scorePairs(pairs, {
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const subsets = pairs.some((p) => p.subset !== undefined)
    ? pairs.map((p) => p.subset)
    : undefined;
  return analyzeDisagreement(scores, { subsets, groupBy: options.groupBy });
}

/** A seeded split of pairs into a training and a test part (`testFraction` of them). */
export function splitPairs<T>(
  pairs: readonly T[],
  testFraction: number,
  seed = 0,
): { train: T[]; test: T[] } {
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw new ValidationError('splitPairs', 'testFraction', 'a number in [0, 1)', testFraction);
  }
  const order = new Rng(deriveSeed(seed, 'test-split')).shuffle(pairs.map((_, i) => i));
  const nTest = Math.round(pairs.length * testFraction);
  return {
    test: order.slice(0, nTest).map((i) => pairs[i]!),
    train: order.slice(nTest).map((i) => pairs[i]!),
  };
}
