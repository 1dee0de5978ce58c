// Scaled dot-product attention over every batch row and head in one call, forward and backward
// (llm.c's attention_forward / attention_backward, with grouped-query heads and Gemma 2's
// soft-capping). q, k, v and the output are read and written in place through strides: element
// (b, h, t, j) of a tensor lives at base + b * bs + t * ts + h * hs + j, so GPT-2's fused
// [b * t, 3 * d] projection, [b * t, h * hd] rows and the KV cache's [b, h, s, hd] all work as they
// are. The mask is the model's additive bias [b, t, s] (0 or -1e9), added after the scaling (and
// the cap), so a fully masked query row gets the same uniform weights as the composed ops give it.
// One task per (batch row, key head): the query heads that share a key head are summed into its
// dk and dv by the same task.
#include "kernels.h"

typedef struct {
  float *p;
  int bs, ts, hs;
} view_t;

INLINE view_t view(const arg_t *a) {
  view_t v = {F(a[0].i), a[1].i, a[2].i, a[3].i};
  return v;
}
INLINE float *at(view_t v, int b, int h) { return v.p + b * v.bs + h * v.hs; }

/** Scores of one head into s[T, S]: scale q k^T, capped, plus the bias row. */
INLINE void scores(int T, int S, int HD, const float *q, int qts, const float *k, int kts,
                   const float *bias, float scale, float cap, float *s) {
  gemm_nt(T, S, HD, q, qts, k, kts, s, S, 0);
  f4 vs = splat(scale), vc = splat(cap), vic = splat(cap != 0.f ? 1.f / cap : 0.f);
  for (int t = 0; t < T; t++) {
    float *row = s + t * S;
    const float *brow = bias ? bias + t * S : 0;
    int j = 0;
    for (; j + 4 <= S; j += 4) {
      f4 z = mul(ld(row + j), vs);
      if (cap != 0.f) z = mul(vtanh(mul(z, vic)), vc);
      st(row + j, brow ? add(z, ld(brow + j)) : z);
    }
    for (; j < S; j++) {
      float z = row[j] * scale;
      if (cap != 0.f) z = stanh(z / cap) * cap;
      row[j] = brow ? z + brow[j] : z;
    }
  }
}

/** Softmax of each row of s[T, S], in place. */
INLINE void softmax_rows(int T, int S, float *s) {
  for (int t = 0; t < T; t++) {
    float *row = s + t * S;
    f4 vm = splat(-__builtin_inff());
    int j = 0;
    for (; j + 4 <= S; j += 4) vm = wasm_f32x4_max(vm, ld(row + j));
    float m = hmax(vm);
    for (; j < S; j++) m = row[j] > m ? row[j] : m;
    f4 vsum = splat(0.f);
    vm = splat(m);
    for (j = 0; j + 4 <= S; j += 4) {
      f4 e = vexp(sub(ld(row + j), vm));
      st(row + j, e);
      vsum = add(vsum, e);
    }
    float sum = hsum(vsum);
    for (; j < S; j++) {
      row[j] = sexp(row[j] - m);
      sum += row[j];
    }
    f4 inv = splat(1.f / sum);
    for (j = 0; j + 4 <= S; j += 4) st(row + j, mul(ld(row + j), inv));
    for (; j < S; j++) row[j] *= 1.f / sum;
  }
}

/**
 * K_ATTENTION: B T S H HKV HD | q(4) k(4) v(4) out(4) | bias probs scale cap scratch stride.
 * probs [B, H, T, S] keeps the weights for the backward pass (0: none kept, scratch used).
 */
