// Element-wise kernels: GELU (tanh form, GPT-2's gelu_new and torch's gelu(approximate='tanh')),
// gated MLP activations (GeGLU with GELU tanh, SwiGLU with SiLU: act(gate) * up), and an add, each
// forward and backward in one pass (tasks are chunks of `per` elements); and the embedding lookup,
// token rows (scaled) plus learned positions, with its scatter-add gradient.
#include "kernels.h"

#define GELU_C 0.7978845608028654f /* sqrt(2 / pi) */
#define GELU_A 0.044715f

/** Chunk bounds of a task over n elements. */
#define CHUNK(n, per)                 \
  int i0 = task * (per), i1 = i0 + (per); \
  if (i1 > (n)) i1 = (n);

/** GELU and its derivative at x (lanes). */
INLINE f4 gelu(f4 x) {
  f4 u = mul(splat(GELU_C), madd(x, mul(mul(x, x), x), splat(GELU_A)));
  return mul(mul(splat(0.5f), x), add(splat(1.f), vtanh(u)));
}
INLINE f4 gelu_slope(f4 x) {
  f4 x2 = mul(x, x);
  f4 t = vtanh(mul(splat(GELU_C), madd(x, mul(x2, x), splat(GELU_A))));
  // 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 a x^2)
  f4 inner = mul(mul(splat(GELU_C), sub(splat(1.f), mul(t, t))), madd(splat(1.f), x2, splat(3 * GELU_A)));
  return mul(splat(0.5f), add(add(splat(1.f), t), mul(x, inner)));
}
/** SiLU x sigmoid(x) and its derivative s (1 + x (1 - s)). */
INLINE f4 sigmoid(f4 x) { return wasm_f32x4_div(splat(1.f), add(splat(1.f), vexp(wasm_f32x4_neg(x)))); }
INLINE f4 silu(f4 x) { return mul(x, sigmoid(x)); }
INLINE f4 silu_slope(f4 x) {
  f4 s = sigmoid(x);
  return mul(s, madd(splat(1.f), x, sub(splat(1.f), s)));
}

/** Loads up to 4 lanes (the tail of an array), zeros beyond n. */
INLINE f4 ld_part(const float *p, int n) {
  f4 v = splat(0.f);
  if (n > 0) v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}
