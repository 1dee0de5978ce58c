// Training: AdamW and clipping against torch, the schedule, gradients against finite differences,
// training steps on wasm (every op has its gradient there) without leaked tensors.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { formatNumber, type Logger, type Progress } from '@va/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, clipGradNorm } from '../src/adamw.js';
import { createCausalLM } from '../src/causal-lm.js';
import { learningRateAt } from '../src/learning-rate.js';
import { languageModelLoss, trainCausalLM, trainStep } from '../src/train.js';
import { FIXTURES, maxAbsDiff, TINY_GPT2, TINY_QWEN2, useBackend } from './helpers.js';

describe('AdamW and clipping (torch.optim.AdamW, clip_grad_norm_)', () => {
  const ref = JSON.parse(readFileSync(join(FIXTURES, 'adamw.json'), 'utf8')) as {
    start: [number[][], number[]];
    grads: [number[][], number[]][];
    after: [number[][], number[]][];
    clipNorm: number;
    clipped: [number[][], number[]];
  };
  beforeAll(() => useBackend('cpu'));

  it.each(['backend', 'host'] as const)(
    'three AdamW steps match torch (moments on the %s)',
    (stateOn) => {
      const vars = [tf.variable(tf.tensor2d(ref.start[0])), tf.variable(tf.tensor1d(ref.start[1]))];
      const opt = new AdamW(
        vars,
        { learningRate: 0.01, beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1, stateOn },
        () => true,
      );
      expect(opt.onHost).toBe(stateOn === 'host');
      const before = tf.memory().numTensors;
      ref.grads.forEach(([g0, g1], step) => {
        const grads = [tf.tensor2d(g0), tf.tensor1d(g1)];
        opt.step(grads);
        tf.dispose(grads);
        expect(maxAbsDiff(vars[0]!.dataSync(), ref.after[step]![0].flat())).toBeLessThan(1e-6);
        expect(maxAbsDiff(vars[1]!.dataSync(), ref.after[step]![1])).toBeLessThan(1e-6);
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(opt.steps).toBe(3);
      opt.dispose();
      tf.dispose(vars);
    },
  );

  it('clipping matches torch', () => {
    const grads = [tf.tensor2d(ref.grads[0]![0]), tf.tensor1d(ref.grads[0]![1])];
    const { grads: clipped, norm } = clipGradNorm(grads, 0.5);
    expect(norm).toBeCloseTo(ref.clipNorm, 5);
    expect(maxAbsDiff(clipped[0]!.dataSync(), ref.clipped[0].flat())).toBeLessThan(1e-6);
    expect(maxAbsDiff(clipped[1]!.dataSync(), ref.clipped[1])).toBeLessThan(1e-6);
    tf.dispose([...grads, ...clipped]);
  });

  it("follows Hugging Face's schedules: warmup from 0, cosine or linear decay", () => {
    // get_cosine_schedule_with_warmup / get_linear_schedule_with_warmup, by hand.
    const hf = { learningRate: 1, warmupSteps: 2, totalSteps: 10, schedule: 'cosine' as const };
    expect(learningRateAt(0, hf)).toBe(0);
    expect(learningRateAt(1, hf)).toBe(0.5);
    expect(learningRateAt(2, hf)).toBe(1);
    expect(learningRateAt(6, hf)).toBeCloseTo(0.5, 15);
    expect(learningRateAt(4, hf)).toBeCloseTo(0.5 * (1 + Math.SQRT1_2), 15);
    expect(learningRateAt(10, hf)).toBe(0);
    expect(learningRateAt(6, { ...hf, schedule: 'linear' })).toBeCloseTo(0.5, 15);
    expect(learningRateAt(9, { ...hf, schedule: 'linear' })).toBeCloseTo(0.125, 15);
    expect(learningRateAt(9, { ...hf, learningRate: 0.3, schedule: 'constant' })).toBe(0.3);
  });

  it('decays to the minimum learning rate (get_cosine_with_min_lr_schedule_with_warmup)', () => {
    const s = {
      learningRate: 1,
      minLearningRate: 0.1,
      warmupSteps: 10,
      totalSteps: 110,
      schedule: 'cosine' as const,
    };
    expect(learningRateAt(0, s)).toBe(0);
    expect(learningRateAt(5, s)).toBe(0.5);
    expect(learningRateAt(10, s)).toBe(1);
    expect(learningRateAt(60, s)).toBeCloseTo(0.55, 15);
    expect(learningRateAt(110, s)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(200, s)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(60, { ...s, schedule: 'linear' })).toBeCloseTo(0.55, 15);
    expect(learningRateAt(60, { ...s, schedule: 'constant' })).toBe(1);
  });
});

describe.each([
  [
    'gpt2',
    TINY_GPT2,
    ['wte.weight', 'wpe.weight', 'h.0.attn.c_attn.weight', 'h.1.ln_2.weight', 'h.0.mlp.c_fc.bias'],
  ],
  [
    'qwen2',
    TINY_QWEN2,
    [
      'model.embed_tokens.weight',
      'model.layers.0.self_attn.k_proj.bias',
      'model.layers.1.mlp.gate_proj.weight',
      'model.norm.weight',
    ],
  ],
] as const)('%s training', (_, config, names) => {
  beforeAll(() => useBackend('wasm'));
  const ids = [
    [3, 14, 15, 9, 26, 5, 35, 8],
    [2, 7, 18, 28, 18, 28, 45, 9],
  ];

  it('gradients match central finite differences', async () => {
    await useBackend('cpu');
    const model = createCausalLM({ ...config, initializer_range: 0.4 }, { seed: 2 });
    const vars = names.map((n) => model.param(n));
    const { grads, value } = tf.variableGrads(() => languageModelLoss(model, ids), vars);
    const lossAt = () => tf.tidy(() => languageModelLoss(model, ids).dataSync()[0]!);
    const eps = 1e-2;
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      const base = v.dataSync().slice();
      // The entry with the largest gradient and one more.
      const picks = [argmaxAbs(g), Math.floor(base.length / 3)];
      for (const i of picks) {
        const at = (x: number) => {
          const data = base.slice();
          data[i] = x;
          tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
          return lossAt();
        };
        const fd = (at(base[i]! + eps) - at(base[i]! - eps)) / (2 * eps);
        tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
        expect(Math.abs(fd - g[i]!), `${v.name} [${i}] fd ${fd} vs ${g[i]}`).toBeLessThan(
          2e-3 + 0.02 * Math.abs(fd),
        );
      }
    }
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
    await useBackend('wasm');
  });

  it('a training step on wasm lowers the loss and leaks nothing', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const model = createCausalLM(config, { seed: 3 });
    const opt = new AdamW(model.trainableVariables(), { learningRate: 3e-3 });
    trainStep(model, opt, { inputIds: ids }, { maxGradNorm: 1 }); // moments allocated
    const before = tf.memory().numTensors;
    const first = trainStep(model, opt, { inputIds: ids }, { maxGradNorm: 1 });
    expect(tf.memory().numTensors).toBe(before);
    let last = first;
    for (let i = 0; i < 15; i++)
      last = trainStep(model, opt, { inputIds: ids }, { maxGradNorm: 1 });
    expect(last.loss).toBeLessThan(first.loss - 0.3);
    expect(first.gradNorm).toBeGreaterThan(0);
    opt.dispose();
    model.dispose();
  });

  it('trainCausalLM logs its settings, namespaced metrics and progress', () => {
    const model = createCausalLM(config, { seed: 4 });
    const stream = Array.from({ length: 400 }, (_, i) => (i * 7) % 13);
    const info: string[] = [];
    const metrics: Record<string, number>[] = [];
    const logger: Logger = {
      info: (m) => info.push(m),
      warn: () => {},
      metrics: (_s, v) => metrics.push({ ...v }),
    };
    let progress: Progress | undefined;
    const res = trainCausalLM(
      model,
      { train: stream, validation: stream },
      {
        steps: 30,
        batchSize: 4,
        contextLength: 12,
        learningRate: 1e-2,
        warmupSteps: 3,
        logEvery: 10,
        evalEvery: 15,
        logger,
        onProgress: (p) => {
          progress = p;
        },
      },
    );
    expect(info[0]).toMatch(/^trainCausalLM: \{"steps":30/);
    expect(Object.keys(metrics[0]!)).toEqual([
      'train/loss',
      'train/lr',
      'train/grad_norm',
      'train/tokens_per_second',
    ]);
    expect(res.evalLosses.map((e) => e.step)).toEqual([15, 30]);
    expect(res.evalLosses[1]!.loss).toBeLessThan(res.evalLosses[0]!.loss);
    expect(res.losses).toHaveLength(30);
    // The last report: every step done, counted in steps, with the last step's loss.
    expect(progress).toEqual({
      task: 'train',
      done: 30,
      total: 30,
      unit: 'steps',
      detail: `loss ${formatNumber(res.losses[29]!)}`,
    });
    expect(() =>
      trainCausalLM(model, { train: [1, 2, 3] }, { steps: 1, contextLength: 8 }),
    ).toThrow(/sampleWindows: argument 'stream' must be at least 10 tokens/);
    model.dispose();
  });
});

function argmaxAbs(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (Math.abs(x[i]!) > Math.abs(x[best]!)) best = i;
  return best;
}
