// nvrtc-options: --fmad=false
// One AdamW step, in the CPU kernel's order and rounding (VectorKernels.adamw, no fused multiply-adds, hence the
// option above): p <- p - (p * mask) * decay (decay = lr * wd in float), m <- m * b1 + g * (1 - b1),
// v <- v * b2 + (g * g) * (1 - b2), p <- p - m / bc1 / (sqrt(v / bc2) + eps) * lr.
#include "common.cuh"

extern "C" __global__ void adamw(float* p, const float* g, float* m, float* v, const float* mask, float lr,
                                 float decay, float b1, float b2, float bc1, float bc2, float eps, i64 n) {
  float c1 = 1.f - b1, c2 = 1.f - b2;
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    float pv = p[i];
    pv = pv - pv * mask[i] * decay;
    float gv = g[i];
    float mv = m[i] * b1 + gv * c1;
    float vv = v[i] * b2 + gv * gv * c2;
    m[i] = mv;
    v[i] = vv;
    p[i] = pv - mv / bc1 / (sqrtf(vv / bc2) + eps) * lr;
  }
}
