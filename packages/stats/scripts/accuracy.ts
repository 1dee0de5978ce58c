// Measures, against the 50-digit mpmath values of test/fixtures/reference.json, the worst relative
// error of jStat used directly and of this package, for each tail and quantile family. It is the
// evidence behind README "Numerical accuracy". Run: npx tsx packages/stats/scripts/accuracy.ts

import { readFileSync } from 'node:fs';
import jStat from 'jstat';
import { fisherF, standardNormal, studentT } from '../src/index.js';

type Row = Record<string, number | string>;
const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/reference.json', import.meta.url), 'utf8'),
);
const d = fixture.distributions;
// biome-ignore lint/suspicious/noExplicitAny: jStat's untyped surface
const j = jStat as any;

const num = (v: number | string) =>
  v === 'Infinity' ? Number.POSITIVE_INFINITY : v === '-Infinity' ? Number.NEGATIVE_INFINITY : +v;
function rel(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (!Number.isFinite(actual) || Number.isNaN(actual)) return Number.POSITIVE_INFINITY;
  return Math.abs(actual - expected) / Math.abs(expected);
}

interface Family {
  name: string;
  rows: Row[];
  exact: (r: Row) => number;
  /** jStat as most code calls it: 1 - cdf for a tail, inv(1 - q) for an upper quantile. */
  jstat: (r: Row) => number;
  /** jStat's best direct form, where it has one (the lower tail at -t, ibeta on the small side). */
  jstatDirect?: (r: Row) => number;
  ours: (r: Row) => number;
}

const families: Family[] = [
  {
    name: 't sf (p >= 1e-300)',
    rows: d.t,
    exact: (r) => num(r.sfExact),
    jstat: (r) => 1 - j.studentt.cdf(+r.x, +r.df),
    jstatDirect: (r) => j.studentt.cdf(-r.x, +r.df),
    ours: (r) => studentT(+r.df).sf(+r.x),
  },
  {
    name: 't sf, df <= 1000',
    rows: d.t.filter((r: Row) => +r.df <= 1000),
    exact: (r) => num(r.sfExact),
    jstat: (r) => 1 - j.studentt.cdf(+r.x, +r.df),
    jstatDirect: (r) => j.studentt.cdf(-r.x, +r.df),
    ours: (r) => studentT(+r.df).sf(+r.x),
  },
  {
    name: 't isf (critical t)',
    rows: d.tQuantiles,
    exact: (r) => num(r.isfExact),
    jstat: (r) => j.studentt.inv(1 - +r.q, +r.df),
    ours: (r) => studentT(+r.df).isf(+r.q),
  },
  {
    name: 't isf, df <= 1000',
    rows: d.tQuantiles.filter((r: Row) => +r.df <= 1000),
    exact: (r) => num(r.isfExact),
    jstat: (r) => j.studentt.inv(1 - +r.q, +r.df),
    ours: (r) => studentT(+r.df).isf(+r.q),
  },
  {
    name: 'F sf',
    rows: d.f,
    exact: (r) => num(r.sfExact),
    jstat: (r) => 1 - j.centralF.cdf(+r.x, +r.df1, +r.df2),
    jstatDirect: (r) => j.ibeta(+r.df2 / (+r.df2 + +r.df1 * +r.x), +r.df2 / 2, +r.df1 / 2),
    ours: (r) => fisherF(+r.df1, +r.df2).sf(+r.x),
  },
  {
    name: 'F isf (critical F)',
    rows: d.fQuantiles,
    exact: (r) => num(r.isfExact),
    jstat: (r) => j.centralF.inv(1 - +r.q, +r.df1, +r.df2),
    ours: (r) => fisherF(+r.df1, +r.df2).isf(+r.q),
  },
  {
    name: 'normal sf',
    rows: d.normal,
    exact: (r) => num(r.sfExact),
    jstat: (r) => 1 - j.normal.cdf(+r.x, 0, 1),
    jstatDirect: (r) => j.normal.cdf(-r.x, 0, 1),
    ours: (r) => standardNormal.sf(+r.x),
  },
  {
    name: 'normal isf',
    rows: d.normalQuantiles,
    exact: (r) => num(r.isfExact),
    jstat: (r) => -j.normal.inv(+r.q, 0, 1),
    ours: (r) => standardNormal.isf(+r.q),
  },
];

console.log(
  'worst relative error against mpmath (50 digits)'.padEnd(42),
  '    jStat  jStat-direct  @va/stats',
);
for (const f of families) {
  for (const [band, keep] of [
    ['values >= 1e-10', (v: number) => Math.abs(v) >= 1e-10],
    ['values < 1e-10', (v: number) => Math.abs(v) < 1e-10 && v !== 0],
  ] as const) {
    const rows = f.rows.filter((r) => keep(f.exact(r)) && Number.isFinite(f.exact(r)));
    if (rows.length === 0) continue;
    const worst = (g: (r: Row) => number) => Math.max(...rows.map((r) => rel(g(r), f.exact(r))));
    const cell = (g?: (r: Row) => number) => (g ? worst(g).toExponential(1) : '-').padStart(9);
    console.log(
      `${f.name.padEnd(20)} ${band.padEnd(16)} n=${String(rows.length).padStart(3)} ` +
        `${cell(f.jstat)} ${cell(f.jstatDirect)} ${cell(f.ours)}`,
    );
  }
}
