// Matrix products on WebAssembly SIMD, without packing: C (+)= A B with either operand read in place
// through strides, so no transposed copy is ever made (llm.c's matmul_forward / matmul_backward do
// the same three products: x W, dy W^T, x^T dy). Register tiles of MR x 8 (nn) and 4 x 2 dot
// products (nt); V8 maps the 16 v128 registers onto x64's xmm registers.
#include "kernels.h"

#define MR 4 /* micro() writes its rows out one by one: keep it in step */

/** C[mr, 8] (+)= A[mr, K] B[K, 8]; A(i, k) at A[i * sai + k * sak]. */
INLINE void tile_nn8(int mr, int K, const float *A, int sai, int sak, const float *B, int ldb,
                     float *C, int ldc, int accumulate) {
  f4 c0[MR], c1[MR];
  for (int r = 0; r < MR; r++) {
    if (r < mr && accumulate) {
      c0[r] = ld(C + r * ldc);
      c1[r] = ld(C + r * ldc + 4);
    } else {
      c0[r] = c1[r] = splat(0.f);
    }
  }
  const float *a = A;
  for (int k = 0; k < K; k++) {
    f4 b0 = ld(B), b1 = ld(B + 4);
    B += ldb;
    for (int r = 0; r < MR; r++) {
      if (r < mr) {
        f4 x = wasm_v128_load32_splat(a + r * sai);
        c0[r] = madd(c0[r], x, b0);
        c1[r] = madd(c1[r], x, b1);
      }
    }
    a += sak;
  }
  // Rows by constant index (r < MR, then r < mr): a runtime index would put c0 on the stack.
  for (int r = 0; r < MR; r++) {
    if (r < mr) {
      st(C + r * ldc, c0[r]);
      st(C + r * ldc + 4, c1[r]);
    }
  }
}

/** C[mr, 4] (+)= A[mr, K] B[K, 4]. */
INLINE void tile_nn4(int mr, int K, const float *A, int sai, int sak, const float *B, int ldb,
                     float *C, int ldc, int accumulate) {
  f4 c0[MR];
  for (int r = 0; r < MR; r++) c0[r] = (r < mr && accumulate) ? ld(C + r * ldc) : splat(0.f);
  const float *a = A;
  for (int k = 0; k < K; k++) {
    f4 b0 = ld(B);
    B += ldb;
    for (int r = 0; r < MR; r++)
      if (r < mr) c0[r] = madd(c0[r], wasm_v128_load32_splat(a + r * sai), b0);
    a += sak;
  }
  for (int r = 0; r < MR; r++)
    if (r < mr) st(C + r * ldc, c0[r]);
}

/** C[mr, 1] (+)= A[mr, K] B[K, 1] (the last columns of a width that is not a multiple of 4). */
INLINE void tile_nn1(int mr, int K, const float *A, int sai, int sak, const float *B, int ldb,
                     float *C, int ldc, int accumulate) {
  float c[MR];
  for (int r = 0; r < MR; r++) c[r] = (r < mr && accumulate) ? C[r * ldc] : 0.f;
  const float *a = A;
  for (int k = 0; k < K; k++) {
    float b = *B;
    B += ldb;
    for (int r = 0; r < MR; r++)
      if (r < mr) c[r] += a[r * sai] * b;
    a += sak;
  }
  for (int r = 0; r < MR; r++)
    if (r < mr) C[r * ldc] = c[r];
}

/** One panel of columns (a B panel stays in cache while every row block of A passes). */
INLINE void panel_nn(int nr, int M, int K, const float *A, int sai, int sak, const float *B, int ldb,
                     float *C, int ldc, int accumulate) {
  int i = 0;
  for (; i + MR <= M; i += MR) {
    const float *a = A + i * sai;
    float *c = C + i * ldc;
    if (nr == 8) tile_nn8(MR, K, a, sai, sak, B, ldb, c, ldc, accumulate);
    else if (nr == 4) tile_nn4(MR, K, a, sai, sak, B, ldb, c, ldc, accumulate);
    else tile_nn1(MR, K, a, sai, sak, B, ldb, c, ldc, accumulate);
  }
  int mr = M - i;
  const float *a = A + i * sai;
  float *c = C + i * ldc;
  for (int r = 1; r < MR; r++) {
    if (mr != r) continue;
    if (nr == 8) tile_nn8(r, K, a, sai, sak, B, ldb, c, ldc, accumulate);
    else if (nr == 4) tile_nn4(r, K, a, sai, sak, B, ldb, c, ldc, accumulate);
    else tile_nn1(r, K, a, sai, sak, B, ldb, c, ldc, accumulate);
  }
}

