// Fused attention in the FlashAttention manner: no [T, T] matrix is stored, only one statistic per query row
// (lse = log-sum-exp of its scaled scores); the backward pass recomputes the scores. Written for correctness first:
// one warp per query row (forward, dq) or per key row (dk, dv), operands read from global memory, no shared-memory
// tiling or tensor cores yet. Heads are plain [count, t, d] buffers (count = B * heads), d <= 32 * ANISO_ATTN_U.
// Masks as softmax.cu: causal (query r sees keys <= r) and/or a key mask [count / heads, t] (0 = padding); a query
// with no allowed key gets y = 0, lse = -inf and zero gradients. Sums over keys run in key order (deterministic).
#include "common.cuh"

#define ANISO_ATTN_U 8

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ bool key_allowed(const float* mrow, int j) {
  return mrow == nullptr || mrow[j] != 0.f;
}

// One warp per query row: online softmax over the allowed keys, y = sum_j p_j v_j / sum_j p_j.
extern "C" __global__ void attn_forward(const float* q, const float* k, const float* v, float* y, float* lse,
                                        int count, int heads, int t, int d, float scale, int causal,
                                        const float* mask) {
  int row = (int) ((blockIdx.x * (i64) blockDim.x + threadIdx.x) >> 5);
  int lane = threadIdx.x & 31;
  if (row >= count * t) return;  // whole warps leave together
  int i = row / t, r = row % t;
  const float* qr = q + (i64) row * d;
  const float* kb = k + (i64) i * t * d;
  const float* vb = v + (i64) i * t * d;
  const float* mrow = mask == nullptr ? nullptr : mask + (i64) (i / heads) * t;
  float qv[ANISO_ATTN_U], acc[ANISO_ATTN_U];
#pragma unroll
  for (int u = 0; u < ANISO_ATTN_U; u++) {
    int c = lane + 32 * u;
    qv[u] = c < d ? qr[c] : 0.f;
    acc[u] = 0.f;
  }
  float m = -ANISO_INF, l = 0.f;
  int end = causal ? r + 1 : t;
  for (int j = 0; j < end; j++) {
    if (!key_allowed(mrow, j)) continue;  // the same j for the whole warp
    const float* kj = kb + (i64) j * d;
    float s = 0.f;
#pragma unroll
    for (int u = 0; u < ANISO_ATTN_U; u++) {
      int c = lane + 32 * u;
      if (c < d) s += qv[u] * kj[c];
    }
    s = warp_sum(s) * scale;
    float mn = fmaxf(m, s);
    float corr = expf(m - mn);  // 0 on the first allowed key (m = -inf)
    float p = expf(s - mn);
    l = l * corr + p;
    const float* vj = vb + (i64) j * d;
#pragma unroll
    for (int u = 0; u < ANISO_ATTN_U; u++) {
      int c = lane + 32 * u;
      if (c < d) acc[u] = acc[u] * corr + p * vj[c];
    }
    m = mn;
  }
  float inv = l > 0.f ? 1.f / l : 0.f;
  float* yr = y + (i64) row * d;
#pragma unroll
  for (int u = 0; u < ANISO_ATTN_U; u++) {
    int c = lane + 32 * u;
    if (c < d) yr[c] = acc[u] * inv;
  }
  if (lane == 0) lse[row] = l > 0.f ? m + logf(l) : -ANISO_INF;
}

