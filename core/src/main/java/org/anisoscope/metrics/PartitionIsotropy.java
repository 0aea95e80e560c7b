package org.anisoscope.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code partition_iw}: I(W) of Mu &amp; Viswanath (2018, eq. 1 with their eigenvector approximation),
 * {@code min_c Z(c) / max_c Z(c)} with {@code Z(c) = Σ_i exp(cᵀx_i)} and c over the d unit eigenvectors of the
 * uncentred {@code XᵀX} <em>and their negatives</em>, so the sign LAPACK picks for an eigenvector does not
 * matter. In (0, 1]: near 1 for isotropic data, near 0 when the rows share a direction.
 *
 * <p>Computed in log space: {@code log Z(c)} is a log-sum-exp over the rows (the exponents of real hidden states
 * reach the hundreds), and the result is {@code exp(min log Z − max log Z)}, which may underflow to 0 for strongly
 * anisotropic data. The projections {@code X·V} are one more O(N·d²) GEMM, streamed by row blocks with a running
 * log-sum-exp per direction (the exponentials in Java on all cores). NaN with no rows.
 */
public final class PartitionIsotropy extends ScalarMetric {
  public static final String NAME = "partition_iw";

  public PartitionIsotropy() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    if (v.n() == 0) {
      return Double.NaN;
    }
    double[][] logZ = logPartitions(v);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] side : logZ) {
      for (double z : side) {
        min = Math.min(min, z);
        max = Math.max(max, z);
      }
    }
    return Math.exp(min - max);
  }

  /** {@code [2][d]}: {@code log Z(v_k)} and {@code log Z(−v_k)} for the eigenvectors v_k of {@code XᵀX}. */
  static double[][] logPartitions(HookVectors v) {
    int d = v.d();
    INDArray vectors = SecondMoments.of(v).uncentredEigenvectors(); // [d, d], columns
    double[] plus = new double[d];
    double[] minus = new double[d];
    Arrays.fill(plus, Double.NEGATIVE_INFINITY);
    Arrays.fill(minus, Double.NEGATIVE_INFINITY);
    int full = Math.min(RowBlocks.BLOCK_ROWS, v.n());
    // one output per block size: a fresh off-heap array per block is only freed by the GC and stalls ND4J
    INDArray fullOut = Nd4j.create(DataType.DOUBLE, new long[] {full, d}, 'f'); // [B, d]
    double[] buf = new double[full * d];
    RowBlocks.forEach(v, null, (block, first, rows) -> {
      INDArray p = rows == full ? fullOut : Nd4j.create(DataType.DOUBLE, new long[] {rows, d}, 'f'); // [rows, d]
      Nd4j.gemm(block, vectors, p, false, false, 1.0, 0.0); // p_ik = v_kᵀ x_i
      // f-order: column k is [k·rows, (k+1)·rows); one bulk copy out of the off-heap buffer (a memcpy)
      double[] cols = rows == full ? buf : new double[rows * d];
      p.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asDoubleBuffer().get(cols, 0, rows * d);
      // the exponentials dominate (2·N·d of them): one column per task, both cores
      IntStream.range(0, d).parallel().forEach(k -> {
        double[] both = logSumExpBoth(cols, k * rows, rows);
        plus[k] = logAddExp(plus[k], both[0]);
        minus[k] = logAddExp(minus[k], both[1]);
      });
    });
    return new double[][] {plus, minus};
  }

  /**
   * {@code {log Σ_i exp(x_i), log Σ_i exp(−x_i)}} over {@code x[from .. from + len)}, each shifted by its maximum
   * (max of x, −min of x) so nothing overflows; the exponentials by {@link ExpSums} (SIMD lanes). A range with a
   * non-finite value goes the plain way, {@link #logSumExp}, whose NaN/infinity handling the callers rely on.
   */
  static double[] logSumExpBoth(double[] x, int from, int len) {
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    for (int i = from; i < from + len; i++) {
      max = Math.max(max, x[i]);
      min = Math.min(min, x[i]);
    }
    if (!Double.isFinite(max - min)) { // NaN, infinities, len 0
      return new double[] {logSumExp(x, from, len, 1), logSumExp(x, from, len, -1)};
    }
    double[] sums = ExpSums.shiftedSums(x, from, len, max, min);
    return new double[] {max + Math.log(sums[0]), -min + Math.log(sums[1])};
  }

  /** {@code log Σ_i exp(sign·x[from + i])}, i < len, shifted by the maximum so nothing overflows. */
  static double logSumExp(double[] x, int from, int len, int sign) {
    return logSumExp(java.nio.DoubleBuffer.wrap(x), from, len, sign);
  }

  /** {@link #logSumExp(double[], int, int, int)} on a buffer, read with absolute gets (any thread). */
  static double logSumExp(java.nio.DoubleBuffer x, int from, int len, int sign) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < from + len; i++) {
      max = Math.max(max, sign * x.get(i));
    }
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
      return max;
    }
    double sum = 0;
    for (int i = from; i < from + len; i++) {
      sum += Math.exp(sign * x.get(i) - max);
    }
    return max + Math.log(sum);
  }

  static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double hi = Math.max(a, b);
    return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
  }
}
