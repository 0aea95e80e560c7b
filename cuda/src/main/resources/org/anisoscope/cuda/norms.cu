// Sum of squares and the finite check, as VectorKernels.sumSquares/allFinite: one block per chunk of
// ANISO_CHUNK elements, each chunk's sum in double; the host adds the chunks in order, so the result does not
// depend on the launch.
#include "common.cuh"

#define ANISO_CHUNK 4096

extern "C" __global__ void sumsq_chunks(const float* x, double* chunkSums, i64 n) {
  __shared__ double sh[32];
  i64 from = (i64) blockIdx.x * ANISO_CHUNK;
  i64 to = min(n, from + ANISO_CHUNK);
  double s = 0.0;
  for (i64 i = from + threadIdx.x; i < to; i += blockDim.x) { float f = x[i]; s += (double) f * f; }
  s = block_sum_double(s, sh);
  if (threadIdx.x == 0) chunkSums[blockIdx.x] = s;
}

// flag[0] = 1 when any element is NaN or infinite (every writer writes the same value, so no atomics).
extern "C" __global__ void nonfinite_flag(const float* x, int* flag, i64 n) {
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    if (!isfinite(x[i])) flag[0] = 1;
  }
}
