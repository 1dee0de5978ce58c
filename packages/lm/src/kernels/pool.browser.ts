// Browser build of pool.ts: the kernels' extra threads are Node worker_threads; in a page the
// kernels run on the calling thread (wasm-threads.browser.ts reports one thread to them).

/** Never made in a browser (see above). */
export class WorkerPool {
  constructor() {
    throw new Error('@va/lm: the kernels run on the calling thread in a browser');
  }
}
