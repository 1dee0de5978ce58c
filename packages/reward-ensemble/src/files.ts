// The file system of saved ensembles and backbones: Node's here; in the browser build
// (files.browser.ts) an ensemble "folder" is a URL read with fetch, and writes are refused.

export { existsSync } from 'node:fs';
export { mkdir, readFile, writeFile } from 'node:fs/promises';
export { join, resolve } from 'node:path';
