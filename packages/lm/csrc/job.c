// The entry point JavaScript calls: `run(job, thread)` takes tasks of a job until none is left. The
// threaded build (-matomics) takes them with atomic adds, so every thread that runs the same job
// shares its tasks, and wakes a thread waiting on `done` after each (src/kernels/pool.ts); the
// single-threaded build runs them all in turn.
#include "kernels.h"

static void dispatch(job_t *job, int task, int thread) {
  const arg_t *a = job->a;
  switch (job->kernel) {
    case K_MATMUL: matmul_task(a, task, thread); break;
    case K_ATTENTION: attention_task(a, task, thread); break;
    case K_ATTENTION_GRAD: attention_grad_task(a, task, thread); break;
    case K_LAYER_NORM: layer_norm_task(a, task); break;
    case K_LAYER_NORM_GRAD: layer_norm_grad_task(a, task); break;
    case K_RMS_NORM: rms_norm_task(a, task); break;
    case K_RMS_NORM_GRAD: rms_norm_grad_task(a, task); break;
    case K_SUM_PARTS: sum_parts_task(a, task); break;
    case K_COL_SUM: col_sum_task(a, task); break;
    case K_GELU: gelu_task(a, task); break;
    case K_GELU_GRAD: gelu_grad_task(a, task); break;
    case K_GATED: gated_task(a, task); break;
    case K_GATED_GRAD: gated_grad_task(a, task); break;
    case K_ADD: add_task(a, task); break;
    case K_EMBED: embed_task(a, task); break;
    case K_EMBED_GRAD: embed_grad_task(a, task); break;
    case K_PICK: pick_task(a, task); break;
    case K_PICK_GRAD: pick_grad_task(a, task); break;
    case K_ENTROPY: entropy_task(a, task); break;
    case K_ENTROPY_GRAD: entropy_grad_task(a, task); break;
    case K_ADAMW: adamw_task(a, task); break;
    case K_SUM_SQUARES: sum_squares_task(a, task); break;
    default: __builtin_trap();
  }
}

/**
 * Runs tasks of `job` until all are taken; returns how many this thread ran. `next` holds the job's
 * sequence number (15 bits) above its next task (16 bits): a thread that woke for an earlier job
 * sees another number and leaves without touching the counter, so a job is only ever run by
 * threads that were told of it after its arguments were written.
 */
__attribute__((export_name("run"))) int run(job_t *job, int thread, int seq) {
  int ran = 0;
  for (;;) {
    int cur = __atomic_load_n(&job->next, __ATOMIC_SEQ_CST);
    if ((cur >> 16) != seq || (cur & 0xffff) >= job->ntasks) break;
    if (!__atomic_compare_exchange_n(&job->next, &cur, cur + 1, 0, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST))
      continue;
    dispatch(job, cur & 0xffff, thread);
    __atomic_fetch_add(&job->done, 1, __ATOMIC_SEQ_CST);
#ifdef __wasm_atomics__
    __builtin_wasm_memory_atomic_notify(&job->done, 1);
#endif
    ran++;
  }
  return ran;
}

/** The build's kernel ABI version: JavaScript refuses a binary built from other sources. */
__attribute__((export_name("abi_version"))) int abi_version(void) { return 2; }

double dlog(double x) {
  union {
    double d;
    uint64_t u;
  } v = {x};
  int e = (int)((v.u >> 52) & 0x7ff) - 1023;
  v.u = (v.u & 0x000fffffffffffffull) | 0x3ff0000000000000ull;  // mantissa in [1, 2)
  double m = v.d;
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  // log(m) = 2 atanh(z), z = (m - 1) / (m + 1), |z| <= 0.172: the series to z^17 is exact to 1e-16.
  double z = (m - 1) / (m + 1), z2 = z * z;
  double s = 1.0 / 17;
  s = s * z2 + 1.0 / 15;
  s = s * z2 + 1.0 / 13;
  s = s * z2 + 1.0 / 11;
  s = s * z2 + 1.0 / 9;
  s = s * z2 + 1.0 / 7;
  s = s * z2 + 1.0 / 5;
  s = s * z2 + 1.0 / 3;
  s = s * z2 + 1.0;
  return 2 * z * s + e * 0.6931471805599453;
}
