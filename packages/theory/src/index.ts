export type { Constraint, PolicyOptions } from './checks.js';
export { chiSquareQuantile } from './distributions.js';
export {
  HeterogeneityConfig,
  type HeterogeneityResult,
  type HeterogeneitySweep,
  heterogeneitySweep,
  type VarianceInterval,
} from './heterogeneity.js';
export { confidenceRadius, lowerBound, type RadiusOptions } from './lower-bound.js';
export { matchedEpsilon, vanillaPolicy, varianceAwarePolicy } from './policies.js';
export { type UnderperformanceRisk, underperformanceRisk } from './risk.js';
export { type SharpeSolution, sharpePolicy, solveSharpe } from './sharpe.js';
export { SimplexSolver } from './simplex.js';
export {
  BanditConfig,
  type BanditSimulation,
  type SimulateBanditOptions,
  simulateBandit,
} from './simulate.js';
export { type Summary, summarize } from './summary.js';
