// Bias rows, column sums (two stages in a fixed order, so sums do not depend on the launch), products, sums,
// scaling and fills.
#include "common.cuh"

extern "C" __global__ void set_rows(float* y, const float* row, int rows, int cols) {
  i64 n = (i64) rows * cols;
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    y[i] = row[i % cols];
  }
}

// partial[c, j] = sum of x[r, j] over the rows of chunk c = blockIdx.y.
extern "C" __global__ void colsum_partial(const float* x, float* partial, int rows, int cols, int rowsPerChunk) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= cols) return;
  int c = blockIdx.y;
  int r0 = c * rowsPerChunk, r1 = min(rows, r0 + rowsPerChunk);
  float s = 0.f;
  for (int r = r0; r < r1; r++) s += x[(i64) r * cols + j];
  partial[(i64) c * cols + j] = s;
}

// acc[j] += sum over chunks of partial[c, j], added in double in chunk order, as the CPU adds its parts.
extern "C" __global__ void colsum_accumulate(const float* partial, float* acc, int chunks, int cols) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= cols) return;
  double s = 0.0;
  for (int c = 0; c < chunks; c++) s += partial[(i64) c * cols + j];
  acc[j] = (float) ((double) acc[j] + s);
}

extern "C" __global__ void mul(const float* a, const float* b, float* out, i64 n) {
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    out[i] = a[i] * b[i];
  }
}

extern "C" __global__ void add(const float* a, const float* b, float* out, i64 n) {
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    out[i] = a[i] + b[i];
  }
}

extern "C" __global__ void scale(float* x, float s, i64 n) {
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    x[i] = x[i] * s;
  }
}

extern "C" __global__ void fill(float* x, float value, i64 n) {
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    x[i] = value;
  }
}
