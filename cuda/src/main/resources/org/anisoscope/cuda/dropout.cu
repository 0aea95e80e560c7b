// Inverted dropout with a counter-based mask: element i is kept when uniform(seed, i) >= p, with uniform the top
// 24 bits of SplitMix64's finaliser of seed + (i + 1) * gamma (org.anisoscope.device.CounterRng, the same bits).
#include "common.cuh"

__device__ __forceinline__ float counter_uniform(unsigned long long seed, unsigned long long i) {
  unsigned long long z = seed + (i + 1ull) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z = z ^ (z >> 31);
  return (float) (z >> 40) * 5.9604644775390625e-8f;  // 2^-24
}

extern "C" __global__ void dropout_forward(const float* x, float* y, float* mask, float p, unsigned long long seed,
                                           i64 n) {
  float keep = 1.f / (1.f - p);
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    float m = counter_uniform(seed, (unsigned long long) i) >= p ? keep : 0.f;
    mask[i] = m;
    y[i] = x[i] * m;
  }
}
