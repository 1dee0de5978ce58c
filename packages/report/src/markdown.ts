// A small Markdown report builder: headings, paragraphs, lists, tables from rows, code blocks,
// images and charts; `write(dir)` renders the charts (SVG + PNG) and writes REPORT.md beside them.

import { formatNumber, ValidationError } from '@va/core';
import { join, mkdir, relative, sep, writeFile } from './files.js';
import { type ChartFiles, type ChartSpec, type WriteChartOptions, writeChart } from './render.js';

/** A column of {@link MarkdownReport.table}: the row key, its header and how to show it. */
export interface TableColumn {
  readonly key: string;
  readonly title?: string;
  readonly align?: 'left' | 'right' | 'center';
  /** Formats a cell; default: numbers with `@va/core`'s `formatNumber`, the rest with `String`. */
  readonly format?: (value: unknown) => string;
}

/** Options of {@link MarkdownReport.write}. */
export interface WriteReportOptions extends WriteChartOptions {
  /** Report file name inside the folder (default `REPORT.md`). */
  readonly fileName?: string;
  /** Sub-folder of the charts (default `figures`). */
  readonly figuresDir?: string;
  /** Which rendering the report's image links show (default `'png'`). */
  readonly imageFormat?: 'png' | 'svg';
}

/** What {@link MarkdownReport.write} wrote. */
export interface ReportFiles {
  readonly report: string;
  readonly charts: Readonly<Record<string, ChartFiles>>;
}

/** Escapes text for a Markdown table cell: pipes, backslashes and line breaks. */
export function escapeTableCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Escapes Markdown syntax characters so that `text` shows literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]<>()#+\-.!|~])/g, '\\$1');
}