void attention_task(const arg_t *a, int task, int thread) {
  int B = a[0].i, T = a[1].i, S = a[2].i, H = a[3].i, HKV = a[4].i, HD = a[5].i;
  view_t q = view(a + 6), k = view(a + 10), v = view(a + 14), o = view(a + 18);
  const float *bias = a[22].i ? F(a[22].i) : 0;
  float *probs = a[23].i ? F(a[23].i) : 0;
  float scale = a[24].f, cap = a[25].f;
  float *scratch = F(a[26].i) + thread * a[27].i;
  int b = task / HKV, g = task % HKV, rep = H / HKV;
  (void)B;
  const float *brow = bias ? bias + b * T * S : 0;
  for (int h = g * rep; h < (g + 1) * rep; h++) {
    float *p = probs ? probs + (b * H + h) * T * S : scratch;
    scores(T, S, HD, at(q, b, h), q.ts, at(k, b, g), k.ts, brow, scale, cap, p);
    softmax_rows(T, S, p);
    gemm_nn(T, HD, S, p, S, 1, at(v, b, g), v.ts, at(o, b, h), o.ts, 0);
  }
}

/**
 * K_ATTENTION_GRAD: B T S H HKV HD | q(4) k(4) v(4) dout(4) | bias probs scale cap scratch stride |
 * dq(4) dk(4) dv(4). Per head, with P the weights: dP = dO v^T, dv += P^T dO,
 * dZ = P (dP - rowsum(dP P)) (times 1 - tanh^2 through the cap) times the scale,
 * dq = dZ k, dk += dZ^T q. The scratch holds dP and, with a cap, the recomputed scores.
 */
void attention_grad_task(const arg_t *a, int task, int thread) {
  int T = a[1].i, S = a[2].i, H = a[3].i, HKV = a[4].i, HD = a[5].i;
  view_t q = view(a + 6), k = view(a + 10), v = view(a + 14), dout = view(a + 18);
  view_t dq = view(a + 28), dk = view(a + 32), dv = view(a + 36);
  const float *probs = F(a[23].i);
  float scale = a[24].f, cap = a[25].f;
  float *dp = F(a[26].i) + thread * a[27].i, *z = dp + T * S;
  int b = task / HKV, g = task % HKV, rep = H / HKV;
  for (int h = g * rep; h < (g + 1) * rep; h++) {
    const float *p = probs + (b * H + h) * T * S;
    int first = h == g * rep;
    const float *dob = at(dout, b, h);
    gemm_nt(T, S, HD, dob, dout.ts, at(v, b, g), v.ts, dp, S, 0);
    // dv[S, HD] (+)= P^T dO: P read transposed (i = key, k = query).
    gemm_nn(S, HD, T, p, 1, S, dob, dout.ts, at(dv, b, g), dv.ts, !first);
    if (cap != 0.f) gemm_nt(T, S, HD, at(q, b, h), q.ts, at(k, b, g), k.ts, z, S, 0);
    f4 vs = splat(scale), vic = splat(1.f / (cap != 0.f ? cap : 1.f));
    for (int t = 0; t < T; t++) {
      const float *pr = p + t * S;
      float *dr = dp + t * S, *zr = z + t * S;
      f4 acc = splat(0.f);
      int j = 0;
      for (; j + 4 <= S; j += 4) acc = madd(acc, ld(pr + j), ld(dr + j));
      float dot = hsum(acc);
      for (; j < S; j++) dot += pr[j] * dr[j];
      f4 vd = splat(dot);
      for (j = 0; j + 4 <= S; j += 4) {
        f4 g4 = mul(ld(pr + j), sub(ld(dr + j), vd));
        if (cap != 0.f) {
          f4 th = vtanh(mul(mul(ld(zr + j), vs), vic));
          g4 = mul(g4, sub(splat(1.f), mul(th, th)));
        }
        st(dr + j, mul(g4, vs));
      }
      for (; j < S; j++) {
        float g1 = pr[j] * (dr[j] - dot);
        if (cap != 0.f) {
          float th = stanh(zr[j] * scale / cap);
          g1 *= 1.f - th * th;
        }
        dr[j] = g1 * scale;
      }
    }
    gemm_nn(T, HD, S, dp, S, 1, at(k, b, g), k.ts, at(dq, b, h), dq.ts, 0);
    gemm_nn(S, HD, T, dp, 1, S, at(q, b, h), q.ts, at(dk, b, g), dk.ts, !first);
  }
}
