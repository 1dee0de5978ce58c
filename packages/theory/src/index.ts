export type { Constraint, PolicyOptions } from './checks.js';
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
export {
  BanditConfig,
  type BanditSimulation,
  type SimulateBanditOptions,
  simulateBandit,
} from './simulate.js';
