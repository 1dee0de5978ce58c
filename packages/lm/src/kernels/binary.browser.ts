// Browser build of binary.ts: the kernels' binaries are files beside the package's bundle (one
// literal `new URL(..., import.meta.url)` each, which bundlers emit as assets), fetched and
// compiled by `preloadKernels` (selectBackend calls it) before a kernel runs, since a page cannot
// read a file synchronously.

import type * as Node from './binary.js';

const URLS = {
  'va-kernels.wasm': new URL('../assets/wasm/va-kernels.wasm', import.meta.url).href,
  'va-kernels-threads.wasm': new URL('../assets/wasm/va-kernels-threads.wasm', import.meta.url)
    .href,
} as const;
type Name = keyof typeof URLS;

/** The WebAssembly global's async compiler (the project's libs carry no DOM types). */
const WA = (
  globalThis as unknown as { WebAssembly: { compile(bytes: ArrayBuffer): Promise<unknown> } }
).WebAssembly;

const compiled = new Map<Name, unknown>();
let loading: Promise<void> | undefined;

/** The URL of a binary (the browser's counterpart of a path in the package). */
export const kernelAsset: typeof Node.kernelAsset = (name) => {
  const url = URLS[name as Name];
  if (!url) throw new Error(`@va/lm: no kernel binary named ${name}`);
  return url;
};

/** Fetches and compiles both binaries, once. */
export const preloadKernels: typeof Node.preloadKernels = () => {
  loading ??= Promise.all(
    (Object.keys(URLS) as Name[]).map(async (name) => {
      const res = await fetch(URLS[name]);
      if (!res.ok) throw new Error(`GET ${URLS[name]}: HTTP ${res.status}`);
      compiled.set(name, await WA.compile(await res.arrayBuffer()));
    }),
  ).then(() => undefined);
  return loading;
};

/** The compiled binary; before `preloadKernels` has finished, an error (the ops then fall back). */
export const compiledKernels: typeof Node.compiledKernels = (shared) => {
  const name: Name = shared ? 'va-kernels-threads.wasm' : 'va-kernels.wasm';
  const module = compiled.get(name);
  if (!module) throw new Error(`@va/lm: ${name} is not loaded yet (selectBackend loads it)`);
  return module;
};
