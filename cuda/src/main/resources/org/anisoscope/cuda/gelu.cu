// GELU in the exact erf form, as VectorKernels.geluForward (which evaluates erf by Abramowitz & Stegun 7.1.26,
// |error| <= 1.5e-7; here erff): act = x * Phi(x), grad = Phi(x) + x * phi(x), x = h + bias[col].
#include "common.cuh"

extern "C" __global__ void gelu_forward(const float* h, const float* bias, float* grad, float* act, int rows,
                                        int cols) {
  i64 n = (i64) rows * cols;
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    float x = h[i] + bias[i % cols];
    float c = 0.5f * (1.f + erff(x * 0.70710678118654752f));
    grad[i] = c + x * 0.39894228040143268f * expf(-0.5f * x * x);
    act[i] = x * c;
  }
}

// In place dAct *= grad; the bias gradient is then colsum_partial/colsum_accumulate over dAct (bias.cu).
extern "C" __global__ void gelu_backward(const float* grad, float* dAct, i64 n) {
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    dAct[i] *= grad[i];
  }
}
