// The options every hypothesis test takes (alternative, alpha), their checks, and the sample check
// they share.

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
