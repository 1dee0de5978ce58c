// AdamW over many parameters in one pass (torch.optim.AdamW's single-tensor step, float32):
// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p = p (1 - lr wd) - step m / (sqrt(v) / c2 + eps),
// with g scaled first (gradient clipping) and step = lr / (1 - b1^t), c2 = sqrt(1 - b2^t). A task is
// one record: a run of at most a few thousand elements of one parameter.
#include "kernels.h"

/** A record of the table JavaScript writes: heap offsets of the run and its length. */
typedef struct {
  int32_t p, g, m, v, out, n, decay, pad;
} run_t;

/**
 * K_ADAMW: table count b1 b2 eps keep step c2 gradScale. `keep` = 1 - lr wd applies where the
 * record's decay flag is set. The new weights go to `out` (which may be p itself).
 */
void adamw_task(const arg_t *a, int task) {
  const run_t *r = (const run_t *)F(a[0].i) + task;
  float b1 = a[2].f, b2 = a[3].f, eps = a[4].f, keep = r->decay ? a[5].f : 1.f;
  float step = a[6].f, c2 = a[7].f, gs = a[8].f;
  const float *p = F(r->p), *g = F(r->g);
  float *m = F(r->m), *v = F(r->v), *out = F(r->out);
  int n = r->n, i = 0;
  f4 vb1 = splat(b1), vb2 = splat(b2), va1 = splat(1.f - b1), va2 = splat(1.f - b2);
  f4 veps = splat(eps), vkeep = splat(keep), vstep = splat(step), vc2 = splat(c2), vgs = splat(gs);
  for (; i + 4 <= n; i += 4) {
    f4 gi = mul(ld(g + i), vgs);
    f4 mi = add(mul(ld(m + i), vb1), mul(gi, va1));
    f4 vi = add(mul(ld(v + i), vb2), mul(mul(gi, gi), va2));
    st(m + i, mi);
    st(v + i, vi);
    f4 denom = add(wasm_f32x4_div(wasm_f32x4_sqrt(vi), vc2), veps);
    st(out + i, sub(mul(ld(p + i), vkeep), mul(vstep, wasm_f32x4_div(mi, denom))));
  }
  for (; i < n; i++) {
    float gi = g[i] * gs;
    float mi = m[i] * b1 + gi * (1.f - b1);
    float vi = v[i] * b2 + gi * gi * (1.f - b2);
    m[i] = mi;
    v[i] = vi;
    out[i] = p[i] * keep - step * (mi / (__builtin_sqrtf(vi) / c2 + eps));
  }
}

/**
 * K_SUM_SQUARES: table count out. out[task] (a float64) = sum of g^2 over the record's run, summed
 * in float32 lanes over blocks of 256 and the blocks in float64.
 */
void sum_squares_task(const arg_t *a, int task) {
  const run_t *r = (const run_t *)F(a[0].i) + task;
  const float *g = F(r->g);
  int n = r->n, i = 0;
  double total = 0;
  while (i + 4 <= n) {
    f4 s = splat(0.f);
    int end = i + 256 < n ? i + 256 : n;
    for (; i + 4 <= end; i += 4) s = madd(s, ld(g + i), ld(g + i));
    total += hsum(s);
  }
  for (; i < n; i++) total += (double)g[i] * g[i];
  ((double *)F(a[2].i))[task] = total;
}
