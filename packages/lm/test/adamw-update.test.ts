// adamwUpdate on plain arrays: a hand-derived float64 step, torch.optim.AdamW's trajectory in both
// precisions, a strided column updated exactly as the same vector alone, and named errors.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adamwUpdate } from '../src/adamw-update.js';
import { FIXTURES, maxAbsDiff } from './helpers.js';

describe('adamwUpdate', () => {
  it('takes the PyTorch step in float64 (decoupled decay, bias correction)', () => {
    // Hand-computed: step 1 with g = 0.5 moves by lr * sign(g) after decaying p by lr * wd.
    const settings = { beta1: 0.9, beta2: 0.999, epsilon: 0, weightDecay: 0.01 };
    const p = Float64Array.from([1]);
    const m = new Float64Array(1);
    const v = new Float64Array(1);
    adamwUpdate(p, [0.5], m, v, 1, 0.1, settings);
    expect(p[0]).toBeCloseTo(1 * (1 - 0.001) - 0.1, 15);
    // Step 2 with g = -0.25: m = 0.9*0.05 - 0.025 = 0.02, v = 0.999*2.5e-4 + 0.001*0.0625.
    const before = p[0]!;
    adamwUpdate(p, [-0.25], m, v, 2, 0.1, settings);
    const mHat = (0.9 * 0.05 + 0.1 * -0.25) / (1 - 0.81);
    const vHat = (0.999 * 0.00025 + 0.001 * 0.0625) / (1 - 0.999 ** 2);
    expect(p[0]).toBeCloseTo(before * (1 - 0.001) - (0.1 * mHat) / Math.sqrt(vHat), 14);
  });

  it.each([
    ['float32', Float32Array],
    ['float64', Float64Array],
  ] as const)('follows torch.optim.AdamW for three steps in %s', (_, Type) => {
    const ref = JSON.parse(readFileSync(join(FIXTURES, 'adamw.json'), 'utf8')) as {
      start: [number[][], number[]];
      grads: [number[][], number[]][];
      after: [number[][], number[]][];
    };
    const settings = { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1 };
    const params = ref.start.map((p) => Type.from(p.flat()));
    const moments = params.map((p) => ({ m: new Type(p.length), v: new Type(p.length) }));
    ref.grads.forEach((grads, step) => {
      params.forEach((p, i) => {
        adamwUpdate(p, grads[i]!.flat(), moments[i]!.m, moments[i]!.v, step + 1, 0.01, settings);
        expect(maxAbsDiff(p, ref.after[step]![i]!.flat())).toBeLessThan(1e-6);
      });
    });
  });

  it('updates a strided column exactly as the same vector on its own', () => {
    const settings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };
    const dim = 7;
    const k = 3;
    const matrix = Float64Array.from({ length: dim * k }, (_, i) => Math.sin(i + 1));
    const column = Float64Array.from({ length: dim }, (_, i) => matrix[i * k + 2]!);
    const state = [0, 1].map(() => ({ m: new Float64Array(dim), v: new Float64Array(dim) }));
    for (let step = 1; step <= 5; step++) {
      const grad = Float64Array.from({ length: dim }, (_, i) => Math.cos(step * (i + 2)));
      adamwUpdate(matrix, grad, state[0]!.m, state[0]!.v, step, 0.05, settings, {
        offset: 2,
        stride: k,
      });
      adamwUpdate(column, grad, state[1]!.m, state[1]!.v, step, 0.05, settings);
    }
    expect(Array.from({ length: dim }, (_, i) => matrix[i * k + 2])).toEqual([...column]);
    // The other columns are untouched.
    expect(matrix[0]).toBe(Math.sin(1));
    expect(matrix[k * dim - 2]).toBe(Math.sin(k * dim - 1));
  });

  it('skips weight decay when told to and scales the gradient first', () => {
    const decayed = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 };
    const none = { ...decayed, weightDecay: 0 };
    const run = (settings: typeof decayed, options: { decay?: boolean; gradScale?: number }) => {
      const p = Float64Array.from([1, -2]);
      const g = options.gradScale ? [0.6, 0.2] : [0.3, 0.1];
      adamwUpdate(p, g, new Float64Array(2), new Float64Array(2), 1, 0.1, settings, options);
      return [...p];
    };
    expect(run(decayed, { decay: false })).toEqual(run(none, {}));
    expect(run(decayed, {})).not.toEqual(run(none, {}));
    expect(run(decayed, { gradScale: 0.5 })).toEqual(run(decayed, {}));
  });

  it('names the argument that does not fit', () => {
    const s = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };
    const m = new Float64Array(3);
    const p = new Float64Array(3);
    expect(() => adamwUpdate(p, [1, 2], m, new Float64Array(3), 1, 0.1, s)).toThrow(
      /adamwUpdate: argument 'grad'/,
    );
    expect(() => adamwUpdate(p, [1, 2, 3], m, new Float64Array(2), 1, 0.1, s)).toThrow(
      /adamwUpdate: argument 'v'/,
    );
    expect(() => adamwUpdate(p, [1, 2, 3], m, new Float64Array(3), 0, 0.1, s)).toThrow(
      /adamwUpdate: argument 'step'/,
    );
    expect(() =>
      adamwUpdate(p, [1, 2, 3], m, new Float64Array(3), 1, 0.1, s, { offset: 1, stride: 1 }),
    ).toThrow(/adamwUpdate: argument 'params'/);
  });
});
