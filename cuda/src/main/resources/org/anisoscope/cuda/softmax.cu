// Attention softmax over rows of [rows, t] scores, causal (row r allows keys <= r mod t) and/or with a key mask
// [rows / rowsPerSequence, t] (0 = padding; null for none). A row with no allowed key is all 0. One block per row.
#include "common.cuh"

__device__ __forceinline__ bool allowed(int r, int j, int t, int causal, const float* mask, int rowsPerSequence) {
  if (causal && j > r % t) return false;
  return mask == nullptr || mask[(i64) (r / rowsPerSequence) * t + j] != 0.f;
}

extern "C" __global__ void softmax_forward(const float* s, float* p, int rows, int t, float scale, int causal,
                                           const float* mask, int rowsPerSequence) {
  __shared__ float sh[32];
  int r = blockIdx.x;
  if (r >= rows) return;
  const float* sr = s + (i64) r * t;
  float* pr = p + (i64) r * t;
  float m = -ANISO_INF;
  for (int j = threadIdx.x; j < t; j += blockDim.x)
    if (allowed(r, j, t, causal, mask, rowsPerSequence)) m = fmaxf(m, sr[j] * scale);
  m = block_max(m, sh);
  float sum = 0.f;
  for (int j = threadIdx.x; j < t; j += blockDim.x)
    if (allowed(r, j, t, causal, mask, rowsPerSequence)) sum += expf(sr[j] * scale - m);
  sum = block_sum(sum, sh);
  float inv = sum > 0.f ? 1.f / sum : 0.f;
  // (in place allowed: every thread has read its entries of s before the block sums above returned)
  for (int j = threadIdx.x; j < t; j += blockDim.x)
    pr[j] = allowed(r, j, t, causal, mask, rowsPerSequence) ? expf(sr[j] * scale - m) * inv : 0.f;
}

// In place dP <- scale * P * (dP - sum_j dP * P): zero wherever P is zero (masked and causal entries).
extern "C" __global__ void softmax_backward(const float* p, float* dp, int rows, int t, float scale) {
  __shared__ float sh[32];
  int r = blockIdx.x;
  if (r >= rows) return;
  const float* pr = p + (i64) r * t;
  float* dr = dp + (i64) r * t;
  float dot = 0.f;
  for (int j = threadIdx.x; j < t; j += blockDim.x) dot += dr[j] * pr[j];
  dot = block_sum(dot, sh);
  for (int j = threadIdx.x; j < t; j += blockDim.x) dr[j] = scale * pr[j] * (dr[j] - dot);
}