// One warp per query row: delta = dy . y (kept for attn_backward_dkdv), dq = scale * sum_j P (dy . v_j - delta) k_j.
extern "C" __global__ void attn_backward_dq(const float* q, const float* k, const float* v, const float* y,
                                           const float* lse, const float* dy, float* dq, float* delta, int count,
                                           int heads, int t, int d, float scale, int causal, const float* mask) {
  int row = (int) ((blockIdx.x * (i64) blockDim.x + threadIdx.x) >> 5);
  int lane = threadIdx.x & 31;
  if (row >= count * t) return;
  int i = row / t, r = row % t;
  const float* kb = k + (i64) i * t * d;
  const float* vb = v + (i64) i * t * d;
  const float* mrow = mask == nullptr ? nullptr : mask + (i64) (i / heads) * t;
  float qv[ANISO_ATTN_U], dyv[ANISO_ATTN_U], acc[ANISO_ATTN_U];
  float dd = 0.f;
#pragma unroll
  for (int u = 0; u < ANISO_ATTN_U; u++) {
    int c = lane + 32 * u;
    qv[u] = c < d ? q[(i64) row * d + c] : 0.f;
    dyv[u] = c < d ? dy[(i64) row * d + c] : 0.f;
    dd += c < d ? dyv[u] * y[(i64) row * d + c] : 0.f;
    acc[u] = 0.f;
  }
  dd = warp_sum(dd);
  if (lane == 0) delta[row] = dd;
  float L = lse[row];
  int end = L == -ANISO_INF ? 0 : (causal ? r + 1 : t);
  for (int j = 0; j < end; j++) {
    if (!key_allowed(mrow, j)) continue;
    const float* kj = kb + (i64) j * d;
    const float* vj = vb + (i64) j * d;
    float s = 0.f, dp = 0.f;
#pragma unroll
    for (int u = 0; u < ANISO_ATTN_U; u++) {
      int c = lane + 32 * u;
      if (c < d) { s += qv[u] * kj[c]; dp += dyv[u] * vj[c]; }
    }
    s = warp_sum(s) * scale;
    dp = warp_sum(dp);
    float ds = expf(s - L) * (dp - dd);
#pragma unroll
    for (int u = 0; u < ANISO_ATTN_U; u++) {
      int c = lane + 32 * u;
      if (c < d) acc[u] += ds * kj[c];
    }
  }
#pragma unroll
  for (int u = 0; u < ANISO_ATTN_U; u++) {
    int c = lane + 32 * u;
    if (c < d) dq[(i64) row * d + c] = scale * acc[u];
  }
}

// One warp per key row j: dk_j = scale * sum_r P_rj (dy_r . v_j - delta_r) q_r, dv_j = sum_r P_rj dy_r, over the
// queries r that see key j. Runs after attn_backward_dq (same stream), which wrote delta.
extern "C" __global__ void attn_backward_dkdv(const float* q, const float* k, const float* v, const float* lse,
                                             const float* dy, const float* delta, float* dk, float* dv, int count,
                                             int heads, int t, int d, float scale, int causal, const float* mask) {
  int row = (int) ((blockIdx.x * (i64) blockDim.x + threadIdx.x) >> 5);
  int lane = threadIdx.x & 31;
  if (row >= count * t) return;
  int i = row / t, j = row % t;
  const float* qb = q + (i64) i * t * d;
  const float* dyb = dy + (i64) i * t * d;
  const float* mrow = mask == nullptr ? nullptr : mask + (i64) (i / heads) * t;
  float kv[ANISO_ATTN_U], vv[ANISO_ATTN_U], ak[ANISO_ATTN_U], av[ANISO_ATTN_U];
#pragma unroll
  for (int u = 0; u < ANISO_ATTN_U; u++) {
    int c = lane + 32 * u;
    kv[u] = c < d ? k[(i64) row * d + c] : 0.f;
    vv[u] = c < d ? v[(i64) row * d + c] : 0.f;
    ak[u] = 0.f;
    av[u] = 0.f;
  }
  int start = key_allowed(mrow, j) ? (causal ? j : 0) : t;  // a padded key is seen by no query
  for (int r = start; r < t; r++) {
    float L = lse[(i64) i * t + r];
    const float* qr = qb + (i64) r * d;
    const float* dyr = dyb + (i64) r * d;
    float s = 0.f, dp = 0.f;
#pragma unroll
    for (int u = 0; u < ANISO_ATTN_U; u++) {
      int c = lane + 32 * u;
      if (c < d) { s += qr[c] * kv[u]; dp += dyr[c] * vv[u]; }
    }
    s = warp_sum(s) * scale;
    dp = warp_sum(dp);
    float p = expf(s - L);
    float ds = p * (dp - delta[(i64) i * t + r]);
#pragma unroll
    for (int u = 0; u < ANISO_ATTN_U; u++) {
      int c = lane + 32 * u;
      if (c < d) { ak[u] += ds * qr[c]; av[u] += p * dyr[c]; }
    }
  }
#pragma unroll
  for (int u = 0; u < ANISO_ATTN_U; u++) {
    int c = lane + 32 * u;
    if (c < d) { dk[(i64) row * d + c] = scale * ak[u]; dv[(i64) row * d + c] = av[u]; }
  }
}
