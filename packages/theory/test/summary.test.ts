import { describe, expect, it } from 'vitest';
import { summarize } from '../src/index.js';
import { reference } from './helpers.js';

describe('summarize', () => {
  it("matches numpy's mean, std (ddof 1) and linear quantiles", () => {
    const ref = reference.summary;
    const s = summarize(ref.values);
    for (const key of ['mean', 'std', 'q05', 'q25', 'median', 'q75', 'q95'] as const) {
      expect(s[key]).toBeCloseTo(ref[key], 14);
    }
    expect(s.min).toBe(1);
    expect(s.max).toBe(9);
    expect(s.count).toBe(8);
  });

  it('handles one value and rejects non-finite ones', () => {
    expect(summarize([2]).std).toBe(0);
    expect(() => summarize([1, Number.NaN])).toThrow(/summarize: argument 'values\[1\]'/);
  });
});
