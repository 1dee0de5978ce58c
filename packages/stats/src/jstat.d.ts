// The part of jStat (https://github.com/jstat/jstat, no published types) this package calls:
// its quantile functions, used as starting points that `distributions.ts` refines, and its
// chi-square quantile.

declare module 'jstat' {
  interface JStatStatic {
    studentt: { inv(p: number, dof: number): number };
    centralF: { inv(p: number, df1: number, df2: number): number };
    normal: { inv(p: number, mean: number, std: number): number };
    chisquare: { inv(p: number, dof: number): number };
  }
  const jStat: JStatStatic;
  export default jStat;
}
