// Loads the scipy/statsmodels/mpmath reference values that scripts/reference.py wrote, and the
// tolerance check the tests share.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** JSON numbers, with infinities written as strings by the script. */
export type Num = number | 'Infinity' | '-Infinity';

export function num(v: Num): number {
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return v;
}

// biome-ignore lint/suspicious/noExplicitAny: the fixture's shape is documented by the script
export const reference: any = JSON.parse(
  readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8'),
);

/** The relative error of `actual` against `expected` (0 when equal, infinities included). */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/**
 * Expects `actual` within `relative` of `expected`, or within `absolute` (for values that
 * underflow to 0 or sit at 0), with a message naming the case.
 */
export function expectClose(
  actual: number,
  expected: Num,
  relative: number,
  label: string,
  absolute = 0,
): void {
  const e = num(expected);
  const ok =
    actual === e || Math.abs(actual - e) <= absolute || relativeError(actual, e) <= relative;
  expect(
    ok,
    `${label}: got ${actual}, expected ${e} (relative error ${relativeError(actual, e)})`,
  ).toBe(true);
}

/** numpy's sample statistics and scipy's chi-square quantiles (scripts/sample_reference.py). */
// biome-ignore lint/suspicious/noExplicitAny: the fixture's shape is documented by the script
export const sampleReference: any = JSON.parse(
  readFileSync(new URL('./fixtures/sample-reference.json', import.meta.url), 'utf8'),
);
