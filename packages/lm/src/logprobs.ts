// Per-token log-probabilities of given tokens under a causal LM: the quantities PPO's ratio and its
// reference penalty are made of (TRL's logprobs_from_logits), differentiable.

import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@va/core';
import type { CausalLM, ForwardOptions } from './causal-lm.js';
import { toRows } from './mask.js';
import { pickLogProbs } from './ops.js';

/** Log-probabilities of continuations (see {@link continuationLogProbs}). */
export interface ContinuationLogProbs {
  /** [batch, length]: log p(continuation token | prompt, earlier tokens); 0 on padding. */
  logprobs: tf.Tensor2D;
  /** [batch, length]: 1 where the continuation has a token, 0 on padding. */
  mask: tf.Tensor2D;
  /** [batch, length, hidden]: hidden states at the positions that predict each token. */
  hiddenStates: tf.Tensor3D;
  /** [batch, length, vocab], when asked for (`logits: true`). */
  logits?: tf.Tensor3D;
}

/** Options of {@link continuationLogProbs}. */
export interface ContinuationOptions {
  /** LoRA dropout on (training). */
  training?: boolean;
  /** Also return the logits (entropies, KL estimators that need the full distribution). */
  logits?: boolean;
  /** Id written in padded slots (masked out; default 0). */
  padTokenId?: number;
}

/**
 * log p(x[t+1] | x[..t]) for t = 0 .. time-2: [batch, time - 1]; 0 where the target is padding.
 * The last token is only a target, so a window of n_positions + 1 tokens fits GPT-2.
 */
export function tokenLogProbs(
  model: CausalLM,
  inputIds: number[][] | tf.Tensor2D,
  options: Pick<ForwardOptions, 'attentionMask' | 'positionIds' | 'training'> = {},
): tf.Tensor2D {
  const where = 'CausalLM.tokenLogProbs';
  const ids = toRows(where, 'inputIds', inputIds);
  const b = ids.length;
  const t = ids[0]!.length;
  if (t < 2) throw new ValidationError(where, 'inputIds', 'rows of at least two tokens', ids[0]);
  const mask = options.attentionMask
    ? toRows(where, 'options.attentionMask', options.attentionMask)
    : undefined;
  const positions = options.positionIds
    ? toRows(where, 'options.positionIds', options.positionIds)
    : undefined;
  const hidden = model.hiddenStates(
    ids.map((r) => r.slice(0, -1)),
    {
      ...(mask ? { attentionMask: mask.map((r) => r.slice(0, -1)) } : {}),
      ...(positions ? { positionIds: positions.map((r) => r.slice(0, -1)) } : {}),
      ...(options.training !== undefined ? { training: options.training } : {}),
    },
  );
  return tf.tidy(() => {
    const logits = model.logitsOf(tf.reshape(hidden, [b * (t - 1), -1])) as tf.Tensor2D;
    hidden.dispose();
    const targets = tf.tensor1d(
      ids.flatMap((r) => r.slice(1)),
      'int32',
    );
    const lp = tf.reshape(pickLogProbs(logits, targets), [b, t - 1]) as tf.Tensor2D;
    if (!mask) return lp;
    return tf.mul(lp, tf.tensor2d(mask.map((r) => r.slice(1)))) as tf.Tensor2D;
  });
}

/**
 * Log-probabilities of `continuations` after `prompts` (token ids, any lengths): the prompts are
 * left-padded and the continuations right-padded into one batch, so position p-1 .. p+l-2 predict
 * the continuation. Returns the log-probabilities, their mask and the hidden states that predict
 * each token (a value head's input); the caller disposes them.
 */
export function continuationLogProbs(
  model: CausalLM,
  prompts: readonly (readonly number[])[],
  continuations: readonly (readonly number[])[],
  options: ContinuationOptions = {},
): ContinuationLogProbs {
  const where = 'CausalLM.continuationLogProbs';
  if (prompts.length === 0 || prompts.length !== continuations.length) {
    throw new ValidationError(
      where,
      'continuations',
      `${prompts.length} rows (one per prompt)`,
      continuations.length,
    );
  }
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new ValidationError(where, `prompts[${i}]`, 'at least one token', p);
  });
  const pad = options.padTokenId ?? 0;
  const p = Math.max(...prompts.map((r) => r.length));
  const l = Math.max(1, ...continuations.map((r) => r.length));
  const fill = (n: number, v: number) => new Array<number>(n).fill(v);
  const ids = prompts.map((r, i) => {
    const c = continuations[i]!;
    return [...fill(p - r.length, pad), ...r, ...c, ...fill(l - c.length, pad)];
  });
  const mask = prompts.map((r, i) => {
    const c = continuations[i]!.length;
    return [...fill(p - r.length, 0), ...fill(r.length + c, 1), ...fill(l - c, 0)];
  });
  const b = ids.length;
  // The last position only serves as a target.
  const hidden = model.hiddenStates(
    ids.map((r) => r.slice(0, -1)),
    {
      attentionMask: mask.map((r) => r.slice(0, -1)),
      ...(options.training !== undefined ? { training: options.training } : {}),
    },
  );
  return tf.tidy(() => {
    const d = model.config.hiddenSize;
    const hs = tf.slice(hidden, [0, p - 1, 0], [b, l, d]) as tf.Tensor3D;
    hidden.dispose();
    const logits = model.logitsOf(tf.reshape(hs, [b * l, d])) as tf.Tensor2D;
    const targets = tf.tensor1d(
      ids.flatMap((r) => r.slice(p, p + l)),
      'int32',
    );
    const m = tf.tensor2d(
      mask.map((r) => r.slice(p, p + l)),
      [b, l],
    );
    const logprobs = tf.mul(tf.reshape(pickLogProbs(logits, targets), [b, l]), m) as tf.Tensor2D;
    const out: ContinuationLogProbs = { logprobs, mask: m, hiddenStates: hs };
    if (options.logits) out.logits = tf.reshape(logits, [b, l, model.config.vocabSize]);
    return out as unknown as tf.TensorContainerObject;
  }) as unknown as ContinuationLogProbs;
}
