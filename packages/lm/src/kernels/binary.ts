// The kernels' binaries (assets/wasm/, built by scripts/build-wasm.sh), read from the package's
// folder and compiled once per process; the browser build (binary.browser.ts) fetches them.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The WebAssembly global's compiler (the project's libs carry no DOM types). */
const WA = (
  globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => unknown } }
).WebAssembly;

/** A file of assets/wasm/, from src/kernels/ (sources, tests) or dist/ (the built package). */
export function kernelAsset(name: string): string {
  for (const up of ['../../', '../']) {
    const path = fileURLToPath(new URL(`${up}assets/wasm/${name}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`@va/lm: assets/wasm/${name} is missing from the package; reinstall it`);
}

const binaries = new Map<string, unknown>();
/** The compiled module of a binary in assets/wasm/ (compiled once per process). */
export function compiledKernels(shared: boolean): unknown {
  const name = shared ? 'va-kernels-threads.wasm' : 'va-kernels.wasm';
  let compiled = binaries.get(name);
  if (!compiled) {
    compiled = new WA.Module(readFileSync(kernelAsset(name)));
    binaries.set(name, compiled);
  }
  return compiled;
}

/** Makes the binaries ready before a kernel runs: nothing to do here, they are read when first used. */
export async function preloadKernels(): Promise<void> {}
