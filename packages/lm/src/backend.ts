// Picks the TensorFlow.js backend: @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node (optional
// peers with native bindings), then @tensorflow/tfjs-backend-wasm (its threaded build in Node, see
// wasm-threads.ts), then the pure-JS `cpu` backend.

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type Logger, silentLogger } from '@va/core';
import { queuedSelection, type SelectionPlatform, selectFrom } from './backend-selection.js';
import { ensureWasmKernels } from './wasm-kernels.js';
import { installWasmFactory, requestWasmThreads, wasmThreading } from './wasm-threads.js';

/** A tfjs backend `selectBackend` can make active (`webgpu` only in a browser: backend.browser.ts). */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
/** The backends `selectBackend` knows here, best first. */
export const BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  /** The backend now in use. */
  backend: BackendName;
  /** Why: what was tried before it and why each better one was not taken. */
  reason: string;
  /** wasm only: the threads its matrix products run on. */
  threads?: number;
}

const PACKAGES: Readonly<Record<BackendName, string | undefined>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: undefined,
};
/** The name each backend registers with tfjs (both native packages register `tensorflow`). */
const TF_NAME: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  webgpu: 'webgpu',
  wasm: 'wasm',
  cpu: 'cpu',
};

export type Availability =
  | { ok: true; detail: string }
  | { ok: false; detail: string; fix: string };

/** How a probe finds and loads a backend's package (replaceable in tests). */
export interface PackageLoader {
  resolve(pkg: string): string;
  load(pkg: string): Promise<unknown>;
}

const requireHere = createRequire(import.meta.url);
const nodeLoader: PackageLoader = {
  resolve: (pkg) => requireHere.resolve(pkg),
  load: (pkg) => import(pkg),
};
const probes = new Map<BackendName, Promise<Availability>>();

function fixFor(name: BackendName): string {
  const pkg = PACKAGES[name];
  if (name === 'wasm') {
    return `reinstall @va/lm (it depends on ${pkg}), or force backend 'cpu'`;
  }
  return `install it next to @tensorflow/tfjs (npm i ${pkg}@${tf.version.tfjs}), or force backend 'wasm' or 'cpu'`;
}

/** Loads a backend's package and checks that it registered with our copy of tfjs. */
export async function probeBackend(
  name: BackendName,
  loader: PackageLoader = nodeLoader,
): Promise<Availability> {
  const pkg = PACKAGES[name];
  if (pkg === undefined) return { ok: true, detail: 'pure JavaScript, always available' };
  let resolved: string;
  try {
    resolved = loader.resolve(pkg);
  } catch {
    return { ok: false, detail: `${pkg} is not installed`, fix: fixFor(name) };
  }
  try {
    if (name === 'wasm') {
      const wasm = (await loader.load(pkg)) as typeof import('@tensorflow/tfjs-backend-wasm');
      if (tf.engine().registry.wasm === undefined) {
        // Node finds the .wasm binaries beside the package's own entry; bundlers may lose that path.
        wasm.setWasmPaths(`${dirname(resolved)}/`);
        installWasmFactory(wasm, dirname(loader.resolve(`${pkg}/package.json`)));
      }
      ensureWasmKernels();
    } else {
      await loader.load(pkg);
    }
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    return {
      ok: false,
      detail: `${pkg} is installed but failed to load (${message})`,
      fix:
        name === 'wasm'
          ? fixFor(name)
          : `check that its native binding matches this platform and Node ${process.versions.node} (npm rebuild ${pkg}), or force backend 'wasm' or 'cpu'`,
    };
  }
  if (tf.findBackendFactory(TF_NAME[name]) === null) {
    return {
      ok: false,
      detail: `${pkg} loaded but registered no '${TF_NAME[name]}' backend with this copy of @tensorflow/tfjs ${tf.version.tfjs}`,
      fix: `install versions of ${pkg} and @tensorflow/tfjs that match, so that they share one @tensorflow/tfjs-core`,
    };
  }
  return { ok: true, detail: `${pkg} loaded` };
}

function availability(name: BackendName): Promise<Availability> {
  let p = probes.get(name);
  if (!p) {
    p = probeBackend(name);
    probes.set(name, p);
  }
  return p;
}

/** What a user on wasm or cpu can do to run faster. */
const FASTER = `faster where it installs: npm i @tensorflow/tfjs-node@${tf.version.tfjs} (native TensorFlow, every core)`;

const NODE: SelectionPlatform = {
  backends: BACKENDS,
  tfName: (name) => TF_NAME[name],
  chosen(name) {
    const threading = name === 'wasm' ? wasmThreading() : undefined;
    const notes = [threading?.detail, name === 'wasm' || name === 'cpu' ? FASTER : undefined];
    return {
      note: notes.filter((n) => n !== undefined).join('; ') || undefined,
      threads: threading?.threads,
    };
  },
  initFailure: (name) => `${PACKAGES[name] ?? name} failed to initialise`,
};

const queued = queuedSelection(NODE, (forced, logger) => selectWith(forced, logger));

/** The selection itself; `check` says whether a backend's package is usable. */
export function selectWith(
  forced: BackendName | undefined,
  logger: Logger,
  check: (name: BackendName) => Promise<Availability> = availability,
): Promise<BackendChoice> {
  return selectFrom(NODE, forced, logger, check);
}

/**
 * Selects the best available backend, or the one `options.backend` forces, makes it tfjs's active
 * backend and says which it took, through the return value and `options.logger`. Safe to call any
 * number of times, concurrently too: packages are loaded once, and a call only switches backends
 * when another was made active since.
 */
export function selectBackend(
  options: {
    backend?: BackendName;
    logger?: Logger;
    /**
     * Threads of the wasm backend's large matrix products (default 1, or `VA_LM_WASM_THREADS`: a
     * count or `auto`, one per core). Takes effect when wasm is first initialised in the process;
     * asking for another count later throws.
     */
    threads?: number;
  } = {},
): Promise<BackendChoice> {
  const { backend, logger = silentLogger, threads } = options;
  try {
    requestWasmThreads(threads, 'selectBackend');
  } catch (error) {
    return Promise.reject(error);
  }
  return queued(backend, logger);
}