void gemm_nn(int M, int N, int K, const float *A, int sai, int sak, const float *B, int ldb,
             float *C, int ldc, int accumulate) {
  int j = 0;
  for (; j + 8 <= N; j += 8) panel_nn(8, M, K, A, sai, sak, B + j, ldb, C + j, ldc, accumulate);
  for (; j + 4 <= N; j += 4) panel_nn(4, M, K, A, sai, sak, B + j, ldb, C + j, ldc, accumulate);
  for (; j < N; j++) panel_nn(1, M, K, A, sai, sak, B + j, ldb, C + j, ldc, accumulate);
}

/** The four row sums of a0..a3, as one vector. */
INLINE f4 hsum4(f4 a0, f4 a1, f4 a2, f4 a3) {
  f4 s01 = add(wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5), wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7));
  f4 s23 = add(wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5), wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7));
  return add(wasm_i32x4_shuffle(s01, s23, 0, 1, 4, 5), wasm_i32x4_shuffle(s01, s23, 2, 3, 6, 7));
}

/** One output column of a tile_nt: the row sums s plus the K tail from k on. */
INLINE void nt_column(int mr, int K, int k, const float *A, int lda, const float *B, float *C, int ldc,
                      f4 s, int accumulate) {
  // Rows written out by constant lane (a runtime index would spill s to the stack).
#define NT_ROW(r)                                                    \
  if (mr > r) {                                                      \
    float v = wasm_f32x4_extract_lane(s, r);                         \
    for (int kk = k; kk < K; kk++) v += A[r * lda + kk] * B[kk];     \
    C[r * ldc] = accumulate ? C[r * ldc] + v : v;                    \
  }
  NT_ROW(0) NT_ROW(1) NT_ROW(2) NT_ROW(3)
#undef NT_ROW
}

/** C[mr, nr] (+)= A[mr, K] B[nr, K]^T, mr <= 4, nr <= 2: dot products along contiguous rows. */
INLINE void tile_nt(int mr, int nr, int K, const float *A, int lda, const float *B, int ldb,
                    float *C, int ldc, int accumulate) {
  f4 acc[4][2];
  for (int r = 0; r < 4; r++) acc[r][0] = acc[r][1] = splat(0.f);
  int k = 0;
  for (; k + 4 <= K; k += 4) {
    f4 b0 = ld(B + k);
    f4 b1 = nr > 1 ? ld(B + ldb + k) : b0;
    for (int r = 0; r < 4; r++) {
      if (r < mr) {
        f4 x = ld(A + r * lda + k);
        acc[r][0] = madd(acc[r][0], x, b0);
        if (nr > 1) acc[r][1] = madd(acc[r][1], x, b1);
      }
    }
  }
  nt_column(mr, K, k, A, lda, B, C, ldc, hsum4(acc[0][0], acc[1][0], acc[2][0], acc[3][0]), accumulate);
  if (nr > 1)
    nt_column(mr, K, k, A, lda, B + ldb, C + 1, ldc, hsum4(acc[0][1], acc[1][1], acc[2][1], acc[3][1]),
              accumulate);
}

/** One or two rows of B against every row block of A. */
INLINE void panel_nt(int nr, int M, int K, const float *A, int lda, const float *B, int ldb,
                     float *C, int ldc, int accumulate) {
  int i = 0;
  for (; i + 4 <= M; i += 4) tile_nt(4, nr, K, A + i * lda, lda, B, ldb, C + i * ldc, ldc, accumulate);
  switch (M - i) {
    case 3: tile_nt(3, nr, K, A + i * lda, lda, B, ldb, C + i * ldc, ldc, accumulate); break;
    case 2: tile_nt(2, nr, K, A + i * lda, lda, B, ldb, C + i * ldc, ldc, accumulate); break;
    case 1: tile_nt(1, nr, K, A + i * lda, lda, B, ldb, C + i * ldc, ldc, accumulate); break;
  }
}

void gemm_nt(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
             int ldc, int accumulate) {
  int j = 0;
  for (; j + 2 <= N; j += 2) panel_nt(2, M, K, A, lda, B + j * ldb, ldb, C + j, ldc, accumulate);
  if (j < N) panel_nt(1, M, K, A, lda, B + j * ldb, ldb, C + j, ldc, accumulate);
}

