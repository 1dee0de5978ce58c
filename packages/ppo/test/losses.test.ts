import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PPO_LOSS_STATS, ppoLosses, readLossStats } from '../src/trainer.js';

const t = (rows: number[][]) => tf.tensor2d(rows);
/** The inputs of the hand derivation below. */
const handCase = () => ({
  logprobs: t([[-1, -0.5, -2]]),
  oldLogprobs: t([[-1.2, -0.5, -1]]),
  advantages: t([[1, -1, 2]]),
  values: t([[0.5, 0, 1]]),
  oldValues: t([[0.2, 0.1, 1.5]]),
  returns: t([[1, -0.5, 1.2]]),
  mask: t([[1, 1, 1]]),
  clipRange: 0.2,
  clipRangeValue: 0.2,
  vfCoef: 0.1,
});

describe('ppoLosses', () => {
  it('matches a hand derivation of the clipped surrogate and the clipped value loss', () => {
    // ratio = [e^0.2, 1, e^-1]; clipped to [0.8, 1.2]: [1.2, 1, 0.8].
    // -A ratio = [-1.221403, 1, -0.735759]; -A clip = [-1.2, 1, -1.6]; max = [-1.2, 1, -0.735759]
    // policy loss = (-1.2 + 1 - 0.735759) / 3; clip fraction 1/3 (only token 0 clipped).
    // values: clip(V, V_old -+ 0.2) = [0.4, 0, 1.3]; (V - R)^2 = [0.25, 0.25, 0.04];
    // (Vclip - R)^2 = [0.36, 0.25, 0.01]; max = [0.36, 0.25, 0.04]: value loss 0.5 * 0.65 / 3.
    const { loss, stats } = ppoLosses(handCase());
    const policy = (-1.2 + 1 - 2 * Math.exp(-1)) / 3;
    const value = (0.5 * 0.65) / 3;
    const s = stats.dataSync();
    const expected = [
      policy,
      value,
      policy + 0.1 * value,
      (Math.exp(0.2) + 1 + Math.exp(-1)) / 3, // mean ratio
      (0.5 * (0.04 + 0 + 1)) / 3, // approx KL
      (-0.2 + 0 + 1) / 3, // policy KL
      1 / 3,
      1 / 3,
      1.5 / 3, // mean value
      0.54 / 3, // value error
      0, // no logits: no entropy
    ];
    for (let i = 0; i < expected.length; i++) {
      expect(s[i], `stat ${i}`).toBeCloseTo(expected[i]!, 5);
    }
    expect(loss.dataSync()[0]).toBeCloseTo(policy + 0.1 * value, 5);
  });

  it('ignores masked tokens, and gives the entropy of the logits', () => {
    const base = {
      logprobs: t([[-1, 5]]),
      oldLogprobs: t([[-1, 0]]),
      advantages: t([[2, 100]]),
      values: t([[1, 50]]),
      oldValues: t([[1, 0]]),
      returns: t([[3, -9]]),
      mask: t([[1, 0]]),
      clipRange: 0.2,
      clipRangeValue: 10,
      vfCoef: 0.5,
      logits: tf.tensor3d([
        [
          [0, 0, 0, 0],
          [1, 2, 3, 4],
        ],
      ]),
    };
    const s = ppoLosses(base).stats.dataSync();
    expect(s[0]).toBeCloseTo(-2, 6); // ratio 1: -A
    expect(s[1]).toBeCloseTo(0.5 * 4, 6);
    expect(s[10]).toBeCloseTo(Math.log(4), 5); // uniform over 4 tokens
  });

  it('names its stats: readLossStats reads the tensor in PPO_LOSS_STATS order', () => {
    const { stats } = ppoLosses(handCase());
    const named = readLossStats(stats.dataSync());
    expect(Object.keys(named)).toEqual([...PPO_LOSS_STATS]);
    // The hand values of the first test, by name.
    const policy = (-1.2 + 1 - 2 * Math.exp(-1)) / 3;
    expect(named.policyLoss).toBeCloseTo(policy, 5);
    expect(named.loss).toBeCloseTo(policy + (0.1 * 0.65 * 0.5) / 3, 5);
    expect(named.ratio).toBeCloseTo((Math.exp(0.2) + 1 + Math.exp(-1)) / 3, 5);
    expect(named.policykl).toBeCloseTo(0.8 / 3, 5);
    expect(named.vpred).toBeCloseTo(0.5, 5);
    expect(named.valueError).toBeCloseTo(0.18, 5);
    expect(named.entropy).toBe(0);
  });

  it('lets gradients through the unclipped side only', () => {
    const lp = tf.variable(t([[-1, -1]]));
    const grads = tf
      .variableGrads(
        () =>
          ppoLosses({
            logprobs: lp,
            oldLogprobs: t([[-1.5, -1]]), // ratio e^0.5 (clipped at 1.2) and 1
            advantages: t([[1, 1]]),
            values: t([[0, 0]]),
            oldValues: t([[0, 0]]),
            returns: t([[0, 0]]),
            mask: t([[1, 1]]),
            clipRange: 0.2,
            clipRangeValue: 0.2,
            vfCoef: 0,
          }).loss,
        [lp],
      )
      .grads[lp.name]!.dataSync();
    // Token 0: A > 0 and ratio above 1 + eps: the clipped term wins, no gradient.
    // Token 1: d/dlp of -A exp(lp - old) / 2 at ratio 1 = -0.5.
    expect(grads[0]).toBeCloseTo(0, 6);
    expect(grads[1]).toBeCloseTo(-0.5, 6);
  });
});
