export {
  type ContinuousDistribution,
  chiSquareQuantile,
  fisherF,
  standardNormal,
  studentT,
} from './distributions.js';
export type { Alternative, TestOptions } from './options.js';
export {
  type ProtocolSamples,
  type ProtocolTables,
  ProtocolTablesConfig,
  protocolTables,
  protocolTablesMarkdown,
} from './protocol-tables.js';
export {
  type EmpiricalRisk,
  empiricalRisk,
  pairwiseRisk,
  RiskConfig,
  type RiskEstimate,
  shareBelowMean,
} from './risk.js';
export { mean, quantile, type SampleSummary, summarize, variance } from './summarize.js';
export { type TwoProportionZTestResult, twoProportionZTest } from './two-proportion-z-test.js';
export {
  type VarianceRatioSetting,
  type VarianceRatioSweepRow,
  varianceRatioSweep,
  varianceRatioSweepMarkdown,
} from './variance-ratio-sweep.js';
export { type VarianceRatioTestResult, varianceRatioTest } from './variance-ratio-test.js';
export { type WelchTTestResult, welchTTest } from './welch-t-test.js';
