// What PPO needs of @va/lm beyond training: the reference policy as the same model with its LoRA
// adapter switched off, and an optimizer state that a checkpoint can save and restore exactly.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../src/adamw.js';
import { createCausalLM } from '../src/causal-lm.js';
import { trainStep } from '../src/train.js';
import { maxAbsDiff, TINY_GPT2, useBackend } from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const ids = [
  [3, 14, 15, 9, 26, 5, 35, 8],
  [2, 7, 18, 28, 18, 28, 45, 9],
];

const logitsOf = (model: ReturnType<typeof createCausalLM>) => {
  const out = model.forward(ids);
  const data = out.logits.dataSync().slice();
  tf.dispose(out);
  return data;
};

describe('CausalLM.withoutLora', () => {
  it("gives the base model's logits while the adapter is trained, and switches it back on", () => {
    const model = createCausalLM({ ...TINY_GPT2, initializer_range: 0.2 }, { seed: 1 });
    const base = logitsOf(model);
    model.addLora({ r: 4, alpha: 8, seed: 3 });
    const opt = new AdamW(model.trainableVariables(), { learningRate: 1e-2 });
    for (let i = 0; i < 5; i++) trainStep(model, opt, { inputIds: ids });
    opt.dispose();
    const adapted = logitsOf(model);
    expect(maxAbsDiff(adapted, base)).toBeGreaterThan(1e-3);
    const before = tf.memory().numTensors;
    expect(
      maxAbsDiff(
        model.withoutLora(() => logitsOf(model)),
        base,
      ),
    ).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.lora!.enabled).toBe(true);
    expect(maxAbsDiff(logitsOf(model), adapted)).toBe(0);
    // Switched back on even when the function throws.
    expect(() =>
      model.withoutLora(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(model.lora!.enabled).toBe(true);
    model.dispose();
  });

  it('just runs the function on a model without an adapter', () => {
    const model = createCausalLM(TINY_GPT2, { seed: 1 });
    expect(
      maxAbsDiff(
        model.withoutLora(() => logitsOf(model)),
        logitsOf(model),
      ),
    ).toBe(0);
    model.dispose();
  });
});

describe('AdamW.state / loadState', () => {
  it.each(['host', 'backend'] as const)(
    'a restored optimizer (%s moments) continues bit for bit like the uninterrupted one',
    (stateOn) => {
      const a = createCausalLM(TINY_GPT2, { seed: 4 });
      const optA = new AdamW(a.trainableVariables(), { learningRate: 3e-3, stateOn });
      for (let i = 0; i < 3; i++) trainStep(a, optA, { inputIds: ids });
      const state = optA.state();
      expect(state.step).toBe(3);
      expect(state.m.some((m) => m.some((x) => x !== 0))).toBe(true);
      // A second model from the same weights, with a fresh optimizer given that state.
      const b = createCausalLM(TINY_GPT2, { seed: 99 });
      for (const [name, p] of a.readParams()) {
        b.param(name).assign(tf.tensor(p.data, p.shape));
      }
      const optB = new AdamW(b.trainableVariables(), { learningRate: 3e-3, stateOn });
      optB.loadState(state);
      for (let i = 0; i < 2; i++) {
        trainStep(a, optA, { inputIds: ids });
        trainStep(b, optB, { inputIds: ids });
      }
      for (const [name, p] of a.readParams()) {
        expect(maxAbsDiff(b.param(name).dataSync(), p.data), name).toBe(0);
      }
      expect(() => optB.loadState({ ...state, m: state.m.slice(1) })).toThrow(
        /AdamW.loadState: argument 'state.m' must be \d+ arrays/,
      );
      for (const x of [optA, optB, a, b]) x.dispose();
    },
  );
});
