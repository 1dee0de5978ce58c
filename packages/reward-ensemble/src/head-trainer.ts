// Trains K linear reward heads on frozen features with the additive Bradley-Terry loss (SPEC 3,
// paper Appendix B): L = sum_k -log sigmoid(w_k^T (h(chosen) - h(rejected))), AdamW, a cosine
// schedule, per-member validation accuracy and early stopping. Linear, in the order it runs.

import {
  type ConfigSchema,
  DivergenceError,
  defineConfig,
  deriveSeed,
  formatNumber,
  is,
  type Logger,
  type ProgressCallback,
  Rng,
  silentLogger,
  ValidationError,
} from '@va/core';
import { adamwUpdate, learningRateAt, type OptimizerSettings, optimizerFields } from '@va/lm/optim';
import type { FeatureMatrix } from './backbone.js';
import { bradleyTerryLoss, pairAccuracy } from './bradley-terry.js';
import { type EnsembleHeads, initEnsembleHeads, memberSeed } from './ensemble-heads.js';

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

/**
 * `@va/lm`'s optimizer keys with the paper's settings (Tables 6 and 8: AdamW weight decay 0.001, a
 * cosine schedule) and warmup as a share of the steps, as in both the heads' and the first stage's
 * configs.
 */
export const paperOptimizerFields: ConfigSchema<OptimizerSettings & { warmupRatio: number }> = {
  ...optimizerFields,
  weightDecay: {
    ...optimizerFields.weightDecay,
    default: 0.001,
    doc: 'AdamW weight decay (the paper: 0.001)',
  },
  schedule: { ...optimizerFields.schedule, doc: 'learning-rate schedule (the paper: cosine)' },
  warmupRatio: { default: 0, doc: 'share of steps warming up', check: is.probability },
};

/**
 * Hyper-parameters of {@link trainHeads}: `@va/lm`'s optimizer keys (learningRate, minLearningRate,
 * schedule, weightDecay, beta1, beta2, epsilon, maxGradNorm, seed, logEvery) and these.
 */
export interface HeadTrainingConfig extends Readonly<OptimizerSettings> {
  /** Number of members (heads), when `members` is not given. The paper: 10. */
  readonly k: number;
  /** Pairs per step, per member. The paper: 32. */
  readonly batchSize: number;
  /** Share of the steps spent warming up linearly from 0. */
  readonly warmupRatio: number;
  /** Passes over the training pairs; fractions allowed. The paper: 0.5 (full model). */
  readonly epochs: number;
  /** Each member trains on its own bootstrap resample of the training pairs (more independent). */
  readonly bootstrap: boolean;
  /** Share of the pairs held out for validation when no validation set is passed (0: none). */
  readonly validationFraction: number;
  /** Validate every this many steps; 0: at the end of each epoch and at the last step. */
  readonly evalEvery: number;
  /**
   * Early stopping, per member: stop a member after this many validations without a lower
   * validation loss, and keep its best weights. 0: off (train every member for all steps).
   */
  readonly patience: number;
  /** Standard deviation of the initial weights, times 1/sqrt(dim). */
  readonly initScale: number;
  /**
   * Clip each member's own gradient to this L2 norm (0: off). Never a global norm over all heads:
   * that would couple the members, and the paper's loss is additive so that they stay independent.
   */
  readonly maxGradNorm: number;
}

