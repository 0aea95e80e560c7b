package org.anisoscope.model;

import org.anisoscope.util.Timing;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code y = x W + b}, {@code W: [in, out]}; GEMMs write into preallocated outputs (ND4J would allocate a new array for every product). */
public final class Linear {
  private final Param weight;
  private final Param bias; // null when the layer has no bias
  private final int in;
  private final int out;
  private final Buffers buf;
  private final Buffers scratch; // dx: shared by this layer's role in every block
  private final String dxKey;

  /** Whether db runs on dx's thread after dx (the default) rather than before the pair; the same bits either way. */
  private static volatile boolean overlapBiasGrad = true;

  /** Sets {@link #overlapBiasGrad} (tests and BenchAb compare both); returns the previous setting. */
  public static boolean setOverlapBiasGrad(boolean on) {
    boolean was = overlapBiasGrad;
    overlapBiasGrad = on;
    return was;
  }

  Linear(ParamStore store, String name, int in, int out, boolean bias, double std) {
    this.in = in;
    this.out = out;
    this.weight = store.declare(name + ".W", new long[] {in, out}, ParamStore.Init.NORMAL, std, true);
    this.bias = bias ? store.declare(name + ".b", new long[] {1, out}, ParamStore.Init.ZEROS, 0, false) : null;
    this.buf = new Buffers(store.dtype());
    this.scratch = store.scratch();
    this.dxKey = Buffers.role(name) + ".dx";
  }

  /** @param x {@code [n, in]} @return {@code [n, out]}, a buffer owned by this layer */
  INDArray forward(INDArray x) {
    long n = x.size(0);
    INDArray y = buf.get("y", n, out); // [n, out]
    if (bias != null && Kernels.fused(y)) {
      // y = b, then y += x W in the GEMM (β = 1): one write pass instead of OpenBLAS zeroing y for β = 0 and a
      // read-modify-write pass adding b afterwards.
      Kernels.setRows(y, bias.value());
      Blas.gemm(x, weight.value(), y, false, false, 1.0, 1.0);
      return y;
    }
    Blas.gemm(x, weight.value(), y, false, false, 1.0, 0.0);
    if (bias != null) {
      y.addiRowVector(bias.value());
    }
    return y;
  }

  /** {@code y = x W} without the bias (a fused kernel downstream adds it): {@code [n, out]}, this layer's buffer. */
  INDArray forwardWithoutBias(INDArray x) {
    INDArray y = buf.get("y", x.size(0), out);
    Blas.gemm(x, weight.value(), y, false, false, 1.0, 0.0);
    return y;
  }

  /** The bias row {@code [1, out]} (null without bias). */
  INDArray biasValue() {
    return bias == null ? null : bias.value();
  }

  /** db += the given column sums (computed by a fused kernel). */
  void addBiasGrad(double[] sums) {
    Kernels.addTo(bias.grad(), sums);
  }

  /**
   * Accumulates dW, db and returns dx.
   *
   * @param x the forward input {@code [n, in]} (still intact)
   * @param dy {@code [n, out]}
   * @return dx {@code [n, in]}, valid until this layer's role runs its backward pass again (next block down)
   */
  INDArray backward(INDArray x, INDArray dy) {
    return backward(x, dy, true);
  }

  /** As {@link #backward(INDArray, INDArray)}; {@code biasGrad = false} when a kernel already added db. */
  INDArray backward(INDArray x, INDArray dy, boolean biasGrad) {
    long n = x.size(0);
    long t = Timing.start();
    Runnable db = bias != null && biasGrad ? () -> buf.addColumnSums(dy, bias.grad()) : null; // db += Σ_rows dy
    if (db != null && !overlapBiasGrad) {
      db.run();
      db = null;
    }
    t = Timing.lap("linear.bwd.db", t);
    INDArray dx = scratch.get(dxKey, n, in); // [n, in], read by the caller before the next block's backward pass
    // dW += xᵀ dy [in, out] and dx = dy Wᵀ are independent: one per thread. db goes after dx on dx's thread: the
    // dW product is the slower one on a core, and dy is still in that core's cache.
    Blas.gemmPair(x, dy, weight.grad(), true, false, 1.0, dy, weight.value(), dx, false, true, db);
    Timing.lap("linear.bwd.dW_dx", t);
    return dx;
  }

  /** The output of the last forward pass of {@code n} rows. */
  INDArray output(long n) {
    return buf.get("y", n, out);
  }

  Param weight() {
    return weight;
  }
}
