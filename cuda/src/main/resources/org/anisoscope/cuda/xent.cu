// Softmax cross-entropy over rows of logits [rows, vocab], as VectorKernels.crossEntropy/Backward: probs =
// softmax(z), rowLoss = log(sum exp(z - max)) + max - z[target] (0 where target < 0). One block per row.
#include "common.cuh"

extern "C" __global__ void xent_forward(const float* z, const int* targets, float* probs, float* rowLoss,
                                        int rows, int vocab) {
  __shared__ float sh[32];
  int r = blockIdx.x;
  if (r >= rows) return;
  const float* zr = z + (i64) r * vocab;
  float* pr = probs + (i64) r * vocab;
  float m = -ANISO_INF;
  for (int j = threadIdx.x; j < vocab; j += blockDim.x) m = fmaxf(m, zr[j]);
  m = block_max(m, sh);
  float sum = 0.f;
  for (int j = threadIdx.x; j < vocab; j += blockDim.x) { float e = expf(zr[j] - m); pr[j] = e; sum += e; }
  sum = block_sum(sum, sh);
  float inv = 1.f / sum;
  for (int j = threadIdx.x; j < vocab; j += blockDim.x) pr[j] *= inv;
  if (threadIdx.x == 0) {
    int t = targets[r];
    rowLoss[r] = t < 0 ? 0.f : (float) (log((double) sum) + (double) m - (double) zr[t]);
  }
}

// d = (probs - onehot(target)) * scale, rows with target < 0 zero.
extern "C" __global__ void xent_backward(const float* probs, const int* targets, float scale, float* d, int rows,
                                         int vocab) {
  i64 n = (i64) rows * vocab;
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
    int r = (int) (i / vocab), j = (int) (i % vocab);
    int t = targets[r];
    d[i] = t < 0 ? 0.f : probs[i] * scale - (j == t ? scale : 0.f);
  }
}
