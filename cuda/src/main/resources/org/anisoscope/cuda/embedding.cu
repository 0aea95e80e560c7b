// Token embedding: a gather of table rows plus the position row forward, a scatter-add backward. The scatter uses
// float atomicAdd, so repeated tokens accumulate in an order that can vary between runs (differences of float32
// rounding only); the CPU kernel sums in double in position order.
#include "common.cuh"

extern "C" __global__ void embed_forward(const int* tokens, const float* table, const float* positions,
                                         float* out, int n, int seq, int dim) {
  i64 total = (i64) n * dim;
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < total; i += (i64) gridDim.x * blockDim.x) {
    int row = (int) (i / dim), j = (int) (i % dim);
    out[i] = table[(i64) tokens[row] * dim + j] + positions[(i64) (row % seq) * dim + j];
  }
}

extern "C" __global__ void embed_backward(const int* tokens, const float* d, float* dTable, float* dPositions,
                                          int n, int seq, int dim) {
  i64 total = (i64) n * dim;
  for (i64 i = blockIdx.x * (i64) blockDim.x + threadIdx.x; i < total; i += (i64) gridDim.x * blockDim.x) {
    int row = (int) (i / dim), j = (int) (i % dim);
    float g = d[i];
    atomicAdd(dTable + (i64) tokens[row] * dim + j, g);
    atomicAdd(dPositions + (i64) (row % seq) * dim + j, g);
  }
}
