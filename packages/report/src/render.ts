// Renders charts: Vega-Lite compiled with `vega-lite`, drawn to SVG by a headless Vega View
// (renderer 'none', `toSVG()`), and rasterised to PNG by resvg (png.ts) when written, in Node.

import { type Logger, silentLogger, ValidationError } from '@va/core';
import { type LoggerInterface, parse, type Spec as VegaSpec, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { dirname, mkdir, writeFile } from './files.js';
import { type PngOptions, svgToPng } from './png.js';
import { withTextMetrics } from './text-metrics.js';

/** A chart: a Vega-Lite spec (what the builders return) or a full Vega spec. */
export type ChartSpec = TopLevelSpec | VegaSpec;

/** Options of {@link renderSvg}. */
export interface RenderOptions {
  /** Receives Vega-Lite's and Vega's warnings (default: dropped). */
  readonly logger?: Logger;
}

/** Options of {@link writeChart}. */
export interface WriteChartOptions extends PngOptions, RenderOptions {
  /** Write the PNG beside the SVG (default true). */
  readonly png?: boolean;
  /** Write the Vega-Lite (or Vega) spec as `<path>.vl.json` (default false). */
  readonly spec?: boolean;
}

/** The files {@link writeChart} wrote. */
export interface ChartFiles {
  readonly svg: string;
  readonly png?: string;
  readonly spec?: string;
  /** Size of the SVG, in CSS pixels. */
  readonly width: number;
  readonly height: number;
}

function isVegaSpec(spec: ChartSpec): spec is VegaSpec {
  const schema = (spec as { $schema?: unknown }).$schema;
  if (typeof schema === 'string') return /\/schema\/vega\/v\d/.test(schema);
  return Array.isArray((spec as VegaSpec).marks) && !('mark' in spec) && !('layer' in spec);
}

/** Vega's logger interface over a va {@link Logger}: warnings go to `logger.warn`. */
function vegaLogger(logger: Logger, source: string): LoggerInterface {
  let level = 2; // vega.Warn
  const text = (args: unknown[]) => `${source}: ${args.map(String).join(' ')}`;
  const self: LoggerInterface = {
    level: ((value?: number) => {
      if (value === undefined) return level;
      level = value;
      return self;
    }) as LoggerInterface['level'],
    error(...args: unknown[]) {
      logger.warn(text(args));
      return self;
    },
    warn(...args: unknown[]) {
      if (level >= 2) logger.warn(text(args));
      return self;
    },
    info(...args: unknown[]) {
      if (level >= 3) logger.info(text(args));
      return self;
    },
    debug() {
      return self;
    },
  };
  return self;
}

/** Compiles a Vega-Lite spec to Vega (a Vega spec is returned as is). */
export function toVega(spec: ChartSpec, options: RenderOptions = {}): VegaSpec {
  if (spec === null || typeof spec !== 'object') {
    throw new ValidationError('toVega', 'spec', 'a Vega-Lite or Vega spec object', spec);
  }
  if (isVegaSpec(spec)) return spec;
  const logger = vegaLogger(options.logger ?? silentLogger, 'vega-lite');
  return compile(spec as TopLevelSpec, { logger }).spec as VegaSpec;
}

/**
 * Renders a chart to an SVG document. Text is laid out with the widths of VA Sans, the font
 * {@link svgToPng} draws it with (see {@link FONT_STACK}).
 */
export async function renderSvg(spec: ChartSpec, options: RenderOptions = {}): Promise<string> {
  const runtime = parse(toVega(spec, options));
  return withTextMetrics(async () => {
    const view = new View(runtime, {
      renderer: 'none',
      logger: vegaLogger(options.logger ?? silentLogger, 'vega'),
    });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  });
}

function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : { width: 0, height: 0 };
}

/**
 * Renders `spec` and writes `<path>.svg`, `<path>.png` (unless `png: false`) and, with
 * `spec: true`, `<path>.vl.json`. `path` has no extension; missing folders are created.
 */
export async function writeChart(
  spec: ChartSpec,
  path: string,
  options: WriteChartOptions = {},
): Promise<ChartFiles> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ValidationError('writeChart', 'path', 'a file path without extension', path);
  }
  if (/\.(svg|png)$/i.test(path)) {
    throw new ValidationError(
      'writeChart',
      'path',
      'a path without extension',
      path,
      `Pass '${path.replace(/\.(svg|png)$/i, '')}': the .svg and .png are added`,
    );
  }
  const svg = await renderSvg(spec, options);
  await mkdir(dirname(path), { recursive: true });
  const files: { svg: string; png?: string; spec?: string } = { svg: `${path}.svg` };
  await writeFile(files.svg, svg);
  if (options.png ?? true) {
    files.png = `${path}.png`;
    await writeFile(files.png, svgToPng(svg, options));
  }
  if (options.spec) {
    files.spec = `${path}.vl.json`;
    await writeFile(files.spec, `${JSON.stringify(spec, null, 2)}\n`);
  }
  return { ...files, ...svgSize(svg) };
}
