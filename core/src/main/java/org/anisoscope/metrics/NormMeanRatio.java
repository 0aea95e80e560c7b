package org.anisoscope.metrics;

/**
 * {@code norm_mean_ratio}: {@code ‖mean_i x_i‖ / mean_i ‖x_i‖}, in [0, 1]: 1 when all rows are the same vector,
 * near 0 when they cancel out. It is the share of the rows' length that is common drift. All rows count (zero rows
 * included); NaN when there are no rows or all are zero.
 */
public final class NormMeanRatio extends ScalarMetric {
  public static final String NAME = "norm_mean_ratio";

  public NormMeanRatio() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    int n = v.n();
    int d = v.d();
    float[] x = v.data();
    double[] sum = new double[d];
    double normSum = 0;
    for (int i = 0; i < n; i++) {
      int off = i * d;
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double xj = x[off + j];
        sum[j] += xj;
        sq += xj * xj;
      }
      normSum += Math.sqrt(sq);
    }
    if (n == 0 || normSum == 0) {
      return Double.NaN;
    }
    return Math.sqrt(UnitVectorSums.squaredNorm(sum)) / normSum; // the two 1/n cancel
  }
}
