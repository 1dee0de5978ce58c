// Logits, hidden states, padded batches and gradients of tiny random checkpoints against the
// independent PyTorch implementation (scripts/torch_reference.py), to 1e-4.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { languageModelLoss } from '../src/train.js';
import { fixtureModel, maxAbsDiff, REFERENCE_CHECKPOINTS, useBackend } from './helpers.js';

const CASES = REFERENCE_CHECKPOINTS;

describe.each(['cpu', 'wasm'] as const)('PyTorch parity on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(CASES)('%s: logits and final hidden states match', async (name) => {
    const { model, expected } = await fixtureModel(name);
    const { logits, hiddenStates } = model.forward(expected.inputIds);
    expect(logits.shape).toEqual([2, 7, model.config.vocabSize]);
    expect(hiddenStates.shape).toEqual([2, 7, model.config.hiddenSize]);
    expect(maxAbsDiff(logits.dataSync(), expected.logits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(hiddenStates.dataSync(), expected.hiddenStates)).toBeLessThan(1e-4);
    tf.dispose([logits, hiddenStates]);
    model.dispose();
  });

  it.each(CASES)('%s: a left-padded row with its mask matches the reference', async (name) => {
    const { model, expected } = await fixtureModel(name);
    const { logits, hiddenStates } = model.forward(expected.paddedInputIds, {
      attentionMask: expected.paddedMask,
    });
    const got = logits.arraySync() as number[][][];
    const v = model.config.vocabSize;
    // Compare real positions only (padding queries attend to nothing real).
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 7; t++) {
        if (!expected.paddedMask[b]![t]) continue;
        const want = expected.paddedLogits.slice((b * 7 + t) * v, (b * 7 + t + 1) * v);
        expect(maxAbsDiff(got[b]![t]!, want)).toBeLessThan(1e-4);
      }
    }
    tf.dispose([logits, hiddenStates]);
    model.dispose();
  });

  it.each(CASES)('%s: loss and gradients match torch autograd', async (name) => {
    const { model, expected } = await fixtureModel(name);
    const vars = [...model.variables.values()];
    const { value, grads } = tf.variableGrads(
      () => languageModelLoss(model, expected.inputIds),
      vars,
    );
    expect(value.dataSync()[0]).toBeCloseTo(expected.loss, 4);
    for (const [param, want] of Object.entries(expected.grads)) {
      const v = model.param(param);
      let got = grads[v.name]!;
      // Linear weights are held [in, out]; the reference's gradient is [out, in].
      if (!param.startsWith('h.') && param.endsWith('proj.weight')) got = tf.transpose(got);
      expect(maxAbsDiff(got.dataSync(), want), param).toBeLessThan(1e-4);
    }
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });
});
