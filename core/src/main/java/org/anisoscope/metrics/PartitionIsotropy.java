package org.anisoscope.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code partition_iw}: I(W) of Mu &amp; Viswanath (2018, eq. 1 with their eigenvector approximation),
 * {@code min_c Z(c) / max_c Z(c)} with {@code Z(c) = Σ_i exp(cᵀx_i)} and c over the d unit eigenvectors of the
 * uncentred {@code XᵀX} <em>and their negatives</em>, so the sign LAPACK picks for an eigenvector does not
 * matter. In (0, 1]: near 1 for isotropic data, near 0 when the rows share a direction.
 *
 * <p>Computed in log space: {@code log Z(c)} is a log-sum-exp over the rows (the exponents of real hidden states
 * reach the hundreds), and the result is {@code exp(min log Z − max log Z)}, which may underflow to 0 for strongly
 * anisotropic data. The projections {@code X·V} are one more O(N·d²) GEMM, streamed by row blocks with a running
 * log-sum-exp per direction. NaN with no rows.
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
    java.util.Arrays.fill(plus, Double.NEGATIVE_INFINITY);
    java.util.Arrays.fill(minus, Double.NEGATIVE_INFINITY);
    RowBlocks.forEach(v, null, (block, first, rows) -> {
      INDArray p = Nd4j.create(DataType.DOUBLE, new long[] {rows, d}, 'f'); // [rows, d]: p_ik = v_kᵀ x_i
      Nd4j.gemm(block, vectors, p, false, false, 1.0, 0.0);
      accumulate(plus, p, false);
      accumulate(minus, p, true);
    });
    return new double[][] {plus, minus};
  }

  /** {@code acc_k ← logaddexp(acc_k, log Σ_i exp(±p_ik))}, each block shifted by its column extreme. */
  private static void accumulate(double[] acc, INDArray p, boolean negate) {
    INDArray shift = negate ? p.min(0).negi() : p.max(0); // [d]: max_i of ±p_ik
    INDArray e = negate ? p.neg().subiRowVector(shift) : p.subRowVector(shift); // [rows, d], ≤ 0
    Transforms.exp(e, false);
    double[] sums = e.sum(0).toDoubleVector();
    double[] shifts = shift.toDoubleVector();
    for (int k = 0; k < acc.length; k++) {
      double blockLog = shifts[k] + Math.log(sums[k]);
      acc[k] = logAddExp(acc[k], blockLog);
    }
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
