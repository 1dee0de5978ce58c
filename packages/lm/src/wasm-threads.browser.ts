// Browser build of wasm-threads.ts: tfjs starts its own threaded wasm build where the page is
// cross-origin isolated (backend.browser.ts); nothing here replaces its factory, and @va/lm's
// kernels (kernels/) run on the calling thread.

import { nodeOnly } from '@va/core';
import type * as Node from './wasm-threads.js';

export type { WasmThreading } from './wasm-threads.js';

export const MAX_WASM_THREADS: typeof Node.MAX_WASM_THREADS = 8;
export const WASM_THREADED_MIN_WORK: typeof Node.WASM_THREADED_MIN_WORK = 1 << 22;

/** One: the count @va/lm's own kernels run on in a page. */
export const defaultWasmThreads: typeof Node.defaultWasmThreads = () => 1;
/** Nothing to report: tfjs chooses its build itself (see selectBackend's reason). */
export const wasmThreading: typeof Node.wasmThreading = () => undefined;
/** The count is given to tfjs by selectBackend in a browser. */
export const requestWasmThreads: typeof Node.requestWasmThreads = () => undefined;
export const installWasmFactory: typeof Node.installWasmFactory = () => undefined;
export const poolPointerAddress: typeof Node.poolPointerAddress = nodeOnly(
  'poolPointerAddress',
  'tfjs runs its own threaded build in a page',
  'sync',
);
