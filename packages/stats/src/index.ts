export {
  type ContinuousDistribution,
  fisherF,
  standardNormal,
  studentT,
} from './distributions.js';
export {
  ALTERNATIVES,
  type Alternative,
  DEFAULT_TEST_OPTIONS,
  type TestOptions,
} from './options.js';
export {
  type ProtocolSamples,
  type ProtocolTables,
  type ProtocolTablesConfig,
  protocolTables,
  protocolTablesConfig,
  protocolTablesMarkdown,
} from './protocol-tables.js';
export {
  type EmpiricalRisk,
  empiricalRisk,
  pairwiseRisk,
  type RiskConfig,
  type RiskEstimate,
  riskConfig,
  shareBelowMean,
} from './risk.js';
export {
  type TwoProportionZTestResult,
  twoProportionZTest,
} from './two-proportion-z-test.js';
export {
  type VarianceRatioSetting,
  type VarianceRatioSweepRow,
  varianceRatioSweep,
  varianceRatioSweepMarkdown,
} from './variance-ratio-sweep.js';
export { type VarianceRatioTestResult, varianceRatioTest } from './variance-ratio-test.js';
export { type WelchTTestResult, welchTTest } from './welch-t-test.js';
