// Argument checks shared by the theorems: vectors of one length, positive variances, distributions,
// and the constraint option, each failing with a ValidationError that names function and argument.

import { checkNumber, checkOneOf, checkVector, ValidationError } from '@va/core';

/** Which set the policy lives in: the paper's free vectors, or probability vectors. */
export type Constraint = 'free' | 'simplex';

/** Options of the constrained policies. */
export interface PolicyOptions {
  /**
   * `'free'` (default): the paper's closed forms, `pi` any vector. `'simplex'`: the same problem
   * restricted to probability vectors (sum to one, non-negative), solved exactly.
   */
  readonly constraint?: Constraint;
}

/** How far from one a distribution's sum may be. */
export const SUM_TOLERANCE = 1e-9;

export function checkConstraint(where: string, options: PolicyOptions | undefined): Constraint {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ValidationError(
      where,
      'options',
      "an object such as { constraint: 'simplex' }",
      options,
    );
  }
  return checkOneOf(where, 'options.constraint', options?.constraint ?? 'free', [
    'free',
    'simplex',
  ]);
}

/** A finite vector; `length`/`lengthOf` when it must match another argument. */
export function vector(
  where: string,
  name: string,
  values: unknown,
  length?: number,
  lengthOf?: string,
): Float64Array {
  return checkVector(where, name, values, { length, lengthOf });
}

/** Variances: finite and strictly positive. */
export function variances(
  where: string,
  name: string,
  values: unknown,
  length?: number,
  lengthOf?: string,
): Float64Array {
  return checkVector(where, name, values, {
    length,
    lengthOf,
    element: { min: 0, exclusiveMin: true },
  });
}

/** A probability vector: non-negative entries summing to one (within {@link SUM_TOLERANCE}). */
export function distribution(
  where: string,
  name: string,
  values: unknown,
  length?: number,
  lengthOf?: string,
): Float64Array {
  const p = checkVector(where, name, values, { length, lengthOf, element: { min: 0 } });
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += p[i]!;
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new ValidationError(
      where,
      name,
      'a probability distribution (non-negative, summing to 1)',
      values,
      `Its entries sum to ${sum}; divide by the sum, or use { constraint: 'free' }`,
    );
  }
  return p;
}

export function nonNegative(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, { min: 0 });
}

export function positive(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, { min: 0, exclusiveMin: true });
}
