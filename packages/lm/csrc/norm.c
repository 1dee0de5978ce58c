// LayerNorm and RMSNorm over the last axis, forward and backward (llm.c's layernorm_forward /
// layernorm_backward; RMSNorm as Hugging Face's LlamaRMSNorm, Gemma's with x * (1 + w)), each with
// the residual add before it fused in: x = x + delta is written out and normalised in one pass.
// Weight gradients are summed per task into `parts` and then in task order (K_SUM_PARTS), so
// the result does not depend on which thread ran which rows.
#include "kernels.h"

INLINE float row_sum(const float *x, int d) {
  f4 s = splat(0.f);
  int j = 0;
  for (; j + 4 <= d; j += 4) s = add(s, ld(x + j));
  float r = hsum(s);
  for (; j < d; j++) r += x[j];
  return r;
}

/** x = x + delta (into xout) when there is a delta; returns the row to normalise. */
INLINE const float *residual(const float *x, const float *delta, float *xout, int d) {
  if (!delta) return x;
  int j = 0;
  for (; j + 4 <= d; j += 4) st(xout + j, add(ld(x + j), ld(delta + j)));
  for (; j < d; j++) xout[j] = x[j] + delta[j];
  return xout;
}

/**
 * K_LAYER_NORM: rows d x w b y mean rstd eps rowsPerTask delta xout. Biased variance, as torch:
 * y = (x - mean) * rstd * w + b.
 */
void layer_norm_task(const arg_t *a, int task) {
  int rows = a[0].i, d = a[1].i, per = a[9].i;
  const float *w = F(a[3].i), *b = F(a[4].i);
  float eps = a[8].f;
  const float *delta = a[10].i ? F(a[10].i) : 0;
  int r1 = (task + 1) * per < rows ? (task + 1) * per : rows;
  for (int r = task * per; r < r1; r++) {
    const float *x = residual(F(a[2].i) + r * d, delta ? delta + r * d : 0, F(a[11].i) + r * d, d);
    float *y = F(a[5].i) + r * d;
    float mu = row_sum(x, d) / d;
    f4 vm = splat(mu), s = splat(0.f);
    int j = 0;
    for (; j + 4 <= d; j += 4) {
      f4 c = sub(ld(x + j), vm);
      s = madd(s, c, c);
    }
    float var = hsum(s);
    for (; j < d; j++) var += (x[j] - mu) * (x[j] - mu);
    float rs = 1.f / __builtin_sqrtf(var / d + eps);
    F(a[6].i)[r] = mu;
    F(a[7].i)[r] = rs;
    f4 vr = splat(rs);
    for (j = 0; j + 4 <= d; j += 4)
      st(y + j, add(mul(mul(sub(ld(x + j), vm), vr), ld(w + j)), ld(b + j)));
    for (; j < d; j++) y[j] = (x[j] - mu) * rs * w[j] + b[j];
  }
}

/**
 * K_LAYER_NORM_GRAD: rows d dy x w mean rstd dx parts rowsPerTask dres. With xhat = (x - mean) rstd
 * and g = dy w: dx = (g - mean(g) - xhat mean(g xhat)) rstd (+ dres); this task's sums of dy xhat
 * and dy go to parts[task] = [dw | db].
 */