// ---------------------------------------------------------------------------------------------
// Packed products (GotoBLAS / BLIS): blocks of op(A) and op(B) are copied into panels of MR rows
// and 8 columns, zero-padded, which the microkernel then reads sequentially from L1 / L2 whatever
// the operands' layout (a [k, n] weight read by columns strides a page per row otherwise).
// ---------------------------------------------------------------------------------------------

#define KC 256

/** Packs op(B)[k0 .. k0+kc, j0 .. j0+nc] into panels [ceil(nc / 8)][kc][8], zero beyond nc. */
static void pack_b(int kc, int nc, const float *B, int ldb, int transB, float *bp) {
  for (int j = 0; j < nc; j += 8, bp += kc * 8) {
    int nr = nc - j < 8 ? nc - j : 8;
    if (!transB) {
      const float *b = B + j;
      if (nr == 8) {
        for (int k = 0; k < kc; k++, b += ldb) {
          st(bp + k * 8, ld(b));
          st(bp + k * 8 + 4, ld(b + 4));
        }
      } else {
        for (int k = 0; k < kc; k++, b += ldb)
          for (int c = 0; c < 8; c++) bp[k * 8 + c] = c < nr ? b[c] : 0.f;
      }
    } else {
      // B(k, j) = B[j * ldb + k]: 8 rows of B become the 8 columns of the panel, 4 x 4 at a time.
      const float *b = B + j * ldb;
      int k = 0;
      if (nr == 8) {
        for (; k + 4 <= kc; k += 4) {
          for (int h = 0; h < 8; h += 4) {
            f4 r0 = ld(b + h * ldb + k), r1 = ld(b + (h + 1) * ldb + k);
            f4 r2 = ld(b + (h + 2) * ldb + k), r3 = ld(b + (h + 3) * ldb + k);
            f4 t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
            f4 t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
            st(bp + k * 8 + h, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
            st(bp + (k + 1) * 8 + h, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
            st(bp + (k + 2) * 8 + h, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
            st(bp + (k + 3) * 8 + h, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
          }
        }
      }
      for (; k < kc; k++)
        for (int c = 0; c < 8; c++) bp[k * 8 + c] = c < nr ? b[c * ldb + k] : 0.f;
    }
  }
}

/** Packs op(A)[i0 .. i0+mc, k0 .. k0+kc] into panels [ceil(mc / MR)][kc][MR], zero beyond mc. */
static void pack_a(int mc, int kc, const float *A, int sai, int sak, float *ap) {
  for (int i = 0; i < mc; i += MR, ap += kc * MR) {
    int mr = mc - i < MR ? mc - i : MR;
    const float *a = A + i * sai;
    if (mr == MR && sai == 1) {
      for (int k = 0; k < kc; k++) st(ap + k * MR, ld(a + k * sak));
    } else if (mr == MR && sak == 1) {
      int k = 0;
      for (; k + 4 <= kc; k += 4) {
        f4 r0 = ld(a + k), r1 = ld(a + sai + k), r2 = ld(a + 2 * sai + k), r3 = ld(a + 3 * sai + k);
        f4 t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        f4 t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        st(ap + k * MR, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
        st(ap + (k + 1) * MR, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
        st(ap + (k + 2) * MR, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
        st(ap + (k + 3) * MR, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
      }
      for (; k < kc; k++)
        for (int r = 0; r < MR; r++) ap[k * MR + r] = a[r * sai + k];
    } else {
      for (int k = 0; k < kc; k++)
        for (int r = 0; r < MR; r++) ap[k * MR + r] = r < mr ? a[r * sai + k * sak] : 0.f;
    }
  }
}

/** C[mr, nr] (+)= Ap[kc][MR] Bp[kc][8] on packed panels; only mr x nr of the tile is written. */
static void micro(int kc, const float *ap, const float *bp, float *C, int ldc, int mr, int nr,
                  int accumulate) {
  f4 c0[MR], c1[MR];
  for (int r = 0; r < MR; r++) c0[r] = c1[r] = splat(0.f);
  for (int k = 0; k < kc; k++) {
    f4 b0 = ld(bp), b1 = ld(bp + 4);
    for (int r = 0; r < MR; r++) {
      f4 x = wasm_v128_load32_splat(ap + r);
      c0[r] = madd(c0[r], x, b0);
      c1[r] = madd(c1[r], x, b1);
    }
    ap += MR;
    bp += 8;
  }
  if (mr == MR && nr == 8) {
    for (int r = 0; r < MR; r++) {
      float *c = C + r * ldc;
      st(c, accumulate ? add(ld(c), c0[r]) : c0[r]);
      st(c + 4, accumulate ? add(ld(c + 4), c1[r]) : c1[r]);
    }
    return;
  }
  // Written out by constant row and lane: a runtime index would spill c0 / c1 to the stack.
#define PUT(c, j, v, l) \
  if (nr > j) c[j] = accumulate ? c[j] + wasm_f32x4_extract_lane(v, l) : wasm_f32x4_extract_lane(v, l);
#define ROW(r)                                                                          \
  if (mr > r) {                                                                         \
    float *c = C + r * ldc;                                                             \
    PUT(c, 0, c0[r], 0) PUT(c, 1, c0[r], 1) PUT(c, 2, c0[r], 2) PUT(c, 3, c0[r], 3)      \
    PUT(c, 4, c1[r], 0) PUT(c, 5, c1[r], 1) PUT(c, 6, c1[r], 2) PUT(c, 7, c1[r], 3)      \
  }
  ROW(0) ROW(1) ROW(2) ROW(3)
#undef ROW
#undef PUT
}

/** The packed product of one tile: C[M, N] (+)= op(A) op(B); scratch holds KC * (M + N + 8) floats. */
static void gemm_packed(int M, int N, int K, const float *A, int sai, int sak, const float *B,
                        int ldb, int transB, float *C, int ldc, int accumulate, float *scratch) {
  float *bp = scratch, *ap = scratch + KC * ((N + 7) / 8 * 8);
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = K - k0 < KC ? K - k0 : KC;
    pack_b(kc, N, transB ? B + k0 : B + k0 * ldb, ldb, transB, bp);
    pack_a(M, kc, A + k0 * sak, sai, sak, ap);
    int acc = accumulate || k0 > 0;
    for (int j = 0; j < N; j += 8) {
      int nr = N - j < 8 ? N - j : 8;
      for (int i = 0; i < M; i += MR) {
        int mr = M - i < MR ? M - i : MR;
        micro(kc, ap + i * kc, bp + j * kc, C + i * ldc + j, ldc, mr, nr, acc);
      }
    }
  }
}

/**
 * K_MATMUL: C[M, N] = op(A) op(B) (+ bias[N]) (+ C when accumulating), one tile of TM x TN per task.
 * Args: M N K, A sai sak, B ldb transB, C ldc, bias (0: none), accumulate, TM TN, scratch stride.
 * Tiles of few rows multiply in place; others through packed panels (thread's scratch: KC * (TM +
 * TN + 8) floats). The bias is written first and the product added to it, the same on every tile.
 */
void matmul_task(const arg_t *a, int task, int thread) {
  int M = a[0].i, N = a[1].i, K = a[2].i;
  const float *A = F(a[3].i);
  int sai = a[4].i, sak = a[5].i;
  const float *B = F(a[6].i);
  int ldb = a[7].i, transB = a[8].i;
  float *C = F(a[9].i);
  int ldc = a[10].i;
  const float *bias = a[11].i ? F(a[11].i) : 0;
  int accumulate = a[12].i, TM = a[13].i, TN = a[14].i;
  float *scratch = F(a[15].i) + thread * a[16].i;
  int tilesN = (N + TN - 1) / TN;
  int i0 = (task / tilesN) * TM, j0 = (task % tilesN) * TN;
  int m = M - i0 < TM ? M - i0 : TM, n = N - j0 < TN ? N - j0 : TN;
  float *c = C + i0 * ldc + j0;
  if (bias) {
    for (int i = 0; i < m; i++) {
      float *row = c + i * ldc;
      int j = 0;
      if (accumulate) {
        for (; j + 4 <= n; j += 4) st(row + j, add(ld(row + j), ld(bias + j0 + j)));
        for (; j < n; j++) row[j] += bias[j0 + j];
      } else {
        for (; j + 4 <= n; j += 4) st(row + j, ld(bias + j0 + j));
        for (; j < n; j++) row[j] = bias[j0 + j];
      }
    }
    accumulate = 1;
  }
  const float *b = transB ? B + j0 * ldb : B + j0;
  if (m >= 8 && a[15].i) {
    gemm_packed(m, n, K, A + i0 * sai, sai, sak, b, ldb, transB, c, ldc, accumulate, scratch);
  } else if (transB && sak == 1) {
    gemm_nt(m, n, K, A + i0 * sai, sai, b, ldb, c, ldc, accumulate);
  } else if (!transB) {
    gemm_nn(m, n, K, A + i0 * sai, sai, sak, b, ldb, c, ldc, accumulate);
  } else {
    gemm_packed(m, n, K, A + i0 * sai, sai, sak, b, ldb, transB, c, ldc, accumulate, scratch);
  }
}