function cell(value: unknown, format?: (value: unknown) => string): string {
  if (format) return format(value);
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

type Block =
  | { kind: 'text'; text: string }
  | { kind: 'chart'; name: string; spec: ChartSpec; alt: string; caption?: string };

/** Builds a Markdown document block by block; charts are rendered when it is written. */
export class MarkdownReport {
  private readonly blocks: Block[] = [];
  private readonly chartNames = new Set<string>();

  /** `title`, when given, becomes the level-1 heading. */
  constructor(title?: string) {
    if (title) this.heading(title, 1);
  }

  /** A heading of `level` 1 to 6 (line breaks become spaces). */
  heading(text: string, level = 2): this {
    if (!Number.isInteger(level) || level < 1 || level > 6) {
      throw new ValidationError('MarkdownReport.heading', 'level', 'an integer in [1, 6]', level);
    }
    return this.push(`${'#'.repeat(level)} ${String(text).replace(/\s*\r?\n\s*/g, ' ')}`);
  }

  /** A paragraph of Markdown text (not escaped: use {@link escapeMarkdown} for literal text). */
  paragraph(text: string): this {
    return this.push(String(text));
  }

  /** A bulleted (or numbered) list. */
  list(items: readonly string[], options: { ordered?: boolean } = {}): this {
    const lines = items.map((item, i) => {
      const bullet = options.ordered ? `${i + 1}.` : '-';
      return `${bullet} ${String(item).replace(/\r?\n/g, '\n   ')}`;
    });
    return this.push(lines.join('\n'));
  }

  /**
   * A table from rows (objects, or arrays with `columns` naming each position). Columns default to
   * the keys of the first row; numbers are right-aligned and formatted with `@va/core`'s `formatNumber`;
   * pipes and line breaks inside cells are escaped.
   */
  table(
    rows: readonly (Readonly<Record<string, unknown>> | readonly unknown[])[],
    options: { columns?: readonly (string | TableColumn)[] } = {},
  ): this {
    if (!Array.isArray(rows)) {
      throw new ValidationError('MarkdownReport.table', 'rows', 'an array of rows', rows);
    }
    const first = rows[0];
    const given = options.columns;
    let columns: TableColumn[];
    if (given) {
      columns = given.map((c) => (typeof c === 'string' ? { key: c } : c));
    } else if (first && !Array.isArray(first)) {
      columns = Object.keys(first).map((key) => ({ key }));
    } else {
      throw new ValidationError(
        'MarkdownReport.table',
        'options.columns',
        'column names (required for array rows or an empty table)',
        given,
      );
    }
    const value = (row: (typeof rows)[number], c: TableColumn, j: number): unknown =>
      Array.isArray(row) ? row[j] : (row as Record<string, unknown>)[c.key];
    const aligns = columns.map((c, j) => {
      if (c.align) return c.align;
      const numeric = rows.length > 0 && rows.every((r) => typeof value(r, c, j) === 'number');
      return numeric ? 'right' : 'left';
    });
    const rule = { left: '---', right: '---:', center: ':---:' } as const;
    const lines = [
      `| ${columns.map((c) => escapeTableCell(c.title ?? c.key)).join(' | ')} |`,
      `| ${aligns.map((a) => rule[a]).join(' | ')} |`,
      ...rows.map(
        (r) =>
          `| ${columns.map((c, j) => escapeTableCell(cell(value(r, c, j), c.format))).join(' | ')} |`,
      ),
    ];
    return this.push(lines.join('\n'));
  }

  /** A fenced code block; the fence is longer than any backtick run inside `code`. */
  code(code: string, language = ''): this {
    const longest = Math.max(2, ...[...String(code).matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    return this.push(`${fence}${language}\n${String(code).replace(/\n$/, '')}\n${fence}`);
  }

  /** An image at `path` (relative to the report's folder), with alt text and an optional caption. */
  image(path: string, alt: string, caption?: string): this {
    const target = path.split(sep).join('/').replace(/ /g, '%20');
    const text = `![${alt.replace(/[[\]]/g, '')}](${target})`;
    return this.push(caption ? `${text}\n\n*${caption}*` : text);
  }

  /**
   * A chart, rendered by {@link write} to `<figuresDir>/<name>.svg` and `.png` and shown as an
   * image. `name` is a file name without extension, unique within the report.
   */
  chart(name: string, spec: ChartSpec, options: { alt?: string; caption?: string } = {}): this {
    if (!/^[\w.-]+$/.test(name) || this.chartNames.has(name)) {
      throw new ValidationError(
        'MarkdownReport.chart',
        'name',
        'a unique file name of letters, digits, ".", "_" or "-"',
        name,
      );
    }
    this.chartNames.add(name);
    this.blocks.push({
      kind: 'chart',
      name,
      spec,
      alt: options.alt ?? name,
      caption: options.caption,
    });
    return this;
  }

  /** Raw Markdown, inserted as it is. */
  raw(markdown: string): this {
    return this.push(String(markdown));
  }

  /** The Markdown text; charts link to `<figuresDir>/<name>.<imageFormat>`. */
  toMarkdown(options: Pick<WriteReportOptions, 'figuresDir' | 'imageFormat'> = {}): string {
    const dir = options.figuresDir ?? 'figures';
    const ext = options.imageFormat ?? 'png';
    const parts = this.blocks.map((b) => {
      if (b.kind === 'text') return b.text;
      const text = `![${b.alt.replace(/[[\]]/g, '')}](${dir}/${b.name}.${ext})`;
      return b.caption ? `${text}\n\n*${b.caption}*` : text;
    });
    return `${parts.join('\n\n')}\n`;
  }

  /** Renders every chart into `dir/<figuresDir>/` and writes the report; creates folders. */
  async write(dir: string, options: WriteReportOptions = {}): Promise<ReportFiles> {
    const figuresDir = options.figuresDir ?? 'figures';
    await mkdir(dir, { recursive: true });
    const charts: Record<string, ChartFiles> = {};
    for (const b of this.blocks) {
      if (b.kind !== 'chart') continue;
      charts[b.name] = await writeChart(b.spec, join(dir, figuresDir, b.name), options);
    }
    const report = join(dir, options.fileName ?? 'REPORT.md');
    const relDir = relative(dir, join(dir, figuresDir)).split(sep).join('/') || '.';
    await writeFile(
      report,
      this.toMarkdown({ figuresDir: relDir, imageFormat: options.imageFormat }),
    );
    return { report, charts };
  }

  private push(text: string): this {
    this.blocks.push({ kind: 'text', text });
    return this;
  }
}