INLINE void st_part(float *p, f4 v, int n) {
  if (n > 0) p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

/** K_GELU: x y n per. */
void gelu_task(const arg_t *a, int task) {
  const float *x = F(a[0].i);
  float *y = F(a[1].i);
  CHUNK(a[2].i, a[3].i)
  int i = i0;
  for (; i + 4 <= i1; i += 4) st(y + i, gelu(ld(x + i)));
  if (i < i1) st_part(y + i, gelu(ld_part(x + i, i1 - i)), i1 - i);
}

/** K_GELU_GRAD: dy x dx n per. */
void gelu_grad_task(const arg_t *a, int task) {
  const float *dy = F(a[0].i), *x = F(a[1].i);
  float *dx = F(a[2].i);
  CHUNK(a[3].i, a[4].i)
  int i = i0;
  for (; i + 4 <= i1; i += 4) st(dx + i, mul(ld(dy + i), gelu_slope(ld(x + i))));
  if (i < i1) {
    int n = i1 - i;
    st_part(dx + i, mul(ld_part(dy + i, n), gelu_slope(ld_part(x + i, n))), n);
  }
}

INLINE f4 act(f4 x, int kind) { return kind ? silu(x) : gelu(x); }
INLINE f4 act_slope(f4 x, int kind) { return kind ? silu_slope(x) : gelu_slope(x); }

/** K_GATED: gate up out n per kind (0: GELU tanh, 1: SiLU). out = act(gate) * up. */
void gated_task(const arg_t *a, int task) {
  const float *g = F(a[0].i), *u = F(a[1].i);
  float *o = F(a[2].i);
  int kind = a[5].i;
  CHUNK(a[3].i, a[4].i)
  int i = i0;
  for (; i + 4 <= i1; i += 4) st(o + i, mul(act(ld(g + i), kind), ld(u + i)));
  if (i < i1) {
    int n = i1 - i;
    st_part(o + i, mul(act(ld_part(g + i, n), kind), ld_part(u + i, n)), n);
  }
}

/** K_GATED_GRAD: dout gate up dgate dup n per kind. dgate = dout up act'(gate), dup = dout act(gate). */
void gated_grad_task(const arg_t *a, int task) {
  const float *d = F(a[0].i), *g = F(a[1].i), *u = F(a[2].i);
  float *dg = F(a[3].i), *du = F(a[4].i);
  int kind = a[7].i;
  CHUNK(a[5].i, a[6].i)
  for (int i = i0; i < i1; i += 4) {
    int n = i1 - i < 4 ? i1 - i : 4;
    f4 vd = n == 4 ? ld(d + i) : ld_part(d + i, n);
    f4 vg = n == 4 ? ld(g + i) : ld_part(g + i, n);
    f4 vu = n == 4 ? ld(u + i) : ld_part(u + i, n);
    f4 rg = mul(mul(vd, vu), act_slope(vg, kind)), ru = mul(vd, act(vg, kind));
    if (n == 4) {
      st(dg + i, rg);
      st(du + i, ru);
    } else {
      st_part(dg + i, rg, n);
      st_part(du + i, ru, n);
    }
  }
}

/** K_ADD: x y out n per. out = x + y. */
void add_task(const arg_t *a, int task) {
  const float *x = F(a[0].i), *y = F(a[1].i);
  float *o = F(a[2].i);
  CHUNK(a[3].i, a[4].i)
  int i = i0;
  for (; i + 4 <= i1; i += 4) st(o + i, add(ld(x + i), ld(y + i)));
  for (; i < i1; i++) o[i] = x[i] + y[i];
}

/**
 * K_EMBED: table ids table2 ids2 out n d scale rowsPerTask. out[i] = scale * table[ids[i]] (+
 * table2[ids2[i]], learned positions), rows of d floats; table2 0: none.
 */
void embed_task(const arg_t *a, int task) {
  const float *t = F(a[0].i), *t2 = a[2].i ? F(a[2].i) : 0;
  const int32_t *ids = (const int32_t *)F(a[1].i), *ids2 = (const int32_t *)F(a[3].i);
  float *out = F(a[4].i);
  int n = a[5].i, d = a[6].i, per = a[8].i;
  f4 vs = splat(a[7].f);
  int r1 = (task + 1) * per < n ? (task + 1) * per : n;
  for (int r = task * per; r < r1; r++) {
    const float *x = t + ids[r] * d, *y = t2 ? t2 + ids2[r] * d : 0;
    float *o = out + r * d;
    int j = 0;
    for (; j + 4 <= d; j += 4) {
      f4 v = mul(ld(x + j), vs);
      st(o + j, y ? add(v, ld(y + j)) : v);
    }
    for (; j < d; j++) o[j] = x[j] * a[7].f + (y ? y[j] : 0.f);
  }
}

/**
 * K_EMBED_GRAD: dy ids grad rows n d scale colsPerTask. grad [rows, d] = 0, then grad[ids[i]] +=
 * scale * dy[i] for every i in order. Tasks own columns, so repeated ids never race.
 */
void embed_grad_task(const arg_t *a, int task) {
  const float *dy = F(a[0].i);
  const int32_t *ids = (const int32_t *)F(a[1].i);
  float *g = F(a[2].i);
  int rows = a[3].i, n = a[4].i, d = a[5].i, per = a[7].i;
  float s = a[6].f;
  int j0 = task * per, j1 = j0 + per < d ? j0 + per : d;
  for (int r = 0; r < rows; r++)
    for (int j = j0; j < j1; j++) g[r * d + j] = 0.f;
  f4 vs = splat(s);
  for (int i = 0; i < n; i++) {
    float *gr = g + ids[i] * d;
    const float *di = dy + i * d;
    int j = j0;
    for (; j + 4 <= j1; j += 4) st(gr + j, madd(ld(gr + j), ld(di + j), vs));
    for (; j < j1; j++) gr[j] += di[j] * s;
  }
}
