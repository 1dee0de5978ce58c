// Argument checks shared by every package, so that bad input stops at the boundary with an error
// naming the function, the argument and the value, instead of travelling on as NaN.

import { ValidationError } from './errors.js';

/** Bounds for {@link checkNumber}; `exclusive*` make the bound strict. */
export interface NumberBounds {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  integer?: boolean;
}

function boundsText(b: NumberBounds): string {
  const kind = b.integer ? 'an integer' : 'a finite number';
  if (b.min !== undefined && b.max !== undefined) {
    const lo = b.exclusiveMin ? '(' : '[';
    const hi = b.exclusiveMax ? ')' : ']';
    return `${kind} in ${lo}${b.min}, ${b.max}${hi}`;
  }
  if (b.min !== undefined) return `${kind} ${b.exclusiveMin ? '>' : '>='} ${b.min}`;
  if (b.max !== undefined) return `${kind} ${b.exclusiveMax ? '<' : '<='} ${b.max}`;
  return kind;
}

/** Returns `value` if it is a finite number within `bounds`, else throws a {@link ValidationError}. */
export function checkNumber(
  where: string,
  argument: string,
  value: unknown,
  bounds: NumberBounds = {},
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!bounds.integer || Number.isInteger(value)) &&
    (bounds.min === undefined ||
      (bounds.exclusiveMin ? value > bounds.min : value >= bounds.min)) &&
    (bounds.max === undefined || (bounds.exclusiveMax ? value < bounds.max : value <= bounds.max));
  if (!ok) throw new ValidationError(where, argument, boundsText(bounds), value);
  return value as number;
}

/** Options of {@link checkVector}. */
export interface VectorChecks {
  /** Smallest accepted length (default 1). */
  minLength?: number;
  /** Exact length required. */
  length?: number;
  /** Name of the argument whose length must match, for the message. */
  lengthOf?: string;
  /** Per-element bounds (finite is always required). */
  element?: NumberBounds;
}

/**
 * Copies an `ArrayLike<number>` into a `Float64Array`, checking every element is finite (and within
 * `element` bounds), and the length. The error names the first offending index.
 */
export function checkVector(
  where: string,
  argument: string,
  values: unknown,
  checks: VectorChecks = {},
): Float64Array {
  if (
    values === null ||
    typeof values !== 'object' ||
    typeof (values as ArrayLike<number>).length !== 'number'
  ) {
    throw new ValidationError(where, argument, 'an array of numbers', values);
  }
  const arr = values as ArrayLike<unknown>;
  const minLength = checks.minLength ?? 1;
  if (checks.length !== undefined && arr.length !== checks.length) {
    const of = checks.lengthOf ? ` (the length of '${checks.lengthOf}')` : '';
    throw new ValidationError(where, argument, `of length ${checks.length}${of}`, values);
  }
  if (arr.length < minLength) {
    throw new ValidationError(where, argument, `an array of at least ${minLength} numbers`, values);
  }
  const out = new Float64Array(arr.length);
  const bounds = checks.element ?? {};
  for (let i = 0; i < arr.length; i++) {
    out[i] = checkNumber(where, `${argument}[${i}]`, arr[i], bounds);
  }
  return out;
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(
  where: string,
  argument: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    throw new ValidationError(
      where,
      argument,
      `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
      value,
    );
  }
  return value as T;
}