void layer_norm_grad_task(const arg_t *a, int task) {
  int rows = a[0].i, d = a[1].i, per = a[9].i;
  const float *w = F(a[4].i);
  const float *dres = a[10].i ? F(a[10].i) : 0;
  float *dw = F(a[8].i) + task * 2 * d, *db = dw + d;
  for (int j = 0; j < 2 * d; j++) dw[j] = 0.f;
  int r1 = (task + 1) * per < rows ? (task + 1) * per : rows;
  for (int r = task * per; r < r1; r++) {
    const float *dy = F(a[2].i) + r * d, *x = F(a[3].i) + r * d;
    float *dx = F(a[7].i) + r * d;
    float mu = F(a[5].i)[r], rs = F(a[6].i)[r];
    f4 vm = splat(mu), vr = splat(rs), sg = splat(0.f), sgx = splat(0.f);
    int j = 0;
    for (; j + 4 <= d; j += 4) {
      f4 g = ld(dy + j), xh = mul(sub(ld(x + j), vm), vr), gw = mul(g, ld(w + j));
      st(dw + j, madd(ld(dw + j), g, xh));
      st(db + j, add(ld(db + j), g));
      sg = add(sg, gw);
      sgx = madd(sgx, gw, xh);
    }
    float sumG = hsum(sg), sumGX = hsum(sgx);
    for (; j < d; j++) {
      float g = dy[j], xh = (x[j] - mu) * rs, gw = g * w[j];
      dw[j] += g * xh;
      db[j] += g;
      sumG += gw;
      sumGX += gw * xh;
    }
    float mg = sumG / d, mgx = sumGX / d;
    f4 vmg = splat(mg), vmgx = splat(mgx);
    for (j = 0; j + 4 <= d; j += 4) {
      f4 xh = mul(sub(ld(x + j), vm), vr);
      f4 v = mul(sub(sub(mul(ld(dy + j), ld(w + j)), vmg), mul(xh, vmgx)), vr);
      st(dx + j, dres ? add(v, ld(dres + r * d + j)) : v);
    }
    for (; j < d; j++) {
      float xh = (x[j] - mu) * rs;
      float v = (dy[j] * w[j] - mg - xh * mgx) * rs;
      dx[j] = dres ? v + dres[r * d + j] : v;
    }
  }
}

/**
 * K_RMS_NORM: rows d x w y rstd eps offset rowsPerTask delta xout.
 * y = x * rstd * (w + offset), rstd = 1 / sqrt(mean(x^2) + eps); offset 1 is Gemma's (1 + w).
 */
void rms_norm_task(const arg_t *a, int task) {
  int rows = a[0].i, d = a[1].i, per = a[8].i;
  const float *w = F(a[3].i);
  float eps = a[6].f, off = a[7].f;
  const float *delta = a[9].i ? F(a[9].i) : 0;
  int r1 = (task + 1) * per < rows ? (task + 1) * per : rows;
  for (int r = task * per; r < r1; r++) {
    const float *x = residual(F(a[2].i) + r * d, delta ? delta + r * d : 0, F(a[10].i) + r * d, d);
    float *y = F(a[4].i) + r * d;
    f4 s = splat(0.f);
    int j = 0;
    for (; j + 4 <= d; j += 4) s = madd(s, ld(x + j), ld(x + j));
    float ss = hsum(s);
    for (; j < d; j++) ss += x[j] * x[j];
    float rs = 1.f / __builtin_sqrtf(ss / d + eps);
    F(a[5].i)[r] = rs;
    f4 vr = splat(rs), vo = splat(off);
    for (j = 0; j + 4 <= d; j += 4) st(y + j, mul(mul(ld(x + j), vr), add(ld(w + j), vo)));
    for (; j < d; j++) y[j] = x[j] * rs * (w[j] + off);
  }
}

/**
 * K_RMS_NORM_GRAD: rows d dy x w rstd dx parts rowsPerTask offset dres. With xhat = x rstd and
 * g = dy (w + offset): dx = (g - xhat mean(g xhat)) rstd (+ dres); parts[task] = sum of dy xhat.
 */
