// Layer norm over rows of [rows, dim], as VectorKernels.layerNormForward/Backward: two-pass mean and biased
// variance, rstd = 1/sqrt(var + eps). One block of ANISO_BLOCK threads per row.
#include "common.cuh"

extern "C" __global__ void ln_forward(const float* x, const float* gamma, const float* beta, float eps,
                                      float* xhat, float* y, float* rstd, int rows, int dim) {
  __shared__ float sh[32];
  int r = blockIdx.x;
  if (r >= rows) return;
  const float* xr = x + (i64) r * dim;
  float s = 0.f;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) s += xr[j];
  float mean = block_sum(s, sh) / dim;
  float q = 0.f;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) { float c = xr[j] - mean; q += c * c; }
  float var = block_sum(q, sh) / dim;
  float inv = (float) (1.0 / sqrt((double) var + (double) eps));
  if (threadIdx.x == 0) rstd[r] = inv;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) {
    float h = (xr[j] - mean) * inv;
    xhat[(i64) r * dim + j] = h;
    y[(i64) r * dim + j] = h * gamma[j] + beta[j];
  }
}

// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma. One block per row.
extern "C" __global__ void ln_backward_dx(const float* dy, const float* xhat, const float* rstd,
                                          const float* gamma, float* dx, int rows, int dim) {
  __shared__ float sh[32];
  int r = blockIdx.x;
  if (r >= rows) return;
  const float* d = dy + (i64) r * dim;
  const float* h = xhat + (i64) r * dim;
  float a = 0.f, b = 0.f;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) { float g = d[j] * gamma[j]; a += g; b += g * h[j]; }
  a = block_sum(a, sh) / dim;
  b = block_sum(b, sh) / dim;
  float inv = rstd[r];
  for (int j = threadIdx.x; j < dim; j += blockDim.x) {
    float g = d[j] * gamma[j];
    dx[(i64) r * dim + j] = (g - a - h[j] * b) * inv;
  }
}

// Partial sums over a chunk of rows (blockIdx.y) for each column: pg = sum dy * xhat, pb = sum dy, each
// [chunks, dim]; colsum_accumulate (bias.cu) then adds the chunks in order.
extern "C" __global__ void ln_backward_partials(const float* dy, const float* xhat, float* pg, float* pb,
                                                int rows, int dim, int rowsPerChunk) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= dim) return;
  int c = blockIdx.y;
  int r0 = c * rowsPerChunk, r1 = min(rows, r0 + rowsPerChunk);
  float sg = 0.f, sb = 0.f;
  for (int r = r0; r < r1; r++) {
    float d = dy[(i64) r * dim + j];
    sg += d * xhat[(i64) r * dim + j];
    sb += d;
  }
  pg[(i64) c * dim + j] = sg;
  pb[(i64) c * dim + j] = sb;
}
