// Shared by every kernel source (passed to NVRTC as a header by name). No system headers: NVRTC compiles these
// without a CUDA toolkit installed. Block reductions have a fixed order for a fixed block size, so a result does
// not change from run to run.
#pragma once

#define ANISO_BLOCK 256

typedef long long i64;

// +infinity without math.h (NVRTC compiles with no system headers)
#define ANISO_INF __int_as_float(0x7f800000)

// Sum over the block; every thread gets the result. blockDim.x must be ANISO_BLOCK (a multiple of 32).
__device__ __forceinline__ float block_sum(float v, float* shared) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  float r = 0.f;
  int warps = blockDim.x >> 5;
  for (int w = 0; w < warps; w++) r += shared[w];
  return r;
}

__device__ __forceinline__ double block_sum_double(double v, double* shared) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  double r = 0.0;
  int warps = blockDim.x >> 5;
  for (int w = 0; w < warps; w++) r += shared[w];
  return r;
}

__device__ __forceinline__ float block_max(float v, float* shared) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  float r = -ANISO_INF;
  int warps = blockDim.x >> 5;
  for (int w = 0; w < warps; w++) r = fmaxf(r, shared[w]);
  return r;
}