void rms_norm_grad_task(const arg_t *a, int task) {
  int rows = a[0].i, d = a[1].i, per = a[8].i;
  const float *w = F(a[4].i);
  float off = a[9].f;
  const float *dres = a[10].i ? F(a[10].i) : 0;
  float *dw = F(a[7].i) + task * d;
  for (int j = 0; j < d; j++) dw[j] = 0.f;
  f4 vo = splat(off);
  int r1 = (task + 1) * per < rows ? (task + 1) * per : rows;
  for (int r = task * per; r < r1; r++) {
    const float *dy = F(a[2].i) + r * d, *x = F(a[3].i) + r * d;
    float *dx = F(a[6].i) + r * d;
    float rs = F(a[5].i)[r];
    f4 vr = splat(rs), sgx = splat(0.f);
    int j = 0;
    for (; j + 4 <= d; j += 4) {
      f4 g = ld(dy + j), xh = mul(ld(x + j), vr);
      st(dw + j, madd(ld(dw + j), g, xh));
      sgx = madd(sgx, mul(g, add(ld(w + j), vo)), xh);
    }
    float sumGX = hsum(sgx);
    for (; j < d; j++) {
      float xh = x[j] * rs;
      dw[j] += dy[j] * xh;
      sumGX += dy[j] * (w[j] + off) * xh;
    }
    f4 vm = splat(sumGX / d);
    for (j = 0; j + 4 <= d; j += 4) {
      f4 xh = mul(ld(x + j), vr);
      f4 v = mul(sub(mul(ld(dy + j), add(ld(w + j), vo)), mul(xh, vm)), vr);
      st(dx + j, dres ? add(v, ld(dres + r * d + j)) : v);
    }
    float m = sumGX / d;
    for (; j < d; j++) {
      float v = (dy[j] * (w[j] + off) - x[j] * rs * m) * rs;
      dx[j] = dres ? v + dres[r * d + j] : v;
    }
  }
}

/**
 * K_SUM_PARTS: parts nparts stride width out colsPerTask accumulate. out[j] (+)= sum over p of
 * parts[p * stride + j], parts added in order.
 */
void sum_parts_task(const arg_t *a, int task) {
  const float *parts = F(a[0].i);
  int nparts = a[1].i, stride = a[2].i, width = a[3].i, per = a[5].i, accumulate = a[6].i;
  float *out = F(a[4].i);
  int j0 = task * per, j1 = j0 + per < width ? j0 + per : width;
  int j = j0;
  for (; j + 4 <= j1; j += 4) {
    f4 s = accumulate ? ld(out + j) : splat(0.f);
    for (int p = 0; p < nparts; p++) s = add(s, ld(parts + p * stride + j));
    st(out + j, s);
  }
  for (; j < j1; j++) {
    float s = accumulate ? out[j] : 0.f;
    for (int p = 0; p < nparts; p++) s += parts[p * stride + j];
    out[j] = s;
  }
}

/** K_COL_SUM: x rows width ld out colsPerTask accumulate. out[j] (+)= sum over rows of x[r, j]. */
void col_sum_task(const arg_t *a, int task) {
  const float *x = F(a[0].i);
  int rows = a[1].i, width = a[2].i, ldx = a[3].i, per = a[5].i, accumulate = a[6].i;
  float *out = F(a[4].i);
  int j0 = task * per, j1 = j0 + per < width ? j0 + per : width;
  int j = j0;
  for (; j + 16 <= j1; j += 16) {
    f4 s0 = splat(0.f), s1 = s0, s2 = s0, s3 = s0;
    for (int r = 0; r < rows; r++) {
      const float *p = x + r * ldx + j;
      s0 = add(s0, ld(p));
      s1 = add(s1, ld(p + 4));
      s2 = add(s2, ld(p + 8));
      s3 = add(s3, ld(p + 12));
    }
    if (accumulate) {
      s0 = add(s0, ld(out + j));
      s1 = add(s1, ld(out + j + 4));
      s2 = add(s2, ld(out + j + 8));
      s3 = add(s3, ld(out + j + 12));
    }
    st(out + j, s0);
    st(out + j + 4, s1);
    st(out + j + 8, s2);
    st(out + j + 12, s3);
  }
  for (; j < j1; j++) {
    float s = 0.f;
    for (int r = 0; r < rows; r++) s += x[r * ldx + j];
    out[j] = accumulate ? out[j] + s : s;
  }
}
