// One description of the run's report, rendered twice: to Markdown through @va/report's
// MarkdownReport (figures as files beside it) and to one self-contained HTML page (inline CSS,
// the same figures inlined as SVG, every text HTML-escaped, no external reference).

import { formatNumber } from '@va/core';
import { type ChartSpec, escapeMarkdown, MarkdownReport } from '@va/report';

/** A sample response to read. */
export interface SampleRow {
  readonly source: string;
  readonly prompt: string;
  readonly response: string;
  readonly trueReward: number;
}

/** A table cell: text as it is, or a number printed with `formatNumber`. */
export type Cell = string | number;

type Block =
  | { kind: 'heading'; text: string; level: number; id: string }
  | { kind: 'paragraph'; text: string; callout?: boolean }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; columns: string[]; rows: Cell[][]; emphasis?: boolean[] }
  | { kind: 'markdown'; text: string }
  | { kind: 'charts'; charts: { name: string; spec: ChartSpec; caption: string }[] }
  | { kind: 'samples'; rows: SampleRow[] }
  | { kind: 'code'; text: string; language: string; summary: string };

/** `<`, `>`, `&` and both quotes as entities. */
export function escapeHtml(text: string): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const cellText = (c: Cell): string => (typeof c === 'number' ? formatNumber(c) : c);

/**
 * The inline Markdown this report writes (and @va/stats' tables use), as HTML: backslash escapes,
 * `code`, **bold**, *italic*; everything else is text and is escaped.
 */
export function inlineMarkdownToHtml(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      out += escapeHtml(text[i + 1]!);
      i += 2;
      continue;
    }
    const delimiter = ch === '`' ? '`' : text.startsWith('**', i) ? '**' : ch === '*' ? '*' : '';
    const end = delimiter ? text.indexOf(delimiter, i + delimiter.length) : -1;
    if (delimiter && end > i + delimiter.length) {
      const inner = text.slice(i + delimiter.length, end);
      if (delimiter === '`') out += `<code>${escapeHtml(inner)}</code>`;
      else {
        const tag = delimiter === '**' ? 'strong' : 'em';
        out += `<${tag}>${inlineMarkdownToHtml(inner)}</${tag}>`;
      }
      i = end + delimiter.length;
      continue;
    }
    out += escapeHtml(ch);
    i += 1;
  }
  return out;
}

/** Splits a Markdown table row into its cells (escaped pipes stay in their cell). */
function tableCells(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && i + 1 < body.length) {
      current += body.slice(i, i + 2);
      i += 1;
    } else if (body[i] === '|') {
      cells.push(current.trim());
      current = '';
    } else current += body[i];
  }
  cells.push(current.trim());
  return cells;
}

/** A cell that is one number (as `formatNumber` or @va/stats print it): right-aligned. */
const NUMERIC = /^[-+±]?(?:\d[\d.]*(?:e[-+]?\d+)?|NaN|-?Infinity)$/;

