// Shared declarations of @va/lm's WebAssembly SIMD kernels (csrc/*.c, built by
// scripts/build-wasm.sh): the job record JavaScript fills, SIMD helpers and the kernels' entry points.
// The module imports tfjs-backend-wasm's own memory, so it must hold no data and use no stack:
// no static arrays, no address-taken locals, no libc (build-wasm.sh checks the binary).
#ifndef VA_KERNELS_H
#define VA_KERNELS_H

#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t f4;

/** One argument of a job: an int32 (a count or a heap offset) or a float32, as JavaScript wrote it. */
typedef union {
  int32_t i;
  float f;
} arg_t;

/**
 * A job: `kernel` runs on tasks 0 .. ntasks-1 (at most 65535), which threads take in turn from
 * `next` (the job's sequence number << 16 | the next task, see job.c) and count in `done`. A task's
 * result never depends on the thread that runs it.
 */
typedef struct {
  int32_t kernel;
  int32_t ntasks;
  int32_t next;
  int32_t done;
  arg_t a[60];
} job_t;

enum {
  K_MATMUL = 1,
  K_ATTENTION = 2,
  K_ATTENTION_GRAD = 3,
  K_LAYER_NORM = 4,
  K_LAYER_NORM_GRAD = 5,
  K_RMS_NORM = 6,
  K_RMS_NORM_GRAD = 7,
  K_SUM_PARTS = 8,
  K_GELU = 9,
  K_GELU_GRAD = 10,
  K_GATED = 11,
  K_GATED_GRAD = 12,
  K_PICK = 13,
  K_PICK_GRAD = 14,
  K_ADAMW = 15,
  K_SUM_SQUARES = 16,
  K_COL_SUM = 17,
  K_ADD = 18,
  K_ENTROPY = 19,
  K_ENTROPY_GRAD = 20,
  K_EMBED = 21,
  K_EMBED_GRAD = 22,
};

#define F(p) ((float *)(uintptr_t)(uint32_t)(p))
#define INLINE static inline __attribute__((always_inline))

INLINE f4 ld(const float *p) { return wasm_v128_load(p); }
INLINE void st(float *p, f4 v) { wasm_v128_store(p, v); }
INLINE f4 splat(float x) { return wasm_f32x4_splat(x); }
INLINE f4 add(f4 a, f4 b) { return wasm_f32x4_add(a, b); }
INLINE f4 sub(f4 a, f4 b) { return wasm_f32x4_sub(a, b); }
INLINE f4 mul(f4 a, f4 b) { return wasm_f32x4_mul(a, b); }
INLINE f4 madd(f4 acc, f4 a, f4 b) { return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b)); }
INLINE float hsum(f4 v) {
  f4 s = add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  s = add(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(s, 0);
}
INLINE float hmax(f4 v) {
  f4 s = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  s = wasm_f32x4_max(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(s, 0);
}

/** exp(x) for float32 lanes (Cephes' expf: within 2 ulp), 0 below -87.3 (so masked scores vanish). */
INLINE f4 vexp(f4 x) {
  const f4 hi = splat(88.3762626647949f), lo = splat(-87.3365478515625f);
  f4 small = wasm_f32x4_lt(x, lo);
  x = wasm_f32x4_min(wasm_f32x4_max(x, lo), hi);
  f4 fx = wasm_f32x4_nearest(mul(x, splat(1.44269504088896341f)));
  x = sub(x, mul(fx, splat(0.693359375f)));
  x = add(x, mul(fx, splat(2.12194440e-4f)));
  f4 z = mul(x, x);
  f4 y = splat(1.9875691500E-4f);
  y = madd(splat(1.3981999507E-3f), y, x);
  y = madd(splat(8.3334519073E-3f), y, x);
  y = madd(splat(4.1665795894E-2f), y, x);
  y = madd(splat(1.6666665459E-1f), y, x);
  y = madd(splat(5.0000001201E-1f), y, x);
  y = add(madd(x, y, z), splat(1.0f));
  v128_t e = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(fx), wasm_i32x4_splat(127)), 23);
  y = mul(y, e);
  return wasm_v128_andnot(y, small);
}

/** tanh(x) for float32 lanes: Eigen's rational approximation (within 2 ulp), +-1 beyond +-7.9. */
INLINE f4 vtanh(f4 x) {
  const f4 clamp = splat(7.90531110763549805f);
  f4 tiny = wasm_f32x4_lt(wasm_f32x4_abs(x), splat(0.0004f));
  f4 c = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_neg(clamp)), clamp);
  f4 x2 = mul(c, c);
  f4 p = splat(-2.76076847742355e-16f);
  p = madd(splat(2.00018790482477e-13f), p, x2);
  p = madd(splat(-8.60467152213735e-11f), p, x2);
  p = madd(splat(5.12229709037114e-08f), p, x2);
  p = madd(splat(1.48572235717979e-05f), p, x2);
  p = madd(splat(6.37261928875436e-04f), p, x2);
  p = madd(splat(4.89352455891786e-03f), p, x2);
  p = mul(c, p);
  f4 q = splat(1.19825839466702e-06f);
  q = madd(splat(1.18534705686654e-04f), q, x2);
  q = madd(splat(2.26843463243900e-03f), q, x2);
  q = madd(splat(4.89352518554385e-03f), q, x2);
  return wasm_v128_bitselect(x, wasm_f32x4_div(p, q), tiny);
}

/** Scalar forms of the same, for tails. */
INLINE float sexp(float x) { return wasm_f32x4_extract_lane(vexp(splat(x)), 0); }
INLINE float stanh(float x) { return wasm_f32x4_extract_lane(vtanh(splat(x)), 0); }
/** Natural log of a positive finite double (frexp-free: exponent from the bits, then atanh series). */
double dlog(double x);

// Products (gemm.c): C[M, N] (+)= A B with A(i, k) at A[i * sai + k * sak] and B(k, j) at
// B[k * ldb + j] (nn), or B(k, j) at B[j * ldb + k] (nt); rows of C ldc apart.
void gemm_nn(int M, int N, int K, const float *A, int sai, int sak, const float *B, int ldb,
             float *C, int ldc, int accumulate);
void gemm_nt(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
             int ldc, int accumulate);

void matmul_task(const arg_t *a, int task, int thread);
void attention_task(const arg_t *a, int task, int thread);
void attention_grad_task(const arg_t *a, int task, int thread);
void layer_norm_task(const arg_t *a, int task);
void layer_norm_grad_task(const arg_t *a, int task);
void rms_norm_task(const arg_t *a, int task);
void rms_norm_grad_task(const arg_t *a, int task);
void sum_parts_task(const arg_t *a, int task);
void col_sum_task(const arg_t *a, int task);
void gelu_task(const arg_t *a, int task);
void gelu_grad_task(const arg_t *a, int task);
void gated_task(const arg_t *a, int task);
void gated_grad_task(const arg_t *a, int task);
void add_task(const arg_t *a, int task);
void embed_task(const arg_t *a, int task);
void embed_grad_task(const arg_t *a, int task);
void pick_task(const arg_t *a, int task);
void pick_grad_task(const arg_t *a, int task);
void entropy_task(const arg_t *a, int task);
void entropy_grad_task(const arg_t *a, int task);
void adamw_task(const arg_t *a, int task);
void sum_squares_task(const arg_t *a, int task);

#endif
