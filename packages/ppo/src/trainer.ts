// PPO for causal language models with a pluggable, variance-aware penalty (SPEC 4), in the order a
// step runs: rollout (generate, score, log-probabilities, values), per-token rewards, advantages,
// minibatch epochs of the clipped losses, KL control, stats. The arithmetic follows TRL's
// `PPOTrainer` (trl 0.x, which the paper used) so that it can be checked against it; where it
// differs, the comment says so.

import * as tf from '@tensorflow/tfjs';
import {
  checkRewardScores,
  DivergenceError,
  deriveSeed,
  type Logger,
  type RewardModel,
  type RewardQuery,
  type RewardScore,
  Rng,
  silentLogger,
  ValidationError,
} from '@va/core';
import { AdamW, CausalLM, clipFactor, generate, globalNorm, tokenEntropy } from '@va/lm';
import { learningRateAt } from '@va/lm/optim';
import { mean, variance } from '@va/stats';
import { gae, RunningMoments, whiten } from './advantages.js';
import { PPOConfig, type ResolvedPPOConfig } from './config.js';
import { AdaptiveKLController, FixedKLController, type KLController } from './kl-controller.js';
import {
  type PenaltyFunction,
  type PenaltyWeights,
  penaltyPerToken,
  penaltyWeights,
  type ScoreTransformFunction,
  tokenRewards,
  transformScore,
} from './penalty.js';
import { ValueHead } from './value-head.js';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** A prompt: a text (encoded with the policy's tokenizer) or token ids. */
export type Prompt = string | readonly number[];

/** Options of {@link PPOTrainer.create}. */
export interface PPOTrainerOptions {
  /** The policy to train (every weight, or only its LoRA adapter when one is attached). */
  readonly policy: CausalLM;
  /** Scores (prompt, response) pairs with a mean, a variance and a noisy sample. */
  readonly reward: RewardModel;
  readonly config?: Partial<PPOConfig>;
  /**
   * The frozen reference pi0. Default: the policy itself with its adapter switched off when it has
   * LoRA (no second copy, as TRL with PEFT), else a frozen copy of the policy as it is now.
   */
  readonly reference?: CausalLM;
  /** A value head to continue from (default: a fresh one, seeded by `config.seed`). */
  readonly valueHead?: ValueHead;
  /** A custom per-token penalty, used instead of `config.penalty`. */
  readonly penalty?: PenaltyFunction;
  /** A custom training score, used instead of `config.scoreTransform`. */
  readonly transform?: ScoreTransformFunction;
  readonly logger?: Logger;
  /** Dispose the given `reference` with the trainer (default false: the caller owns it). */
  readonly ownsReference?: boolean;
}

/** One step's stats under TRL's names, plus the reward variance (`ppo/variance/*`). */
export type PPOStepStats = Readonly<Record<string, number>>;

/** One rollout row: what was generated for a prompt and everything PPO derives from it. */
export interface RolloutRow {
  readonly query: readonly number[];
  readonly response: readonly number[];
  readonly prompt: string;
  readonly text: string;
  /** The reward model's answer. */
  readonly reward: RewardScore;
  /** The score the last token gets (transformed, scaled, clipped). */
  readonly score: number;
  /** The variance the penalty was weighted by (floored), and the resulting beta_eff. */
  readonly variance: number;
  readonly betaEffective: number;
  readonly logprobs: number[];
  readonly refLogprobs: number[];
  readonly values: number[];
  readonly penalties: number[];
  readonly rewards: number[];
  advantages: number[];
  readonly returns: number[];
}

/** Options of {@link PPOTrainer.step}. */
export interface StepOptions {
  /** Called with the rollout before the update (texts, scores, per-token rewards). */
  readonly onRollout?: (rows: readonly RolloutRow[]) => void;
}

/** What a checkpoint restores; see `checkpoint.ts`. */
export interface TrainerState {
  readonly step: number;
  readonly klCoef: number;
  readonly scoreMoments: ReturnType<RunningMoments['state']>;
}

const FLOAT32_EPS = 2 ** -23;

// ---------------------------------------------------------------------------------------------
// The trainer
// ---------------------------------------------------------------------------------------------

/** PPO against any `RewardModel`; create with {@link PPOTrainer.create}. */
export class PPOTrainer {
  readonly config: ResolvedPPOConfig;
  readonly policy: CausalLM;
  readonly reference: CausalLM;
  readonly reward: RewardModel;
  readonly valueHead: ValueHead;
  /** Whether the reference is the policy with its adapter switched off. */
  readonly referenceIsAdapterOff: boolean;
  readonly optimizer: AdamW;
  readonly kl: KLController;
  private readonly scoreMoments = new RunningMoments();
  private readonly ownsReference: boolean;
  private readonly penaltyFn: PenaltyFunction | undefined;
  private readonly transformFn: ScoreTransformFunction | undefined;
  private readonly logger: Logger;
  private readonly pad: number;
  private steps = 0;

  private constructor(options: PPOTrainerOptions, config: ResolvedPPOConfig) {
    this.config = config;
    this.policy = options.policy;
    this.reward = options.reward;
    this.logger = options.logger ?? silentLogger;
    this.penaltyFn = options.penalty;
    this.transformFn = options.transform;
    const policy = options.policy;
    this.referenceIsAdapterOff = !options.reference && policy.lora !== undefined;
    this.ownsReference = options.reference
      ? options.ownsReference === true
      : !this.referenceIsAdapterOff;
    this.reference =
      options.reference ?? (this.referenceIsAdapterOff ? policy : frozenCopy(policy));
    if (this.reference !== policy && this.reference.config.vocabSize !== policy.config.vocabSize) {
      throw new ValidationError(
        'PPOTrainer.create',
        'reference',
        `a model with the policy's vocabulary (${policy.config.vocabSize} tokens)`,
        this.reference.config.vocabSize,
      );
    }
    this.valueHead =
      options.valueHead ?? new ValueHead(policy.config.hiddenSize, { seed: config.seed });
    if (this.valueHead.hiddenSize !== policy.config.hiddenSize) {
      throw new ValidationError(
        'PPOTrainer.create',
        'valueHead',
        `a head over ${policy.config.hiddenSize} hidden units (the policy's width)`,
        this.valueHead.hiddenSize,
      );
    }
    this.optimizer = new AdamW([...policy.trainableVariables(), ...this.valueHead.variables()], {
      learningRate: config.learningRate,
      beta1: config.beta1,
      beta2: config.beta2,
      epsilon: config.epsilon,
      weightDecay: config.weightDecay,
    });
    this.kl = config.adaptiveKl
      ? new AdaptiveKLController({
          init: config.initKlCoef,
          target: config.klTarget,
          horizon: config.klHorizon,
        })
      : new FixedKLController({ init: config.initKlCoef });
    this.pad =
      policy.config.padTokenId ?? policy.tokenizer?.padTokenId ?? policy.config.eosTokenIds[0] ?? 0;
  }

  /** A trainer for `policy` against `reward`; logs the resolved config first. */
  static async create(options: PPOTrainerOptions): Promise<PPOTrainer> {
    const where = 'PPOTrainer.create';
    if (!options || typeof options !== 'object') {
      throw new ValidationError(where, 'options', 'an object { policy, reward, config }', options);
    }
    if (!options.policy || typeof options.policy.continuationLogProbs !== 'function') {
      throw new ValidationError(where, 'policy', 'a CausalLM from @va/lm', options.policy);
    }
    if (!options.reward || typeof options.reward.score !== 'function') {
      throw new ValidationError(where, 'reward', 'a RewardModel (with score())', options.reward);
    }
    const config = PPOConfig.resolve(options.config ?? {});
    const trainer = new PPOTrainer(options, config);
    trainer.logger.info(
      `PPOTrainer: ${JSON.stringify(config)}; reward ${options.reward.name}; reference ${trainer.referenceIsAdapterOff ? 'the policy with its LoRA adapter off' : options.reference ? 'given' : 'a frozen copy of the policy'}`,
    );
    return trainer;
  }

  /** PPO steps taken. */
  get stepCount(): number {
    return this.steps;
  }

  /** The current KL coefficient beta. */
  get klCoef(): number {
    return this.kl.value;
  }

  /** The counters a checkpoint needs besides the weights and the optimizer. */
  state(): TrainerState {
    return {
      step: this.steps,
      klCoef: this.kl.value,
      scoreMoments: this.scoreMoments.state(),
    };
  }

  /** Restores {@link state} (with the weights and optimizer restored separately). */
  loadState(state: TrainerState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new ValidationError(
        'PPOTrainer.loadState',
        'state.step',
        'a non-negative integer',
        state.step,
      );
    }
    this.steps = state.step;
    this.kl.loadState({ value: state.klCoef });
    this.scoreMoments.loadState(state.scoreMoments);
  }

  /**
   * One PPO step on `prompts`: rollout and update. Every random choice derives from the config's
   * seed and the step number, so a resumed run repeats an uninterrupted one.
   */
  async step(prompts: readonly Prompt[], options: StepOptions = {}): Promise<PPOStepStats> {
    const c = this.config;
    const start = performance.now();
    const step = this.steps;
    const beta = this.kl.value;
    const rollout = await this.rollout(prompts, step, beta);
    const clock = new PhaseClock();
    options.onRollout?.(rollout.rows);
    clock.lap('on_rollout');
    const update = this.update(rollout.rows, step);
    clock.lap('optimize_step');
    const stats = this.stepStats(rollout, update, beta);
    this.kl.update(stats['objective/kl']!, rollout.rows.length);
    this.steps += 1;
    clock.lap('calc_stats');
    const out: Record<string, number> = { ...stats };
    for (const [phase, seconds] of Object.entries({ ...rollout.seconds, ...clock.seconds })) {
      out[`time/ppo/${phase}`] = seconds;
    }
    out['time/ppo/total'] = (performance.now() - start) / 1000;
    if (c.logEvery > 0 && (step + 1) % c.logEvery === 0) this.logger.metrics(step + 1, out);
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Rollout: generate, score, log-probabilities and values, rewards, advantages
  // -------------------------------------------------------------------------------------------

  /** Generates, scores and prepares one batch (no update); `step` seeds it. */
  async rollout(
    prompts: readonly Prompt[],
    step = this.steps,
    beta = this.kl.value,
  ): Promise<Rollout> {
    const c = this.config;
    const where = 'PPOTrainer.step';
    const clock = new PhaseClock();
    const queries = this.encodePrompts(prompts, where);
    const gen = await generate(this.policy, queries, {
      ...c.generation,
      seed: deriveSeed(c.seed, 'generate', step),
    });
    const responses = gen.tokens;
    const texts = gen.text ?? responses.map((r) => r.join(' '));
    const promptTexts = prompts.map((p, i) =>
      typeof p === 'string' ? p : (this.policy.tokenizer?.decode(queries[i]!) ?? p.join(' ')),
    );
    clock.lap('generate');

    // Scores: the reward model's mean, variance and noisy sample, checked before use.
    const queriesForReward: RewardQuery[] = promptTexts.map((prompt, i) => ({
      prompt,
      response: texts[i]!,
    }));
    const scores = await this.reward.score(queriesForReward, {
      rng: new Rng(deriveSeed(c.seed, 'reward', step)),
    });
    checkRewardScores(this.reward.name, scores, queries.length);
    const trainScores = this.trainingScores(scores);
    clock.lap('score');

    // Log-probabilities under the policy and the reference, and values, in minibatches.
    const fwd = this.forwardRollout(queries, responses);
    clock.lap('forward_pass');

    // The paper's weighting: beta_eff of every response (floored, normalised as configured).
    const weights = penaltyWeights({
      method: c.method,
      beta,
      variances: scores.map((s) => s.variance),
      varianceFloor: c.varianceFloor,
      normalizeVariance: c.normalizeVariance,
    });
    const rows: RolloutRow[] = queries.map((query, i) => {
      const logprobs = fwd.logprobs[i]!;
      const refLogprobs = fwd.refLogprobs[i]!;
      const penalties = fwd.fullKl
        ? fwd.fullKl[i]!
        : penaltyPerToken(this.penaltyFn ?? (c.penalty as 'kl'), logprobs, refLogprobs);
      // `variance` is already floored and normalised, so tokenRewards's beta_eff is weights.betas[i].
      const variance = weights.variances[i]!;
      const rewards = tokenRewards({
        score: trainScores[i]!,
        logprobs,
        refLogprobs,
        beta,
        variance,
        method: c.method,
        penalty: penalties,
      });
      return {
        query,
        response: responses[i]!,
        prompt: promptTexts[i]!,
        text: texts[i]!,
        reward: scores[i]!,
        score: trainScores[i]!,
        variance,
        betaEffective: weights.betas[i]!,
        logprobs,
        refLogprobs,
        values: fwd.values[i]!,
        penalties,
        rewards,
        advantages: [],
        returns: [],
      };
    });
    clock.lap('compute_rewards');
    this.advantages(rows);
    clock.lap('compute_advantages');
    return { rows, weights, seconds: clock.seconds as Rollout['seconds'] };
  }

  private encodePrompts(prompts: readonly Prompt[], where: string): number[][] {
    if (!Array.isArray(prompts) || prompts.length === 0) {
      throw new ValidationError(where, 'prompts', 'a non-empty array of prompts', prompts);
    }
    const tok = this.policy.tokenizer;
    return prompts.map((p, i) => {
      if (typeof p === 'string') {
        if (!tok) {
          throw new ValidationError(
            where,
            `prompts[${i}]`,
            'token ids (the policy has no tokenizer)',
            p,
          );
        }
        const ids = tok.encode(p);
        if (ids.length === 0) {
          throw new ValidationError(where, `prompts[${i}]`, 'a text of at least one token', p);
        }
        return ids;
      }
      if (!Array.isArray(p) || p.length === 0 || !p.every((x) => Number.isInteger(x) && x >= 0)) {
        throw new ValidationError(
          where,
          `prompts[${i}]`,
          'a text or a non-empty row of token ids',
          p,
        );
      }
      return [...p];
    });
  }

  /** The score each last token gets: transform, then TRL's optional scaling and clipping. */
  private trainingScores(scores: readonly RewardScore[]): number[] {
    const c = this.config;
    let out = scores.map((s) =>
      transformScore(s, this.transformFn ?? c.scoreTransform, {
        lambda: c.uncertaintyWeight,
        k: c.lcbK,
      }),
    );
    if (c.useScoreScaling) {
      if (out.length >= 2) this.scoreMoments.update(out);
      const scale = this.scoreMoments.std + FLOAT32_EPS;
      const shift = c.useScoreNorm ? this.scoreMoments.mean : 0;
      out = out.map((s) => (s - shift) / scale);
    }
    if (c.scoreClip !== null) {
      const m = c.scoreClip;
      out = out.map((s) => Math.min(m, Math.max(-m, s)));
    }
    return out;
  }

  /** Policy and reference log-probabilities of the responses, values, and `full` KL per token. */
  private forwardRollout(
    queries: readonly number[][],
    responses: readonly number[][],
  ): { logprobs: number[][]; refLogprobs: number[][]; values: number[][]; fullKl?: number[][] } {
    const full = this.config.penalty === 'full' && !this.penaltyFn;
    const logprobs: number[][] = [];
    const refLogprobs: number[][] = [];
    const values: number[][] = [];
    const fullKl: number[][] = [];
    const size = this.config.miniBatchSize;
    for (let start = 0; start < queries.length; start += size) {
      const q = queries.slice(start, start + size);
      const r = responses.slice(start, start + size);
      const opts = { padTokenId: this.pad, logits: full };
      const pol = this.policy.continuationLogProbs(q, r, opts);
      const ref =
        this.reference === this.policy
          ? this.policy.withoutLora(() => this.policy.continuationLogProbs(q, r, opts))
          : this.reference.continuationLogProbs(q, r, opts);
      const v = this.valueHead.apply(pol.hiddenStates);
      const lp = pol.logprobs.arraySync();
      const rlp = ref.logprobs.arraySync();
      const vals = v.arraySync();
      const kl = full
        ? tf.tidy(() => {
            const a = tf.logSoftmax(pol.logits!);
            const b = tf.logSoftmax(ref.logits!);
            return tf.sum(tf.mul(tf.exp(a), tf.sub(a, b)), -1).arraySync() as number[][];
          })
        : undefined;
      tf.dispose([...Object.values(pol), ...Object.values(ref), v] as tf.Tensor[]);
      r.forEach((resp, j) => {
        const n = resp.length;
        const row = lp[j]!.slice(0, n);
        const refRow = rlp[j]!.slice(0, n);
        checkFinite(row, 'log-probabilities of the policy', start + j);
        checkFinite(refRow, 'log-probabilities of the reference', start + j);
        checkFinite(vals[j]!.slice(0, n), 'values', start + j);
        logprobs.push(row);
        refLogprobs.push(refRow);
        values.push(vals[j]!.slice(0, n));
        if (kl) fullKl.push(kl[j]!.slice(0, n));
      });
    }
    return { logprobs, refLogprobs, values, ...(full ? { fullKl } : {}) };
  }

  /** GAE per row (optionally on whitened rewards), then advantages whitened across the batch. */
  private advantages(rows: RolloutRow[]): void {
    const c = this.config;
    const flat = rows.flatMap((r) => r.rewards);
    if (flat.length < 2) {
      throw new ValidationError(
        'PPOTrainer.step',
        'prompts',
        'a batch whose responses hold at least 2 tokens in all (advantages are whitened)',
        `${flat.length} token`,
        'Pass more prompts, or raise generation.minNewTokens',
      );
    }
    const rewards = c.whitenRewards ? whiten(flat, { shiftMean: false }) : flat;
    let offset = 0;
    const raw: number[][] = [];
    for (const row of rows) {
      const n = row.rewards.length;
      const { advantages, returns } = gae(rewards.slice(offset, offset + n), row.values, c);
      offset += n;
      raw.push(advantages);
      (row as { returns: number[] }).returns = returns;
    }
    const white = whiten(raw.flat());
    offset = 0;
    for (const row of rows) {
      row.advantages = white.slice(offset, offset + row.rewards.length);
      offset += row.rewards.length;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Update: PPO epochs over shuffled minibatches, gradient accumulation, clipping, AdamW
  // -------------------------------------------------------------------------------------------

  private update(rows: readonly RolloutRow[], step: number): UpdateResult {
    const c = this.config;
    const vars = this.optimizer.variables as tf.Variable[];
    const lr = learningRateAt(step, {
      learningRate: c.learningRate,
      minLearningRate: c.minLearningRate,
      warmupSteps: 0,
      totalSteps: c.steps,
      schedule: c.schedule,
    });
    const minibatchStats: MinibatchStats[] = [];
    let skipped = 0;
    let epochsRun = 0;
    let lastGradNorm = 0;
    for (let epoch = 0; epoch < c.ppoEpochs; epoch++) {
      epochsRun += 1;
      const order = new Rng(deriveSeed(c.seed, 'shuffle', step, epoch)).shuffle(
        rows.map((_, i) => i),
      );
      const epochStats: MinibatchStats[] = [];
      for (let b = 0; b < order.length; b += c.backwardBatchSize) {
        const group = order.slice(b, b + c.backwardBatchSize);
        let sum: tf.Tensor[] | undefined;
        for (let m = 0; m < group.length; m += c.miniBatchSize) {
          const batch = group.slice(m, m + c.miniBatchSize).map((i) => rows[i]!);
          const { grads, stats } = this.minibatchGradients(batch, vars);
          if (stats.ratio > c.ratioThreshold) {
            // TRL zeroes such a minibatch's loss; here its gradient is dropped altogether.
            skipped += 1;
            tf.dispose(grads);
            this.logger.warn(
              `PPO step ${step + 1}: skipped a minibatch whose mean ratio ${stats.ratio.toFixed(2)} exceeds ratioThreshold ${c.ratioThreshold}`,
            );
            continue;
          }
          epochStats.push(stats);
          if (!sum) sum = grads;
          else {
            const next = sum.map((g, i) => tf.add(g, grads[i]!));
            tf.dispose([...sum, ...grads]);
            sum = next;
          }
        }
        if (!sum) continue;
        const norm = globalNorm(sum);
        if (!Number.isFinite(norm)) {
          tf.dispose(sum);
          throw new DivergenceError(
            `PPO step ${step + 1}: the gradient norm is ${norm}; the update would corrupt the policy. ` +
              `Lower learningRate (${c.learningRate}), set maxGradNorm, or check the reward model's scores.`,
          );
        }
        lastGradNorm = norm;
        const scale = c.maxGradNorm > 0 ? clipFactor(norm, c.maxGradNorm) : 1;
        this.optimizer.step(sum, lr, scale);
        tf.dispose(sum);
      }
      minibatchStats.push(...epochStats);
      // TRL stops at the epoch level once the policy KL runs away.
      const last = epochStats.at(-1);
      if (c.earlyStopping && last && last.policykl > 1.5 * c.targetKl) break;
    }
    return { minibatchStats, skipped, epochsRun, learningRate: lr, gradNorm: lastGradNorm };
  }

  /** Gradients of the clipped PPO loss on one minibatch, with its stats. */
  private minibatchGradients(
    batch: readonly RolloutRow[],
    vars: tf.Variable[],
  ): { grads: tf.Tensor[]; stats: MinibatchStats } {
    const c = this.config;
    const len = Math.max(...batch.map((r) => r.response.length));
    const padded = (f: (r: RolloutRow) => readonly number[]) =>
      tf.tensor2d(
        batch.map((r) => {
          const x = f(r);
          return [...x, ...new Array<number>(len - x.length).fill(0)];
        }),
        [batch.length, len],
      );
    let statsTensor: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const mask = padded((r) => r.response.map(() => 1));
      const old = padded((r) => r.logprobs);
      const oldValues = padded((r) => r.values);
      const adv = padded((r) => r.advantages);
      const ret = padded((r) => r.returns);
      const out = this.policy.continuationLogProbs(
        batch.map((r) => r.query),
        batch.map((r) => r.response),
        { training: true, logits: true, padTokenId: this.pad },
      );
      const vpred = this.valueHead.apply(out.hiddenStates);
      const losses = ppoLosses({
        logprobs: out.logprobs,
        oldLogprobs: old,
        values: vpred,
        oldValues,
        advantages: adv,
        returns: ret,
        mask,
        clipRange: c.clipRange,
        clipRangeValue: c.clipRangeValue,
        vfCoef: c.vfCoef,
        logits: out.logits,
      });
      statsTensor = tf.keep(losses.stats);
      // Gradient accumulation averages, as accelerate divides each loss by the steps.
      return tf.div(losses.loss, c.gradientAccumulationSteps) as tf.Scalar;
    }, vars);
    const stats = readLossStats(statsTensor!.dataSync());
    statsTensor!.dispose();
    value.dispose();
    const list = vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
    if (!Number.isFinite(stats.loss)) {
      tf.dispose(list);
      throw new DivergenceError(
        `PPO step ${this.steps + 1}: the loss is ${stats.loss} (policy ${stats.policyLoss}, value ${stats.valueLoss}). ` +
          `Lower learningRate (${c.learningRate}) or check the reward model's scores.`,
      );
    }
    return { grads: list, stats };
  }

  // -------------------------------------------------------------------------------------------
  // Stats
  // -------------------------------------------------------------------------------------------

  private stepStats(rollout: Rollout, update: UpdateResult, beta: number): Record<string, number> {
    const rows = rollout.rows;
    const n = rows.length;
    const meanOf = (f: (r: RolloutRow) => number) => rows.reduce((a, r) => a + f(r), 0) / n;
    const sum = (x: readonly number[]) => x.reduce((a, b) => a + b, 0);
    const scores = rows.map((r) => r.score);
    const variances = rows.map((r) => r.reward.variance);
    const returns = rows.flatMap((r) => r.returns);
    const values = rows.flatMap((r) => r.values);
    const mb = update.minibatchStats;
    const avg = (k: keyof MinibatchStats) =>
      mb.length ? mb.reduce((a, s) => a + s[k], 0) / mb.length : Number.NaN;
    const ret = { mean: mean(returns), variance: variance(returns) };
    const val = { mean: mean(values), variance: variance(values) };
    const std = (x: readonly number[]) => (x.length > 1 ? Math.sqrt(variance(x)) : 0);
    const error = avg('valueError');
    return {
      'objective/kl': meanOf((r) => sum(r.logprobs) - sum(r.refLogprobs)),
      'objective/kl_coef': beta,
      'objective/entropy': meanOf((r) => -sum(r.logprobs)),
      'ppo/mean_non_score_reward': meanOf((r) => -r.betaEffective * sum(r.penalties)),
      'ppo/mean_scores': mean(scores),
      'ppo/std_scores': std(scores),
      'ppo/mean_reward_model_mean': meanOf((r) => r.reward.mean),
      'ppo/variance/mean': mean(variances),
      'ppo/variance/std': std(variances),
      'ppo/variance/floored_frac': rollout.weights.flooredShare,
      'ppo/variance/scale': rollout.weights.scale,
      'ppo/beta_eff/mean': meanOf((r) => r.betaEffective),
      'ppo/loss/policy': avg('policyLoss'),
      'ppo/loss/value': avg('valueLoss'),
      'ppo/loss/total': avg('loss'),
      'ppo/policy/entropy': avg('entropy'),
      'ppo/policy/approxkl': avg('approxkl'),
      'ppo/policy/policykl': avg('policykl'),
      'ppo/policy/clipfrac': avg('clipfrac'),
      'ppo/policy/ratio': avg('ratio'),
      'ppo/policy/advantages_mean': mean(rows.flatMap((r) => r.advantages)),
      'ppo/returns/mean': ret.mean,
      'ppo/returns/var': ret.variance,
      'ppo/val/vpred': avg('vpred'),
      'ppo/val/error': error,
      'ppo/val/clipfrac': avg('valueClipfrac'),
      'ppo/val/mean': val.mean,
      'ppo/val/var': val.variance,
      'ppo/val/var_explained': 1 - error / ret.variance,
      'ppo/learning_rate': update.learningRate,
      'ppo/grad_norm': update.gradNorm,
      'ppo/skipped_minibatches': update.skipped,
      'ppo/epochs': update.epochsRun,
      'tokens/queries_len_mean': meanOf((r) => r.query.length),
      'tokens/responses_len_mean': meanOf((r) => r.response.length),
    };
  }

  /** Frees the value head, the optimizer and the reference copy (not the policy or the reward). */
  dispose(): void {
    this.valueHead.dispose();
    this.optimizer.dispose();
    if (this.ownsReference) this.reference.dispose();
  }
}

/** What {@link PPOTrainer.rollout} returns. */
export interface Rollout {
  readonly rows: RolloutRow[];
  /** Each response's beta_eff and weighted variance, the batch's scale and floored share. */
  readonly weights: PenaltyWeights;
  /**
   * Seconds of each phase, in order: `generate` (prompt encoding, sampling, decoding), `score` (the
   * reward model and the training scores), `forward_pass` (log-probabilities and values),
   * `compute_rewards` (penalties and per-token rewards), `compute_advantages` (GAE, whitening).
   */
  readonly seconds: Readonly<Record<RolloutPhase, number>>;
}

/** The phases of {@link Rollout.seconds}. */
export type RolloutPhase =
  | 'generate'
  | 'score'
  | 'forward_pass'
  | 'compute_rewards'
  | 'compute_advantages';

/** Seconds per phase, each phase timed from the end of the one before (so they add up). */
class PhaseClock {
  private last = performance.now();
  readonly seconds: Record<string, number> = {};

  /** Ends `phase` now. */
  lap(phase: string): void {
    const now = performance.now();
    this.seconds[phase] = (now - this.last) / 1000;
    this.last = now;
  }
}

interface UpdateResult {
  minibatchStats: MinibatchStats[];
  skipped: number;
  epochsRun: number;
  learningRate: number;
  gradNorm: number;
}

type MinibatchStats = PPOLossStats;

// ---------------------------------------------------------------------------------------------
// The losses (TRL's `PPOTrainer.loss`)
// ---------------------------------------------------------------------------------------------

/** Inputs of {@link ppoLosses}: [batch, time] tensors; `mask` is 1 on real tokens. */
export interface PPOLossInput {
  readonly logprobs: tf.Tensor2D;
  readonly oldLogprobs: tf.Tensor2D;
  readonly values: tf.Tensor2D;
  readonly oldValues: tf.Tensor2D;
  readonly advantages: tf.Tensor2D;
  readonly returns: tf.Tensor2D;
  readonly mask: tf.Tensor2D;
  readonly clipRange: number;
  readonly clipRangeValue: number;
  readonly vfCoef: number;
  /** [batch, time, vocab], for the entropy stat (0 when absent). */
  readonly logits?: tf.Tensor3D;
}

/**
 * The names of {@link ppoLosses}'s stats, in the order of its `stats` tensor: policy loss, value
 * loss, loss, mean ratio, approx KL `0.5 mean((logp - logp_old)^2)`, policy KL
 * `mean(logp_old - logp)`, policy clip fraction, value clip fraction, mean value, value error
 * `mean((V - R)^2)`, entropy.
 */
export const PPO_LOSS_STATS = [
  'policyLoss',
  'valueLoss',
  'loss',
  'ratio',
  'approxkl',
  'policykl',
  'clipfrac',
  'valueClipfrac',
  'vpred',
  'valueError',
  'entropy',
] as const;

/** {@link ppoLosses}'s stats by name. */
export type PPOLossStats = Record<(typeof PPO_LOSS_STATS)[number], number>;

/** The values of `ppoLosses(...).stats` (one read of the tensor) by name. */
export function readLossStats(values: ArrayLike<number>): PPOLossStats {
  return Object.fromEntries(PPO_LOSS_STATS.map((k, i) => [k, values[i]!])) as PPOLossStats;
}

/**
 * The clipped surrogate and the clipped value loss, masked means over real tokens:
 * `ratio = exp(logp - logp_old)`,
 * `policy = mean(max(-A ratio, -A clip(ratio, 1 - eps, 1 + eps)))`,
 * `value = 0.5 mean(max((V - R)^2, (clip(V, V_old - eps_v, V_old + eps_v) - R)^2))`,
 * `loss = policy + vfCoef * value`. `stats` stacks the {@link PPO_LOSS_STATS} in their order
 * (one tensor, so that a minibatch reads its stats back once); {@link readLossStats} names them.
 */
export function ppoLosses(input: PPOLossInput): { loss: tf.Scalar; stats: tf.Tensor1D } {
  return tf.tidy(() => {
    const m = input.mask;
    const n = tf.maximum(tf.sum(m), 1);
    const mean = (x: tf.Tensor) => tf.div(tf.sum(tf.mul(x, m)), n) as tf.Scalar;
    const diff = tf.sub(input.logprobs, input.oldLogprobs);
    const ratio = tf.exp(diff);
    const a = input.advantages;
    const eps = input.clipRange;
    const pg1 = tf.mul(tf.neg(a), ratio);
    const pg2 = tf.mul(tf.neg(a), tf.clipByValue(ratio, 1 - eps, 1 + eps));
    const policy = mean(tf.maximum(pg1, pg2));
    const clipfrac = mean(tf.cast(tf.greater(pg2, pg1), 'float32'));
    const v = input.values;
    const lowV = tf.sub(input.oldValues, input.clipRangeValue);
    const highV = tf.add(input.oldValues, input.clipRangeValue);
    const vclipped = tf.minimum(tf.maximum(v, lowV), highV);
    const vf1 = tf.square(tf.sub(v, input.returns));
    const vf2 = tf.square(tf.sub(vclipped, input.returns));
    const value = tf.mul(0.5, mean(tf.maximum(vf1, vf2)));
    const valueClipfrac = mean(tf.cast(tf.greater(vf2, vf1), 'float32'));
    const loss = tf.add(policy, tf.mul(input.vfCoef, value)) as tf.Scalar;
    let entropy: tf.Tensor = tf.scalar(0);
    if (input.logits) entropy = mean(tokenEntropy(input.logits));
    const named: Record<(typeof PPO_LOSS_STATS)[number], tf.Tensor> = {
      policyLoss: policy,
      valueLoss: value,
      loss,
      ratio: mean(ratio),
      approxkl: tf.mul(0.5, mean(tf.square(diff))),
      policykl: mean(tf.neg(diff)),
      clipfrac,
      valueClipfrac,
      vpred: mean(v),
      valueError: mean(vf1),
      entropy,
    };
    const stats = tf.stack(PPO_LOSS_STATS.map((k) => named[k])).as1D();
    return { loss, stats: stats as tf.Tensor1D };
  });
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

function frozenCopy(policy: CausalLM): CausalLM {
  const copy = new CausalLM(policy.config, policy.readParams(), {
    tokenizer: policy.tokenizer,
    sourceDir: policy.sourceDir,
    companionFiles: policy.companionFiles,
  });
  for (const v of copy.variables.values()) v.trainable = false;
  return copy;
}

function checkFinite(row: readonly number[], what: string, index: number): void {
  const bad = row.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    throw new DivergenceError(
      `PPO rollout: the ${what} of response ${index} are not finite (token ${bad}: ${row[bad]}); the model's weights have diverged. Restart from the last checkpoint with a lower learningRate.`,
    );
  }
}
