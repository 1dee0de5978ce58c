import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { checkNumber, checkOneOf, checkVector } from '../src/validate.js';

describe('checkVector', () => {
  it('copies into a Float64Array', () => {
    const v = checkVector('f', 'x', [1, 2, 3]);
    expect(v).toBeInstanceOf(Float64Array);
    expect(Array.from(v)).toEqual([1, 2, 3]);
  });

  it('names the first bad index', () => {
    expect(() => checkVector('welchTTest', 'a', [1, Number.NaN])).toThrow(
      "welchTTest: argument 'a[1]' must be a finite number, got NaN",
    );
    expect(() =>
      checkVector('f', 'sigma2', [1, 0], { element: { min: 0, exclusiveMin: true } }),
    ).toThrow("f: argument 'sigma2[1]' must be a finite number > 0, got 0");
  });

  it('checks lengths', () => {
    expect(() => checkVector('f', 'a', [1], { minLength: 2 })).toThrow(/at least 2 numbers/);
    expect(() => checkVector('f', 'b', [1, 2], { length: 3, lengthOf: 'a' })).toThrow(
      /of length 3 \(the length of 'a'\), got array of length 2/,
    );
    expect(() => checkVector('f', 'a', 'abc')).toThrow(ValidationError);
    expect(() => checkVector('f', 'a', null)).toThrow(/an array of numbers, got null/);
  });
});

describe('checkNumber / checkOneOf', () => {
  it('applies bounds', () => {
    expect(
      checkNumber('f', 'alpha', 0.05, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }),
    ).toBe(0.05);
    expect(() =>
      checkNumber('f', 'alpha', 1, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }),
    ).toThrow("f: argument 'alpha' must be a finite number in (0, 1), got 1");
    expect(() => checkNumber('f', 'n', 2.5, { integer: true, min: 0 })).toThrow(
      /an integer >= 0, got 2.5/,
    );
    expect(() => checkOneOf('f', 'alternative', 'both', ['less', 'greater'])).toThrow(
      "f: argument 'alternative' must be one of 'less', 'greater', got \"both\"",
    );
  });
});
