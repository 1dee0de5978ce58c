// The options every hypothesis test takes (alternative, alpha), their checks, and the sample
// summaries the tests share (mean, unbiased variance), written to be exact on constant samples.

import { checkNumber, checkOneOf, checkVector, ValidationError } from '@va/core';

/** The alternative hypothesis. `'greater'`: the quantity of sample A exceeds that of sample B. */
export type Alternative = 'two-sided' | 'less' | 'greater';

/** Options of every test in this package. */
export interface TestOptions {
  /** The alternative hypothesis (default `'two-sided'`). */
  alternative?: Alternative;
  /** The significance level, in (0, 1) (default 0.05). */
  alpha?: number;
}

/** The alternatives, in the order the docs list them. */
export const ALTERNATIVES: readonly Alternative[] = Object.freeze(['two-sided', 'less', 'greater']);

/** The defaults of {@link TestOptions}. */
export const DEFAULT_TEST_OPTIONS: Readonly<Required<TestOptions>> = Object.freeze({
  alternative: 'two-sided',
  alpha: 0.05,
});

/** Fills defaults and rejects unknown keys, unknown alternatives and alpha outside (0, 1). */
export function resolveTestOptions(where: string, options: unknown): Required<TestOptions> {
  if (options === undefined) return { ...DEFAULT_TEST_OPTIONS };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(where, 'options', 'an object { alternative?, alpha? }', options);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'alternative' && key !== 'alpha') {
      throw new ValidationError(
        where,
        `options.${key}`,
        'absent (known options: alternative, alpha)',
        (options as Record<string, unknown>)[key],
      );
    }
  }
  const { alternative, alpha } = options as TestOptions;
  return {
    alternative:
      alternative === undefined
        ? DEFAULT_TEST_OPTIONS.alternative
        : checkOneOf(where, 'options.alternative', alternative, ALTERNATIVES),
    alpha:
      alpha === undefined
        ? DEFAULT_TEST_OPTIONS.alpha
        : checkNumber(where, 'options.alpha', alpha, {
            min: 0,
            max: 1,
            exclusiveMin: true,
            exclusiveMax: true,
          }),
  };
}

/**
 * Checks a sample (array-like, finite values, at least `minLength` of them) and copies it.
 * `minLength` is 2 wherever a sample variance is needed.
 */
export function checkSample(
  where: string,
  argument: string,
  values: unknown,
  minLength: number,
): Float64Array {
  const length = (values as ArrayLike<number> | null | undefined)?.length;
  if (typeof length === 'number' && length < minLength) {
    const need = minLength === 2 ? ': a sample variance needs at least two values' : '';
    throw new ValidationError(
      where,
      argument,
      `an array of at least ${minLength} finite numbers`,
      values,
      `Pass a larger sample${need}`,
    );
  }
  return checkVector(where, argument, values, { minLength });
}

/** True when every value equals the first (such a sample has variance exactly 0). */
export function isConstant(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/** The mean, by compensated (Neumaier) summation; exact on constant samples. */
export function mean(x: Float64Array): number {
  if (isConstant(x)) return x[0]!;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return (sum + compensation) / x.length;
}

/**
 * The unbiased sample variance (divisor n - 1) by the corrected two-pass algorithm; exactly 0 on a
 * constant sample, where the rounded mean would otherwise leave a spurious 1e-34.
 */
export function sampleVariance(x: Float64Array, m = mean(x)): number {
  if (isConstant(x)) return 0;
  let squares = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    squares += d * d;
    sum += d;
  }
  return (squares - (sum * sum) / x.length) / (x.length - 1);
}

/** n, mean and unbiased variance of a checked sample. */
export interface SampleSummary {
  n: number;
  mean: number;
  variance: number;
}

/**
 * The mean and variance of a sample checked by {@link checkSample}, throwing when values so large
 * that their sum or squared deviations overflow (or so close together, below 1e-154 apart, that
 * the squares underflow) would turn into Infinity, NaN or a false zero variance further on.
 */
export function summarize(where: string, argument: string, x: Float64Array): SampleSummary {
  const m = mean(x);
  const variance = sampleVariance(x, m);
  if (!Number.isFinite(m) || !Number.isFinite(variance)) {
    throw new ValidationError(
      where,
      argument,
      'values whose mean and variance are finite in double precision',
      x,
      'Rescale the sample (its squared deviations overflow)',
    );
  }
  if (variance === 0 && !isConstant(x)) {
    throw new ValidationError(
      where,
      argument,
      'values whose variance is representable in double precision',
      x,
      'Rescale the sample (its squared deviations underflow to 0 although it is not constant)',
    );
  }
  return { n: x.length, mean: m, variance };
}
