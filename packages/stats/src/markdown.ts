// The Markdown pieces of the paper's tables (numbers print with @va/core's formatNumber).

import { formatNumber } from '@va/core';

/** A p-value: 3 significant digits, exponent form below 1e-3. */
export function formatPValue(value: number): string {
  return formatNumber(value, 3);
}

/** A Markdown table from a header row and body rows. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