export const HeadTrainingConfig = defineConfig<HeadTrainingConfig>('HeadTrainingConfig', {
  k: { default: 10, doc: 'number of members (the paper: 10)', check: is.positiveInteger },
  ...paperOptimizerFields,
  seed: { ...optimizerFields.seed, doc: "seed of the run (each member's init, order, resample)" },
  batchSize: { default: 32, doc: 'pairs per step (the paper: 32)', check: is.positiveInteger },
  // The paper's 1e-5 is for the full model: a freshly initialised linear head on frozen features
  // barely moves at that rate in 0.5 epoch, so heads default to 3e-3 for 8 epochs.
  learningRate: {
    ...optimizerFields.learningRate,
    default: 3e-3,
    doc: 'peak learning rate (the paper, full model: 1e-5; frozen-feature heads need ~1e-3 to 1e-2)',
  },
  epochs: {
    default: 8,
    doc: 'passes over the data, fractions allowed (the paper, full model: 0.5)',
    check: is.positive,
  },
  bootstrap: { default: false, doc: 'each member trains on its own bootstrap resample' },
  validationFraction: {
    default: 0.1,
    doc: 'share held out for validation when none is passed',
    check: (v) => (v >= 0 && v < 1 ? undefined : 'must be in [0, 1)'),
  },
  evalEvery: {
    default: 0,
    doc: 'validate every N steps (0: each epoch)',
    check: is.nonNegativeInteger,
  },
  patience: {
    default: 0,
    doc: 'early-stopping patience in validations (0: off)',
    check: is.nonNegativeInteger,
  },
  initScale: { default: 1, doc: 'initial weight sd times 1/sqrt(dim)', check: is.nonNegative },
  maxGradNorm: {
    ...optimizerFields.maxGradNorm,
    default: 0,
    doc: 'per-member gradient clipping norm (0: off)',
  },
});

/** The paper's Table 8 settings (for full-model training; see {@link HeadTrainingConfig}). */
export const PAPER_TABLE_8: Readonly<Partial<HeadTrainingConfig>> = Object.freeze({
  batchSize: 32,
  learningRate: 1e-5,
  weightDecay: 0.001,
  schedule: 'cosine',
  epochs: 0.5,
});

/** Features of preference pairs: row i of `chosen` and of `rejected` belong to pair i. */
export interface PairFeatures {
  readonly chosen: FeatureMatrix;
  readonly rejected: FeatureMatrix;
}

