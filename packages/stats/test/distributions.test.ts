import { ValidationError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { fisherF, standardNormal, studentT } from '../src/distributions.js';
import { expectClose, num, reference } from './reference.js';

const d = reference.distributions;
// The smallest positive double is 5e-324; below 1e-300 we only ask for "tiny".
const UNDERFLOW = 1e-300;

describe('studentT', () => {
  it('matches mpmath (50 digits) on sf and cdf to 1e-12 for df <= 1e3, 1e-9 beyond', () => {
    for (const r of d.t) {
      const dist = studentT(r.df);
      const tol = r.df <= 1000 ? 1e-12 : 1e-9;
      expectClose(dist.sf(r.x), r.sfExact, tol, `t.sf(${r.x}, ${r.df})`, UNDERFLOW);
      expectClose(dist.cdf(r.x), r.cdfExact, tol, `t.cdf(${r.x}, ${r.df})`, UNDERFLOW);
    }
  });

  it('matches scipy on sf and cdf to 1e-9', () => {
    for (const r of d.t) {
      const dist = studentT(r.df);
      expectClose(dist.sf(r.x), r.sf, 1e-9, `t.sf(${r.x}, ${r.df})`, UNDERFLOW);
      expectClose(dist.cdf(r.x), r.cdf, 1e-9, `t.cdf(${r.x}, ${r.df})`, UNDERFLOW);
    }
  });

  it('inverts the upper tail to 1e-12 of mpmath (1e-9 for df > 1e3), down to q = 1e-300', () => {
    for (const r of d.tQuantiles) {
      const dist = studentT(r.df);
      const tol = r.df <= 1000 ? 1e-12 : 1e-9;
      expectClose(dist.isf(r.q), r.isfExact, tol, `t.isf(${r.q}, ${r.df})`);
      expectClose(dist.ppf(r.q), -num(r.isfExact), tol, `t.ppf(${r.q}, ${r.df})`);
      if (r.scipyAgrees) expectClose(dist.isf(r.q), r.isf, 1e-9, `scipy t.isf(${r.q}, ${r.df})`);
    }
  });

  it('is symmetric and exact at the centre', () => {
    const dist = studentT(7.5);
    expect(dist.isf(0.5)).toBe(0);
    expect(dist.sf(0)).toBe(0.5);
    expect(dist.ppf(0.975)).toBeCloseTo(dist.isf(0.025), 12);
    expect(dist.sf(-2.3)).toBe(dist.cdf(2.3));
    expect(dist.isf(0)).toBe(Number.POSITIVE_INFINITY);
    expect(dist.ppf(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(dist.sf(Number.POSITIVE_INFINITY)).toBe(0);
  });
});

describe('fisherF', () => {
  it('matches mpmath on sf and cdf to 1e-11', () => {
    for (const r of d.f) {
      const dist = fisherF(r.df1, r.df2);
      const label = `(${r.x}; ${r.df1}, ${r.df2})`;
      expectClose(dist.sf(r.x), r.sfExact, 1e-11, `F.sf${label}`, UNDERFLOW);
      expectClose(dist.cdf(r.x), r.cdfExact, 1e-11, `F.cdf${label}`, UNDERFLOW);
      expectClose(dist.sf(r.x), r.sf, 1e-9, `scipy F.sf${label}`, UNDERFLOW);
      expectClose(dist.cdf(r.x), r.cdf, 1e-9, `scipy F.cdf${label}`, UNDERFLOW);
    }
  });

  it('inverts both tails to 1e-12 of mpmath, down to 1e-100', () => {
    for (const r of d.fQuantiles) {
      const dist = fisherF(r.df1, r.df2);
      const label = `(${r.q}; ${r.df1}, ${r.df2})`;
      expectClose(dist.isf(r.q), r.isfExact, 1e-12, `F.isf${label}`);
      expectClose(dist.ppf(r.q), r.ppfExact, 1e-12, `F.ppf${label}`, UNDERFLOW);
      if (r.isfScipyAgrees) expectClose(dist.isf(r.q), r.isf, 1e-9, `scipy F.isf${label}`);
      if (r.ppfScipyAgrees)
        expectClose(dist.ppf(r.q), r.ppf, 1e-9, `scipy F.ppf${label}`, UNDERFLOW);
    }
  });

  it("gives the paper's critical value F_0.95(79, 79) = 1.451", () => {
    const { scipy, exact } = reference.paper.fCritical95;
    const value = fisherF(79, 79).isf(0.05);
    expectClose(value, scipy, 1e-12, 'F_0.95(79, 79)');
    expectClose(value, exact, 1e-12, 'F_0.95(79, 79)');
    expect(value.toFixed(3)).toBe('1.451');
    expect(fisherF(79, 79).ppf(0.95)).toBeCloseTo(value, 14);
  });
});

describe('standardNormal', () => {
  it('matches mpmath and scipy on sf and cdf to 1e-12, down to 1e-300', () => {
    for (const r of d.normal) {
      expectClose(standardNormal.sf(r.x), r.sfExact, 1e-12, `norm.sf(${r.x})`);
      expectClose(standardNormal.cdf(r.x), r.cdfExact, 1e-12, `norm.cdf(${r.x})`);
      expectClose(standardNormal.sf(r.x), r.sf, 1e-12, `scipy norm.sf(${r.x})`);
    }
  });

  it('inverts the tail to 1e-13 of mpmath', () => {
    for (const r of d.normalQuantiles) {
      expectClose(standardNormal.isf(r.q), r.isfExact, 1e-13, `norm.isf(${r.q})`);
      expectClose(standardNormal.ppf(r.q), -num(r.isfExact), 1e-13, `norm.ppf(${r.q})`);
      if (r.scipyAgrees)
        expectClose(standardNormal.isf(r.q), r.isf, 1e-12, `scipy norm.isf(${r.q})`);
    }
  });
});

describe('quantile round trips', () => {
  const qs = [0.4999999, 0.3, 0.01, 1e-5, 1e-10, 1e-20, 1e-50, 1e-100, 1e-200, 1e-300, 0.99];
  const check = (label: string, x: number, back: (x: number) => number, q: number) => {
    if (x === Number.POSITIVE_INFINITY || x === 0) {
      // the root lies beyond the doubles: the tail at the last double has not reached q yet
      const edge = x === 0 ? Number.MIN_VALUE : Number.MAX_VALUE;
      expect(back(edge), `${label}: ${x} returned`).toBeGreaterThan(q);
    } else {
      expectClose(back(x), q, 1e-9, label);
    }
  };

  it('studentT: sf(isf(q)) = q and cdf(ppf(q)) = q from df 0.1 to 1e6', () => {
    for (const df of [0.1, 0.5, 1, 3, 20, 300, 1e4, 1e6]) {
      const dist = studentT(df);
      for (const q of qs) {
        check(`t.isf(${q}, ${df})`, dist.isf(q), (x) => dist.sf(x), q);
        const p = dist.ppf(q);
        if (p !== Number.NEGATIVE_INFINITY) expectClose(dist.cdf(p), q, 1e-9, `t.ppf(${q}, ${df})`);
      }
    }
  });

  it('fisherF: both tails invert, including roots beyond the doubles', () => {
    for (const [df1, df2] of [
      [0.1, 0.1],
      [0.5, 3],
      [1, 1],
      [4, 0.3],
      [79, 79],
      [1e4, 20],
      [3, 1e6],
      [1e5, 1e5],
    ] as const) {
      const dist = fisherF(df1, df2);
      for (const q of qs) {
        check(`F.isf(${q}; ${df1}, ${df2})`, dist.isf(q), (x) => dist.sf(x), q);
        check(`F.ppf(${q}; ${df1}, ${df2})`, dist.ppf(q), (x) => dist.cdf(x), q);
      }
    }
  });
});

describe('distribution arguments', () => {
  it('rejects bad degrees of freedom, probabilities and points', () => {
    expect(() => studentT(0)).toThrow(ValidationError);
    expect(() => studentT(Number.NaN)).toThrow(/studentT: argument 'df'/);
    expect(() => fisherF(3, -1)).toThrow(/fisherF: argument 'df2'/);
    expect(() => studentT(3).isf(1.5)).toThrow(/studentT.isf: argument 'q' .*got 1.5/);
    expect(() => fisherF(3, 4).ppf(-0.1)).toThrow(/fisherF.ppf: argument 'p'/);
    expect(() => standardNormal.sf(Number.NaN)).toThrow(/standardNormal.sf: argument 'x'/);
  });
});
