// log softmax(logits)[target] per row and its gradient (torch's F.cross_entropy without the mean,
// TRL's logprobs_from_logits): the forward keeps each row's log-sum-exp, so the backward needs no
// [n, vocab] tensor of exponentials: d logits = dy (onehot(target) - exp(logits - lse)). And the
// entropy of each row's softmax (TRL's entropy_from_logits), in one pass after the max.
#include "kernels.h"

/** The log-sum-exp of a row: max plus log of the sum of exp(x - max) (summed in float64). */
INLINE float row_lse(const float *x, int V) {
  f4 vm = splat(-__builtin_inff());
  int j = 0;
  for (; j + 4 <= V; j += 4) vm = wasm_f32x4_max(vm, ld(x + j));
  float m = hmax(vm);
  for (; j < V; j++) m = x[j] > m ? x[j] : m;
  vm = splat(m);
  double sum = 0;
  j = 0;
  while (j + 4 <= V) {
    f4 s = splat(0.f);
    int end = j + 1024 < V ? j + 1024 : V;
    for (; j + 4 <= end; j += 4) s = add(s, vexp(sub(ld(x + j), vm)));
    sum += hsum(s);
  }
  for (; j < V; j++) sum += sexp(x[j] - m);
  return m + (float)dlog(sum);
}

/** K_PICK: logits targets out lse n V rowsPerTask. out[r] = logits[r, target[r]] - lse[r]. */
void pick_task(const arg_t *a, int task) {
  const float *x = F(a[0].i);
  const int32_t *tg = (const int32_t *)F(a[1].i);
  float *out = F(a[2].i), *lse = F(a[3].i);
  int n = a[4].i, V = a[5].i, per = a[6].i;
  int r1 = (task + 1) * per < n ? (task + 1) * per : n;
  for (int r = task * per; r < r1; r++) {
    float l = row_lse(x + r * V, V);
    lse[r] = l;
    out[r] = x[r * V + tg[r]] - l;
  }
}

/** K_PICK_GRAD: dy logits targets lse dx n V rowsPerTask. */
void pick_grad_task(const arg_t *a, int task) {
  const float *dy = F(a[0].i), *x = F(a[1].i), *lse = F(a[3].i);
  const int32_t *tg = (const int32_t *)F(a[2].i);
  float *dx = F(a[4].i);
  int n = a[5].i, V = a[6].i, per = a[7].i;
  int r1 = (task + 1) * per < n ? (task + 1) * per : n;
  for (int r = task * per; r < r1; r++) {
    const float *xr = x + r * V;
    float *dr = dx + r * V;
    f4 vl = splat(lse[r]), vg = splat(-dy[r]);
    int j = 0;
    for (; j + 4 <= V; j += 4) st(dr + j, mul(vg, vexp(sub(ld(xr + j), vl))));
    for (; j < V; j++) dr[j] = -dy[r] * sexp(xr[j] - lse[r]);
    dr[tg[r]] += dy[r];
  }
}

/**
 * K_ENTROPY: logits out n V rowsPerTask. H = -sum p log p = sum p (lse - x): each term small and
 * positive, so the float32 exponentials' errors stay relative (m + log S - E[x] would cancel two
 * numbers near the row's max). Two passes of exponentials, sums in float64.
 */
void entropy_task(const arg_t *a, int task) {
  const float *x = F(a[0].i);
  float *out = F(a[1].i);
  int n = a[2].i, V = a[3].i, per = a[4].i;
  int r1 = (task + 1) * per < n ? (task + 1) * per : n;
  for (int r = task * per; r < r1; r++) {
    const float *xr = x + r * V;
    float lse = row_lse(xr, V);
    f4 vl = splat(lse);
    double h = 0;
    int j = 0;
    while (j + 4 <= V) {
      f4 s = splat(0.f);
      int end = j + 1024 < V ? j + 1024 : V;
      for (; j + 4 <= end; j += 4) {
        f4 d = sub(vl, ld(xr + j));
        s = madd(s, vexp(wasm_f32x4_neg(d)), d);
      }
      h += hsum(s);
    }
    for (; j < V; j++) h += sexp(xr[j] - lse) * (lse - xr[j]);
    out[r] = (float)h;
  }
}

/**
 * K_ENTROPY_GRAD: dy logits h dx n V rowsPerTask. dH/dx = -p (log p + H) = p (lse - x - H), with
 * the row's log-sum-exp computed again (float64 sum) and H the forward's.
 */
void entropy_grad_task(const arg_t *a, int task) {
  const float *dy = F(a[0].i), *x = F(a[1].i), *h = F(a[2].i);
  float *dx = F(a[3].i);
  int n = a[4].i, V = a[5].i, per = a[6].i;
  int r1 = (task + 1) * per < n ? (task + 1) * per : n;
  for (int r = task * per; r < r1; r++) {
    const float *xr = x + r * V;
    float *dr = dx + r * V;
    float lse = row_lse(xr, V);
    f4 vl = splat(lse), vc = splat(lse - h[r]), vg = splat(dy[r]);
    int j = 0;
    for (; j + 4 <= V; j += 4) {
      f4 v = ld(xr + j);
      st(dr + j, mul(mul(vg, vexp(sub(v, vl))), sub(vc, v)));
    }
    for (; j < V; j++) dr[j] = dy[r] * sexp(xr[j] - lse) * (lse - h[r] - xr[j]);
  }
}
