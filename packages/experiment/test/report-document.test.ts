// The pieces of the report page: inline Markdown and @va/stats' tables as escaped HTML, SVG ids
// scoped per chart, the strip plot of R(pi) (one dot per value, in its row), the curve charts.

import { renderSvg } from '@va/report';
import { protocolTables, protocolTablesMarkdown } from '@va/stats';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  inlineMarkdownToHtml,
  markdownBlocksToHtml,
  ReportDocument,
  scopeSvgIds,
} from '../src/report-document.js';
import { curveCharts, riceBins, stripChart } from '../src/report-figures.js';

describe('inlineMarkdownToHtml', () => {
  it('renders code, bold, italic and backslash escapes, and escapes everything else', () => {
    expect(inlineMarkdownToHtml('a **b** `<c>` *d* \\* e <f> & "g"')).toBe(
      'a <strong>b</strong> <code>&lt;c&gt;</code> <em>d</em> * e &lt;f&gt; &amp; &quot;g&quot;',
    );
    expect(inlineMarkdownToHtml('**<script>x</script>**')).toBe(
      '<strong>&lt;script&gt;x&lt;/script&gt;</strong>',
    );
    // An unclosed delimiter is text.
    expect(inlineMarkdownToHtml('r* = 2')).toBe('r* = 2');
    expect(escapeHtml(`<a href='x'>`)).toBe('&lt;a href=&#39;x&#39;&gt;');
  });
});

describe('markdownBlocksToHtml', () => {
  it('turns pipe tables and paragraphs into HTML, cell for cell', () => {
    const html = markdownBlocksToHtml(
      '**T**\n\n| a | b \\| c |\n| --- | ---: |\n| 1 | <x> |\n\ntext\nmore',
    );
    expect(html).toBe(
      [
        '<p><strong>T</strong></p>',
        '<div class="table"><table>',
        '<thead><tr><th>a</th><th>b | c</th></tr></thead>',
        '<tbody>',
        '<tr><td class="num">1</td><td>&lt;x&gt;</td></tr>',
        '</tbody>',
        '</table></div>',
        '<p>text more</p>',
      ].join('\n'),
    );
  });

  it('renders protocolTablesMarkdown as three tables of 7, 7 and 8 columns', () => {
    const t = protocolTables(
      { vanilla: [1, 2, 4, 8], varianceAware: [2, 3, 3, 4], reference: [2, 3, 2.5] },
      { resamples: 50 },
    );
    const html = markdownBlocksToHtml(protocolTablesMarkdown(t));
    const tables = [...html.matchAll(/<thead><tr>(.*?)<\/tr><\/thead>/g)].map(
      (m) => m[1]!.match(/<th>/g)!.length,
    );
    expect(tables).toEqual([7, 7, 8]);
    expect(html).not.toMatch(/<td>[^<]*\|/);
    expect(html).toContain('<strong>Table 3: risk P(R(pi) &lt; R(pi0))');
  });
});

describe('scopeSvgIds', () => {
  it('prefixes ids and the references to them, and drops namespace declarations', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><clipPath id="clip1"/></defs>' +
      '<g clip-path="url(#clip1)"><use href="#clip1"/><rect fill="url(#other)"/></g></svg>';
    expect(scopeSvgIds(svg, 'kl')).toBe(
      '<svg><defs><clipPath id="kl-clip1"/></defs>' +
        '<g clip-path="url(#kl-clip1)"><use href="#kl-clip1"/><rect fill="url(#other)"/></g></svg>',
    );
  });
});

describe('ReportDocument', () => {
  it('gives headings unique anchors and lists the sections on the page', () => {
    const doc = new ReportDocument('T <1>')
      .heading('Setting: a')
      .heading('Tables 1-3', 3)
      .heading('Setting: b')
      .heading('Tables 1-3', 3)
      .heading('Setup');
    const html = doc.toHtml({});
    expect(html).toContain('<title>T &lt;1&gt;</title>');
    expect(html).toContain('<h3 id="tables-1-3">');
    expect(html).toContain('<h3 id="tables-1-3-2">');
    expect(html).toContain('<li><a href="#setting-b">Setting: b</a></li>');
    expect(doc.toMarkdownReport().toMarkdown()).toContain('### Tables 1-3');
  });
});

describe('stripChart', () => {
  it('draws one dot per value in its own row, with the value in its label', async () => {
    const groups = [
      { name: 'vanilla', values: [3, 1.5, 2, 7], color: '#D55E00' },
      { name: 'variance-aware', values: [2.25], color: '#0072B2' },
      { name: 'reference', values: [], color: '#555555' },
    ];
    const svg = await renderSvg(
      stripChart({ groups, markers: [{ value: 2.5, label: 'reference mean' }] }),
    );
    const dots = [
      ...svg.matchAll(
        /aria-label="([^"]+)" role="graphics-symbol" aria-roledescription="circle" transform="translate\(([\d.]+),([\d.]+)\)/g,
      ),
    ];
    expect(dots.map((d) => d[1]).sort()).toEqual(
      ['vanilla: 1.5', 'vanilla: 2', 'vanilla: 3', 'vanilla: 7', 'variance-aware: 2.25'].sort(),
    );
    // x grows with the value; the variance-aware row lies below the vanilla row.
    const at = (label: string) => dots.find((d) => d[1] === label)!;
    const x = (label: string) => Number(at(label)[2]);
    expect(x('vanilla: 1.5')).toBeLessThan(x('vanilla: 2'));
    expect(x('vanilla: 2')).toBeLessThan(x('variance-aware: 2.25'));
    expect(x('variance-aware: 2.25')).toBeLessThan(x('vanilla: 7'));
    const vanillaY = ['1.5', '2', '3', '7'].map((v) => Number(at(`vanilla: ${v}`)[3]));
    expect(Math.max(...vanillaY)).toBeLessThan(Number(at('variance-aware: 2.25')[3]));
    // An empty group gets no row.
    expect(svg).not.toContain('>reference<');
    expect(svg).toContain('reference mean');
  });

  it('bins by the Rice rule', () => {
    expect(riceBins(80)).toBe(9);
    expect(riceBins(20)).toBe(6);
    expect(riceBins(2)).toBe(5);
  });
});

describe('curveCharts', () => {
  const curve = { step: [1, 2], mean: [0, 1], min: [0, 0.5], max: [0, 1.5] };
  const empty = { step: [], mean: [], min: [], max: [] };
  it('draws one chart per logged metric, skipping metrics nobody logged', () => {
    const charts = curveCharts(
      'ensemble',
      {
        vanilla: { score: curve, kl: curve, variance: empty },
        varianceAware: { score: curve, kl: empty, variance: empty },
      },
      { vanilla: 2, varianceAware: 2 },
    );
    expect(charts.map((c) => c.name)).toEqual(['curve-score-ensemble', 'curve-kl-ensemble']);
    const series = (c: (typeof charts)[number]) => [
      ...new Set(
        (c.spec as { data: { values: { series?: string }[] } }).data.values.map((r) => r.series),
      ),
    ];
    expect(series(charts[0]!)).toEqual(['vanilla', 'variance-aware']);
    expect(series(charts[1]!)).toEqual(['vanilla']);
  });
});
