// Browser build of files.ts: a model "folder" is a URL (absolute, or relative to the page), whose
// files are read with fetch; the files of a folder bundled with the app (the embedded default
// model: one URL per file, as bundlers emit them) are registered with `bundleFiles`. A page cannot
// write files.

import { nodeOnly, ResourceError } from '@va/core';
import type * as Node from './files.js';

/** Bundled folders: folder -> file name -> URL. A name not listed is a missing file. */
const bundled = new Map<string, ReadonlyMap<string, string>>();

const trim = (dir: string) => dir.replace(/\/+$/, '');

/** Makes the files of `dir` the given URLs (and no others). */
export function bundleFiles(dir: string, files: Readonly<Record<string, string>>): void {
  bundled.set(trim(dir), new Map(Object.entries(files)));
}

/** `dir` and `name` joined with '/' (a folder URL keeps its query-free form). */
export const join: typeof Node.join = (...parts) =>
  parts
    .filter((p) => p !== '')
    .map((p, i) => (i === 0 ? trim(p) : p.replace(/^\/+|\/+$/g, '')))
    .join('/');

/** The URL to fetch for `path`, or undefined when `path` is in a bundled folder without it. */
function urlOf(path: string): string | undefined {
  const cut = path.lastIndexOf('/');
  const files = bundled.get(path.slice(0, cut));
  if (files) return files.get(path.slice(cut + 1));
  return path;
}

async function fetchOk(path: string): Promise<Response> {
  const url = urlOf(path);
  if (url === undefined) throw new ResourceError(`${path}: not among the bundled files`);
  const res = await fetch(url);
  if (!res.ok) throw new ResourceError(`GET ${url}: HTTP ${res.status} ${res.statusText}`);
  return res;
}

export const readText: typeof Node.readText = async (path) => (await fetchOk(path)).text();

export const readBytes: typeof Node.readBytes = async (path) =>
  new Uint8Array(await (await fetchOk(path)).arrayBuffer());

export const fileExists: typeof Node.fileExists = async (path) => {
  const url = urlOf(path);
  if (url === undefined) return false;
  if (bundled.has(path.slice(0, path.lastIndexOf('/')))) return true;
  try {
    return (await fetch(url, { method: 'HEAD' })).ok;
  } catch {
    return false;
  }
};

/** A page never saves a model, so it keeps none of its files. */
export const readFilesIfPresent: typeof Node.readFilesIfPresent = async () => new Map();

const instead = 'keep the model in memory (readParams, serializeSafetensors), or save it from Node';
export const makeDirectory: typeof Node.makeDirectory = nodeOnly('saving a model', instead);
export const writeFile: typeof Node.writeFile = nodeOnly('saving a model', instead);