/** Options of {@link trainHeads}. */
export interface TrainHeadsOptions {
  /** Validation pairs; when absent, `validationFraction` of the pairs are held out. */
  readonly validation?: PairFeatures;
  /**
   * Which members to train (their indices fix their seeds); default `0..k-1`. Training
   * `members: [3]` alone gives exactly column 3 of the full run.
   */
  readonly members?: readonly number[];
  /**
   * Start from these heads instead of fresh ones (one column per member), e.g. the head trained
   * with the backbone in the paper's first stage as member 0 and fresh heads beside it.
   */
  readonly initialHeads?: EnsembleHeads;
  readonly logger?: Logger;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

/** How one member's training went. */
export interface MemberReport {
  readonly member: number;
  /** Seed of its initialisation. */
  readonly seed: number;
  /** Optimizer steps it took. */
  readonly steps: number;
  readonly stoppedEarly: boolean;
  /** Step whose weights it kept (the last, or the best validation loss under early stopping). */
  readonly keptStep: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
}

/** One validation during training. */
export interface ValidationRecord {
  readonly step: number;
  readonly epoch: number;
  /** Mean over members of the training loss since the previous validation. */
  readonly trainLoss: number;
  readonly valLoss: readonly number[];
  readonly valAccuracy: readonly number[];
  /** Accuracy of the ensemble mean reward. */
  readonly ensembleAccuracy: number;
}

/** What {@link trainHeads} returns. */
export interface HeadTrainingResult {
  readonly heads: EnsembleHeads;
  readonly members: readonly number[];
  readonly config: Readonly<HeadTrainingConfig>;
  readonly reports: readonly MemberReport[];
  readonly history: readonly ValidationRecord[];
  readonly trainPairs: number;
  readonly validationPairs: number;
  readonly totalSteps: number;
  /** Validation accuracy of the final ensemble mean (NaN without validation pairs). */
  readonly ensembleAccuracy: number;
}

function pairDiffs(where: string, p: PairFeatures): { n: number; dim: number; diff: Float32Array } {
  const { chosen, rejected } = p;
  if (chosen.rows !== rejected.rows || chosen.dim !== rejected.dim) {
    throw new ValidationError(
      where,
      'rejected',
      `a ${chosen.rows} x ${chosen.dim} feature matrix (the shape of 'chosen')`,
      `${rejected.rows} x ${rejected.dim}`,
    );
  }
  const diff = new Float32Array(chosen.rows * chosen.dim);
  for (let i = 0; i < diff.length; i++) {
    const v = chosen.data[i]! - rejected.data[i]!;
    if (!Number.isFinite(v)) {
      throw new ValidationError(
        where,
        'features',
        'finite values',
        v,
        'Check the backbone output.',
      );
    }
    diff[i] = v;
  }
  return { n: chosen.rows, dim: chosen.dim, diff };
}

/** Margins `w_j^T diff_r` of column `j` of `weight` (width `k`) for rows `rows` of `diff`. */
function columnMargins(
  diff: Float32Array,
  dim: number,
  rows: ArrayLike<number>,
  weight: Float64Array,
  k: number,
  j: number,
): Float64Array {
  const out = new Float64Array(rows.length);
  for (let b = 0; b < rows.length; b++) {
    const base = rows[b]! * dim;
    let s = 0;
    for (let i = 0; i < dim; i++) s += diff[base + i]! * weight[i * k + j]!;
    out[b] = s;
  }
  return out;
}

/** Trains the heads. Deterministic for a given config; members never influence each other. */
export function trainHeads(
  data: PairFeatures,
  config: Partial<HeadTrainingConfig> = {},
  options: TrainHeadsOptions = {},
): HeadTrainingResult {
  const cfg = HeadTrainingConfig.resolve(config);
  const logger = options.logger ?? silentLogger;
  logger.info(`trainHeads: ${JSON.stringify(cfg)}`);
  const members = options.members ?? Array.from({ length: cfg.k }, (_, i) => i);
  if (members.length === 0 || new Set(members).size !== members.length) {
    throw new ValidationError('trainHeads', 'options.members', 'distinct member indices', members);
  }
  const K = members.length;

  // -------------------------------------------------------------------------------------------
  // Data: pair differences (the heads are linear without a trained bias, so only
  // h(chosen) - h(rejected) matters), train/validation split, per-member resamples.
  // -------------------------------------------------------------------------------------------
  const all = pairDiffs('trainHeads', data);
  const dim = all.dim;
  let trainRows: number[];
  let val: { n: number; diff: Float32Array; rows: number[] };
  if (options.validation) {
    const v = pairDiffs('trainHeads', options.validation);
    if (v.dim !== dim) {
      throw new ValidationError(
        'trainHeads',
        'options.validation',
        `features of width ${dim}`,
        v.dim,
      );
    }
    trainRows = Array.from({ length: all.n }, (_, i) => i);
    val = { n: v.n, diff: v.diff, rows: Array.from({ length: v.n }, (_, i) => i) };
  } else {
    const perm = new Rng(deriveSeed(cfg.seed, 'split')).shuffle(
      Array.from({ length: all.n }, (_, i) => i),
    );
    const nVal = Math.round(all.n * cfg.validationFraction);
    val = { n: nVal, diff: all.diff, rows: perm.slice(0, nVal) };
    trainRows = perm.slice(nVal);
  }
  const nTrain = trainRows.length;
  if (nTrain === 0) {
    throw new ValidationError('trainHeads', 'data', 'at least one training pair', all.n);
  }
  const memberState = members.map((m) => {
    const rows = cfg.bootstrap
      ? (() => {
          const rng = new Rng(deriveSeed(cfg.seed, 'bootstrap', m));
          return Array.from({ length: nTrain }, () => trainRows[rng.int(nTrain)]!);
        })()
      : trainRows;
    return {
      rows,
      order: new Rng(
        cfg.bootstrap ? deriveSeed(cfg.seed, 'order', m) : deriveSeed(cfg.seed, 'order'),
      ),
      perm: [] as number[],
      pos: 0,
      // The member's own AdamW moments: no state is shared, so members never influence each other.
      m: new Float64Array(dim),
      v: new Float64Array(dim),
      active: true,
      steps: 0,
      bestLoss: Number.POSITIVE_INFINITY,
      bestStep: 0,
      best: undefined as Float64Array | undefined,
      bad: 0,
      trainLoss: 0,
      trainCount: 0,
    };
  });

  // -------------------------------------------------------------------------------------------
  // Model: one d x K matrix, each column from its member's own seed.
  // -------------------------------------------------------------------------------------------
  const init = options.initialHeads;
  if (init && (init.dim !== dim || init.k !== K)) {
    throw new ValidationError(
      'trainHeads',
      'options.initialHeads',
      `heads of width ${dim} with ${K} members`,
      `width ${init.dim}, ${init.k} members`,
    );
  }
  const heads: EnsembleHeads = init
    ? { dim, k: K, weight: Float64Array.from(init.weight), bias: Float64Array.from(init.bias) }
    : initEnsembleHeads(dim, members, cfg.seed, cfg.initScale);
  const W = heads.weight;
  const stepsPerEpoch = Math.ceil(nTrain / cfg.batchSize);
  const totalSteps = Math.max(1, Math.ceil(cfg.epochs * stepsPerEpoch));
  const warmupSteps = Math.round(cfg.warmupRatio * totalSteps);
  const grad = new Float64Array(dim);
  const history: ValidationRecord[] = [];

  const column = (j: number) => Float64Array.from({ length: dim }, (_, i) => W[i * K + j]!);
  /**
   * A weight of column `j` that is not finite at float32 (the precision heads are held and saved
   * at), or undefined when there is none.
   */
  const nonFinite = (j: number): number | undefined => {
    for (let i = 0; i < dim; i++) {
      if (!Number.isFinite(Math.fround(W[i * K + j]!))) return W[i * K + j];
    }
    return undefined;
  };
  // A diverged member would save NaN heads that score null: stop at the first non-finite loss or
  // weight, before anything is returned.
  const diverged = (step: number, j: number, what: string) =>
    new DivergenceError(
      `trainHeads: member ${members[j]} diverged at step ${step + 1} of ${totalSteps}: ${what}. ` +
        `Likely cause: learningRate ${cfg.learningRate} is too high for these features (the default is ${HeadTrainingConfig.defaults.learningRate}); ` +
        'lower it, or clip each gradient with maxGradNorm.',
    );
  const setColumn = (j: number, c: Float64Array) => {
    for (let i = 0; i < dim; i++) W[i * K + j] = c[i]!;
  };

  // -------------------------------------------------------------------------------------------
  // Validation: per-member loss and accuracy, accuracy of the mean; early stopping per member.
  // -------------------------------------------------------------------------------------------
  const validate = (step: number) => {
    if (val.n === 0) return;
    const margins = memberState.map((_, j) => columnMargins(val.diff, dim, val.rows, W, K, j));
    const valLoss = margins.map((m) => bradleyTerryLoss(m).loss);
    const valAccuracy = margins.map((m) => pairAccuracy(m));
    const meanMargins = Float64Array.from(
      { length: val.n },
      (_, r) => margins.reduce((s, m) => s + m[r]!, 0) / K,
    );
    const ensembleAccuracy = pairAccuracy(meanMargins);
    const trained = memberState.filter((s) => s.trainCount > 0);
    const trainLoss =
      trained.reduce((s, st) => s + st.trainLoss / st.trainCount, 0) / Math.max(1, trained.length);
    for (const st of memberState) {
      st.trainLoss = 0;
      st.trainCount = 0;
    }
    history.push({
      step,
      epoch: step / stepsPerEpoch,
      trainLoss,
      valLoss,
      valAccuracy,
      ensembleAccuracy,
    });
    const metrics: Record<string, number> = {
      'ensemble/val/accuracy/ensemble_mean': ensembleAccuracy,
      'ensemble/val/accuracy/member_mean': valAccuracy.reduce((a, b) => a + b, 0) / K,
    };
    memberState.forEach((st, j) => {
      metrics[`ensemble/val/accuracy/member_${members[j]}`] = valAccuracy[j]!;
      metrics[`ensemble/val/loss/member_${members[j]}`] = valLoss[j]!;
      if (!st.active || cfg.patience === 0) return;
      if (valLoss[j]! < st.bestLoss) {
        st.bestLoss = valLoss[j]!;
        st.bestStep = step;
        st.best = column(j);
        st.bad = 0;
      } else if (++st.bad >= cfg.patience) {
        st.active = false;
        logger.info(
          `trainHeads: member ${members[j]} stopped early at step ${step} (best step ${st.bestStep})`,
        );
      }
    });
    logger.metrics(step, metrics);
  };
  if (cfg.patience > 0) validate(0);

  // -------------------------------------------------------------------------------------------
  // Training loop: every active member takes one AdamW step on its own next batch.
  // -------------------------------------------------------------------------------------------
  let loggedLoss = 0;
  let loggedSteps = 0;
  for (let step = 0; step < totalSteps; step++) {
    options.signal?.throwIfAborted();
    if (!memberState.some((s) => s.active)) break;
    const lr = learningRateAt(step, { ...cfg, warmupSteps, totalSteps });
    let stepLoss = 0;
    let stepMembers = 0;
    memberState.forEach((st, j) => {
      if (!st.active) return;
      stepMembers++;
      if (st.pos === 0) st.perm = st.order.shuffle(st.rows.slice());
      const batch = st.perm.slice(st.pos, st.pos + cfg.batchSize);
      st.pos = st.pos + cfg.batchSize >= nTrain ? 0 : st.pos + cfg.batchSize;
      const { loss, gradient } = bradleyTerryLoss(columnMargins(all.diff, dim, batch, W, K, j));
      if (!Number.isFinite(loss)) throw diverged(step, j, `its loss is ${loss}`);
      grad.fill(0);
      batch.forEach((row, b) => {
        const g = gradient[b]!;
        const base = row * dim;
        for (let i = 0; i < dim; i++) grad[i]! += g * all.diff[base + i]!;
      });
      if (cfg.maxGradNorm > 0) {
        let norm = 0;
        for (const g of grad) norm += g * g;
        norm = Math.sqrt(norm);
        if (norm > cfg.maxGradNorm)
          for (let i = 0; i < dim; i++) grad[i] = (grad[i]! * cfg.maxGradNorm) / norm;
      }
      st.steps++;
      adamwUpdate(W, grad, st.m, st.v, st.steps, lr, cfg, { offset: j, stride: K });
      const bad = nonFinite(j);
      if (bad !== undefined) throw diverged(step, j, `a weight reached ${bad}, beyond float32`);
      st.trainLoss += loss;
      st.trainCount++;
      stepLoss += loss;
    });
    loggedLoss += stepLoss;
    loggedSteps++;
    if ((step + 1) % cfg.logEvery === 0 || step + 1 === totalSteps) {
      logger.metrics(step + 1, {
        'ensemble/train/loss': loggedLoss / loggedSteps,
        'ensemble/train/lr': lr,
      });
      loggedLoss = 0;
      loggedSteps = 0;
    }
    const due =
      cfg.evalEvery > 0 ? (step + 1) % cfg.evalEvery === 0 : (step + 1) % stepsPerEpoch === 0;
    if (due || step + 1 === totalSteps) validate(step + 1);
    options.onProgress?.({
      task: 'train heads',
      done: step + 1,
      total: totalSteps,
      unit: 'steps',
      detail: `mean loss ${formatNumber(stepLoss / stepMembers)}`,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Result: under early stopping each member keeps its best validation weights.
  // -------------------------------------------------------------------------------------------
  memberState.forEach((st, j) => {
    if (cfg.patience > 0 && st.best) setColumn(j, st.best);
  });
  const finalMargins = memberState.map((_, j) => columnMargins(val.diff, dim, val.rows, W, K, j));
  const reports: MemberReport[] = memberState.map((st, j) => ({
    member: members[j]!,
    seed: memberSeed(cfg.seed, members[j]!),
    steps: st.steps,
    stoppedEarly: !st.active,
    keptStep: cfg.patience > 0 && st.best ? st.bestStep : st.steps,
    valLoss: val.n ? bradleyTerryLoss(finalMargins[j]!).loss : Number.NaN,
    valAccuracy: val.n ? pairAccuracy(finalMargins[j]!) : Number.NaN,
  }));
  const meanMargins = Float64Array.from({ length: val.n }, (_, r) =>
    finalMargins.reduce((s, m) => s + m[r]!, 0),
  );
  return {
    heads,
    members,
    config: cfg,
    reports,
    history,
    trainPairs: nTrain,
    validationPairs: val.n,
    totalSteps,
    ensembleAccuracy: val.n ? pairAccuracy(meanMargins) : Number.NaN,
  };
}
