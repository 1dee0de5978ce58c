import { readFileSync } from 'node:fs';
import { DivergenceError, Rng } from '@va/core';
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../src/backbone.js';
import { initEnsembleHeads, selectMembers } from '../src/ensemble-heads.js';
import { summarizeMembers } from '../src/ensemble-stats.js';
import { type PairFeatures, trainHeads } from '../src/head-trainer.js';

const matrix = (rows: number[][]): FeatureMatrix => ({
  rows: rows.length,
  dim: rows[0]!.length,
  data: Float32Array.from(rows.flat()),
});

/** Pairs whose preference follows a hidden linear reward w* (plus label noise). */
function synthetic(n: number, dim: number, seed: number): PairFeatures {
  const rng = new Rng(seed);
  const wStar = Array.from({ length: dim }, () => rng.normal());
  const chosen: number[][] = [];
  const rejected: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = Array.from({ length: dim }, () => rng.normal());
    const b = Array.from({ length: dim }, () => rng.normal());
    const margin = a.reduce((s, v, j) => s + (v - b[j]!) * wStar[j]!, 0);
    const aWins = rng.next() < 1 / (1 + Math.exp(-2 * margin));
    chosen.push(aWins ? a : b);
    rejected.push(aWins ? b : a);
  }
  return { chosen: matrix(chosen), rejected: matrix(rejected) };
}

describe('trainHeads', () => {
  it('matches torch.optim.AdamW on the additive Bradley-Terry loss (full batch, cosine)', () => {
    const ref = JSON.parse(
      readFileSync(new URL('./fixtures/head-training-reference.json', import.meta.url), 'utf8'),
    );
    const dim = ref.w0.length;
    const k = ref.w0[0].length;
    const result = trainHeads(
      { chosen: matrix(ref.chosen), rejected: matrix(ref.rejected) },
      { ...ref.config, k },
      {
        initialHeads: {
          dim,
          k,
          weight: Float64Array.from(ref.w0.flat()),
          bias: new Float64Array(k),
        },
      },
    );
    expect(result.totalSteps).toBe(20);
    const expected: number[] = ref.finalWeight.flat();
    expected.forEach((w, i) => {
      expect(result.heads.weight[i]).toBeCloseTo(w, 12);
    });
  });

  const data = synthetic(400, 8, 1);

  it('trains each member exactly as it would train alone (the loss is additive)', () => {
    for (const extra of [{}, { bootstrap: true }, { patience: 2, evalEvery: 5 }]) {
      const config = { k: 5, epochs: 3, seed: 11, learningRate: 0.05, ...extra };
      const joint = trainHeads(data, config);
      for (const member of [0, 3]) {
        const alone = trainHeads(data, config, { members: [member] });
        const column = selectMembers(joint.heads, [member]);
        expect([...alone.heads.weight]).toEqual([...column.weight]);
        expect(alone.reports[0]).toEqual(joint.reports[member]);
      }
    }
  });

  it('stops at the first weight beyond float32 or non-finite loss, naming the step and the cause', () => {
    // AdamW's first step moves each weight by about lr = 1e6; then its decoupled decay multiplies
    // it by (1 - lr * weightDecay) = -999 per step: |w| ~ 1e6 * 999^(n-1) passes float32's
    // 3.4e38 when n - 1 > log(3.4e32) / log(999) = 10.85, at step 12.
    const config = { k: 2, epochs: 20, learningRate: 1e6, seed: 1 };
    const attempt = () => trainHeads(data, config);
    expect(attempt).toThrow(DivergenceError);
    expect(attempt).toThrow(
      /^trainHeads: member 0 diverged at step 12 of 240: a weight reached -?\d\.\d+e\+38, beyond float32\. Likely cause: learningRate 1000000 is too high for these features \(the default is 0\.003\); lower it, or clip each gradient with maxGradNorm\.$/,
    );
    // The member that reaches it first is named (its own column alone diverges the same way).
    expect(() => trainHeads(data, config, { members: [1] })).toThrow(
      /member 1 diverged at step \d+ of 240/,
    );
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const a = trainHeads(data, { k: 3, epochs: 1, seed: 5 });
    const b = trainHeads(data, { k: 3, epochs: 1, seed: 5 });
    const c = trainHeads(data, { k: 3, epochs: 1, seed: 6 });
    expect([...a.heads.weight]).toEqual([...b.heads.weight]);
    expect([...a.heads.weight]).not.toEqual([...c.heads.weight]);
    expect(a.history).toEqual(b.history);
  });

  it('learns the preference and its members disagree by more than an offset', () => {
    const result = trainHeads(data, {
      k: 4,
      epochs: 10,
      learningRate: 0.02,
      seed: 3,
      validationFraction: 0.25,
    });
    expect(result.validationPairs).toBe(100);
    expect(result.ensembleAccuracy).toBeGreaterThan(0.75);
    for (const r of result.reports) expect(r.valAccuracy).toBeGreaterThan(0.7);
    // Variance over members of the reward difference on validation-like pairs is clearly > 0.
    const diff = matrix([[...Array(8)].map((_, i) => (i % 3) - 1)]);
    const scores = new Float64Array(4);
    for (let j = 0; j < 4; j++) {
      for (let i = 0; i < 8; i++) scores[j]! += diff.data[i]! * result.heads.weight[i * 4 + j]!;
    }
    expect(summarizeMembers(scores, 4).variance[0]).toBeGreaterThan(1e-4);
  });

  it('stops members early and keeps their best validation weights', () => {
    const logs: Record<string, number>[] = [];
    const result = trainHeads(
      data,
      { k: 2, epochs: 40, learningRate: 0.3, patience: 2, evalEvery: 10, validationFraction: 0.5 },
      { logger: { info() {}, warn() {}, metrics: (_s, v) => logs.push({ ...v }) } },
    );
    expect(result.reports.some((r) => r.stoppedEarly)).toBe(true);
    for (const r of result.reports) expect(r.keptStep).toBeLessThanOrEqual(r.steps);
    expect(logs.some((l) => 'ensemble/train/loss' in l)).toBe(true);
    expect(logs.some((l) => 'ensemble/val/accuracy/member_1' in l)).toBe(true);
  });

  it('rejects mismatched features and bad configs with named errors', () => {
    const bad = { chosen: data.chosen, rejected: matrix([[1, 2]]) };
    expect(() => trainHeads(bad)).toThrow(/trainHeads: argument 'rejected'/);
    expect(() => trainHeads(data, { batchSize: 0 })).toThrow(/HeadTrainingConfig.batchSize/);
    expect(() => trainHeads(data, { beta2: 1 })).toThrow(/HeadTrainingConfig.beta2: must be in/);
    expect(() => trainHeads(data, { lr: 1 } as never)).toThrow(/unknown key/);
    const heads = initEnsembleHeads(3, [0, 1], 0);
    expect(() => trainHeads(data, { k: 2 }, { initialHeads: heads })).toThrow(/initialHeads/);
  });
});
