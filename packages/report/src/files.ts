// The file system that writeChart and MarkdownReport.write use: Node's, or in the browser build
// (files.browser.ts) stand-ins that say a page cannot write files.

export { mkdir, writeFile } from 'node:fs/promises';
export { dirname, join, relative, sep } from 'node:path';
