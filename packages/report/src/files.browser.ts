// Browser build of files.ts: a page has no folder to write charts and reports into; the path
// functions work on '/'-separated paths.

import { nodeOnly } from '@va/core';
import type * as Node from './files.js';

const instead = 'render the chart with renderSvg (or the report with toMarkdown) and keep the text';
export const mkdir: typeof Node.mkdir = nodeOnly('writeChart / MarkdownReport.write', instead);
export const writeFile: typeof Node.writeFile = nodeOnly(
  'writeChart / MarkdownReport.write',
  instead,
);

export const sep = '/';

/** `parts` joined by '/', without empty or '.' segments. */
export const join: typeof Node.join = (...parts) =>
  parts
    .join('/')
    .split('/')
    .filter((p, i) => p !== '.' && (p !== '' || i === 0))
    .join('/');

/** The path without its last segment ('.' when there is none). */
export const dirname: typeof Node.dirname = (path) => {
  const i = path.replace(/\/+$/, '').lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
};

/** `to` relative to `from` when inside it, else `to`. */
export const relative: typeof Node.relative = (from, to) => {
  const base = `${from.replace(/\/+$/, '')}/`;
  return to.startsWith(base) ? to.slice(base.length) : to === from ? '' : to;
};