/** An HTML table of cells that are HTML already; `classes` per column, `emphasis` per row. */
function htmlTable(
  header: string[],
  rows: string[][],
  options: { emphasis?: boolean[]; classes?: string[] } = {},
): string {
  const head = header.map((h) => `<th>${h}</th>`).join('');
  const td = (c: string, j: number) => {
    const cls = options.classes?.[j] || (NUMERIC.test(c) ? 'num' : '');
    return cls ? `<td class="${cls}">${c}</td>` : `<td>${c}</td>`;
  };
  const body = rows
    .map(
      (r, i) => `<tr${options.emphasis?.[i] ? ' class="differs"' : ''}>${r.map(td).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/**
 * The Markdown of @va/stats' tables (`protocolTablesMarkdown`, `varianceRatioSweepMarkdown`) as
 * HTML, cell for cell, so the page prints exactly the numbers the Markdown prints: paragraphs
 * separated by blank lines, pipe tables with a `---` rule, inline Markdown.
 */
export function markdownBlocksToHtml(markdown: string): string {
  const out: string[] = [];
  for (const chunk of markdown.split(/\n\s*\n/)) {
    const lines = chunk.split('\n').filter((l) => l.trim());
    if (lines.length === 0) continue;
    const isTable =
      lines.length >= 2 &&
      lines.every((l) => l.trim().startsWith('|')) &&
      /^\|[\s:|-]+\|$/.test(lines[1]!.trim());
    if (isTable) {
      const header = tableCells(lines[0]!).map(inlineMarkdownToHtml);
      const rows = lines.slice(2).map((l) => tableCells(l).map(inlineMarkdownToHtml));
      out.push(htmlTable(header, rows));
    } else {
      out.push(`<p>${inlineMarkdownToHtml(lines.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

/**
 * Prefixes every `id` of an SVG (and the references to it) so that several inlined charts, each
 * numbering its clip paths from 1, do not resolve each other's `url(#clip1)`.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  // Inline SVG in HTML needs no namespace declarations; dropping them leaves no URL on the page.
  svg = svg.replace(/\s+xmlns(?::\w+)?="[^"]*"/g, '');
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  return svg
    .replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${prefix}-${id})` : m))
    .replace(/href="#([^"]+)"/g, (m, id: string) => (ids.has(id) ? `href="#${prefix}-${id}"` : m));
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const CSS = `
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1f;
  max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; line-height: 1.5; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 2em; }
h3 { margin-top: 1.6em; }
code, pre { font-family: "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
code { background: #f3f3f5; padding: 1px 4px; border-radius: 3px; }
pre { background: #f6f6f8; padding: 12px; overflow-x: auto; border-radius: 4px; }
.table { overflow-x: auto; margin: 0.8em 0; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { border: 1px solid #d8d8dc; padding: 4px 9px; text-align: left; vertical-align: top; }
th { background: #f3f3f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.differs td { background: #fff6e0; }
.callout { background: #fff3cd; border: 1px solid #e0c36a; padding: 10px 14px; border-radius: 4px; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0.6em 0; max-width: 100%; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.88em; color: #555; max-width: 640px; }
nav ul { columns: 2; font-size: 0.95em; }
td.response { white-space: pre-wrap; max-width: 560px; }
details summary { cursor: pointer; color: #0b5cad; }
`;

/** The report as blocks; {@link toMarkdownReport} and {@link toHtml} render it. */
export class ReportDocument {
  private readonly blocks: Block[] = [];
  private readonly ids = new Set<string>();

  constructor(readonly title: string) {}

  heading(text: string, level = 2): this {
    let id = slug(text) || 'section';
    for (let k = 2; this.ids.has(id); k++) id = `${slug(text)}-${k}`;
    this.ids.add(id);
    this.blocks.push({ kind: 'heading', text, level, id });
    return this;
  }

  /** Inline Markdown (see {@link inlineMarkdownToHtml}); `callout` frames it on the page. */
  paragraph(text: string, options: { callout?: boolean } = {}): this {
    this.blocks.push({ kind: 'paragraph', text, ...options });
    return this;
  }

  list(items: string[]): this {
    this.blocks.push({ kind: 'list', items });
    return this;
  }

  /** A table of plain-text and number cells; `emphasis` marks rows (e.g. settings that differ). */
  table(columns: string[], rows: Cell[][], emphasis?: boolean[]): this {
    this.blocks.push({ kind: 'table', columns, rows, ...(emphasis ? { emphasis } : {}) });
    return this;
  }

  /** Markdown made elsewhere (@va/stats' tables), inserted as it is. */
  markdown(text: string): this {
    this.blocks.push({ kind: 'markdown', text });
    return this;
  }

  /** Charts shown side by side on the page, one after the other in Markdown. */
  charts(charts: { name: string; spec: ChartSpec; caption: string }[]): this {
    if (charts.length) this.blocks.push({ kind: 'charts', charts });
    return this;
  }

  samples(rows: SampleRow[]): this {
    if (rows.length) this.blocks.push({ kind: 'samples', rows });
    return this;
  }

  /** A code block, folded on the page under `summary`. */
  code(text: string, language: string, summary: string): this {
    this.blocks.push({ kind: 'code', text, language, summary });
    return this;
  }

  /** The Markdown report (its charts render when it is written). */
  toMarkdownReport(): MarkdownReport {
    const report = new MarkdownReport(this.title);
    for (const b of this.blocks) {
      if (b.kind === 'heading') report.heading(b.text, b.level);
      else if (b.kind === 'paragraph') report.paragraph(b.callout ? `> ${b.text}` : b.text);
      else if (b.kind === 'list') report.list(b.items);
      else if (b.kind === 'table') {
        report.table(b.rows, { columns: b.columns.map((title, j) => ({ key: String(j), title })) });
      } else if (b.kind === 'markdown') report.raw(b.text.trimEnd());
      else if (b.kind === 'charts') {
        for (const c of b.charts)
          report.chart(c.name, c.spec, { alt: c.caption, caption: c.caption });
      } else if (b.kind === 'samples') {
        report.list(
          b.rows.map(
            (s) =>
              `*${s.source}*, r\\* = ${formatNumber(s.trueReward)}: ${escapeMarkdown(s.prompt)} **→** ${escapeMarkdown(s.response.replace(/\s+/g, ' ').trim())}`,
          ),
        );
      } else report.paragraph(`**${b.summary}**`).code(b.text, b.language);
    }
    return report;
  }

  /** The page; `svgs` maps each chart's name to its rendered SVG text. */
  toHtml(svgs: Readonly<Record<string, string>>): string {
    const body: string[] = [`<h1>${escapeHtml(this.title)}</h1>`];
    const toc = this.blocks.filter(
      (b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading' && b.level === 2,
    );
    if (toc.length > 2) {
      const items = toc.map((h) => `<li><a href="#${h.id}">${escapeHtml(h.text)}</a></li>`);
      body.push(`<nav><ul>\n${items.join('\n')}\n</ul></nav>`);
    }
    for (const b of this.blocks) {
      if (b.kind === 'heading') {
        body.push(`<h${b.level} id="${b.id}">${escapeHtml(b.text)}</h${b.level}>`);
      } else if (b.kind === 'paragraph') {
        body.push(`<p${b.callout ? ' class="callout"' : ''}>${inlineMarkdownToHtml(b.text)}</p>`);
      } else if (b.kind === 'list') {
        body.push(
          `<ul>\n${b.items.map((i) => `<li>${inlineMarkdownToHtml(i)}</li>`).join('\n')}\n</ul>`,
        );
      } else if (b.kind === 'table') {
        body.push(
          htmlTable(
            b.columns.map(escapeHtml),
            b.rows.map((r) => r.map((c) => escapeHtml(cellText(c)))),
            { emphasis: b.emphasis },
          ),
        );
      } else if (b.kind === 'markdown') body.push(markdownBlocksToHtml(b.text));
      else if (b.kind === 'charts') {
        const figures = b.charts.map((c) => {
          const svg = svgs[c.name];
          const inner = svg
            ? scopeSvgIds(svg, c.name)
            : `<p>(figure ${escapeHtml(c.name)} missing)</p>`;
          return `<figure>${inner}<figcaption>${inlineMarkdownToHtml(c.caption)}</figcaption></figure>`;
        });
        body.push(`<div class="figures">\n${figures.join('\n')}\n</div>`);
      } else if (b.kind === 'samples') {
        body.push(
          htmlTable(
            ['from', 'prompt', 'response', 'r*'],
            b.rows.map((s) => [
              escapeHtml(s.source),
              escapeHtml(s.prompt),
              escapeHtml(s.response),
              escapeHtml(formatNumber(s.trueReward)),
            ]),
            { classes: ['', '', 'response', ''] },
          ),
        );
      } else {
        body.push(
          `<details><summary>${escapeHtml(b.summary)}</summary><pre><code>${escapeHtml(b.text)}</code></pre></details>`,
        );
      }
    }
    return [
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${escapeHtml(this.title)}</title>`,
      `<style>${CSS}</style>`,
      '</head>',
      '<body>',
      ...body,
      '</body>',
      '</html>',
      '',
    ].join('\n');
  }
}
