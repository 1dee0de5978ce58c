export { type BarChartOptions, type BarDatum, barChart } from './bar-chart.js';
export type { FontOptions } from './fonts.js';
export {
  type BinOptions,
  binSeries,
  type HistogramBin,
  type HistogramNormalize,
  type HistogramOptions,
  type HistogramSeries,
  histogram,
} from './histogram.js';
export type { Marker, PanelOptions } from './layers.js';
export { type LineChartOptions, type LineSeries, lineChart } from './line-chart.js';
export {
  escapeMarkdown,
  escapeTableCell,
  MarkdownReport,
  type ReportFiles,
  type TableColumn,
  type WriteReportOptions,
} from './markdown.js';
export { MetricsRecorder } from './metrics-recorder.js';
export { type PngOptions, svgToPng } from './png.js';
export {
  type ChartFiles,
  type ChartSpec,
  renderSvg,
  toVega,
  type WriteChartOptions,
  writeChart,
} from './render.js';
export { type ScatterChartOptions, type ScatterSeries, scatterChart } from './scatter-chart.js';
export { chartConfig, PALETTE } from './theme.js';
