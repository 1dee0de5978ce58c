import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeTableCell, histogram, MarkdownReport } from '../src/index.js';
import { pngSize } from './helpers.js';

describe('table cells', () => {
  it("print numbers as every va report does (@va/core's formatNumber)", () => {
    const md = new MarkdownReport()
      .table([
        { x: 2.5e-7, y: Number.NEGATIVE_INFINITY, z: 1234567.8 },
        { x: 0.123456, y: Number.NaN, z: 42 },
      ])
      .toMarkdown();
    expect(md).toContain('| 2.5e-7 | -Infinity | 1.235e+6 |');
    expect(md).toContain('| 0.1235 | NaN | 42 |');
  });
});

describe('escaping', () => {
  it('escapes pipes, backslashes and line breaks in table cells', () => {
    expect(escapeTableCell('a|b\\c\nd')).toBe('a\\|b\\\\c<br>d');
  });
  it('escapes Markdown syntax in literal text', () => {
    expect(escapeMarkdown('*x* [y](z) #1')).toBe('\\*x\\* \\[y\\]\\(z\\) \\#1');
  });
});

describe('MarkdownReport', () => {
  it('renders headings, paragraphs, lists, tables and code', () => {
    const md = new MarkdownReport('Title')
      .heading('Section\nwith break')
      .paragraph('Some *text*.')
      .list(['one', 'two'], { ordered: true })
      .table([
        { method: 'vanilla | plain', risk: 0.123456, n: 3 },
        { method: 'va', risk: 0.5, n: 10 },
      ])
      .code('const a = "```";', 'ts')
      .toMarkdown();
    expect(md).toBe(
      [
        '# Title',
        '',
        '## Section with break',
        '',
        'Some *text*.',
        '',
        '1. one\n2. two',
        '',
        '| method | risk | n |\n| --- | ---: | ---: |\n| vanilla \\| plain | 0.1235 | 3 |\n| va | 0.5 | 10 |',
        '',
        '````ts\nconst a = "```";\n````',
        '',
      ].join('\n'),
    );
  });

  it('takes array rows with named columns, titles, alignment and formatters', () => {
    const md = new MarkdownReport()
      .table(
        [
          ['a', 1],
          ['b', 2],
        ],
        {
          columns: [
            { key: 'name', title: 'Name', align: 'center' },
            { key: 'p', title: 'p (%)', format: (v) => `${(v as number) * 100}%` },
          ],
        },
      )
      .toMarkdown();
    expect(md).toBe('| Name | p (%) |\n| :---: | ---: |\n| a | 100% |\n| b | 200% |\n');
    expect(() => new MarkdownReport().table([['a']])).toThrow(/columns/);
  });

  it('writes the report with its charts rendered beside it', async () => {
    const dir = tempDir('va-report-');
    const report = new MarkdownReport('Run')
      .paragraph('Before the chart.')
      .chart('returns', histogram({ series: [{ name: 'a', values: [1, 2, 3] }], bins: 3 }), {
        alt: 'returns [histogram]',
        caption: 'Figure 1: returns.',
      });
    expect(() => report.chart('returns', {} as never)).toThrow(/unique/);
    expect(() => report.chart('../escape', {} as never)).toThrow(/name/);
    const files = await report.write(dir, { scale: 1 });
    const md = await readFile(files.report, 'utf8');
    expect(md).toContain('![returns histogram](figures/returns.png)\n\n*Figure 1: returns.*');
    expect(existsSync(join(dir, 'figures', 'returns.svg'))).toBe(true);
    const png = await readFile(join(dir, 'figures', 'returns.png'));
    expect(pngSize(png).width).toBe(files.charts.returns!.width);
    const svgLinks = report.toMarkdown({ imageFormat: 'svg', figuresDir: 'img' });
    expect(svgLinks).toContain('(img/returns.svg)');
  });
});
